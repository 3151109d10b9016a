"""Secret scrubbing: known values and secret-looking patterns."""

from __future__ import annotations

import logging

from topodoc.drift.secrets import (
    one_line,
    redact,
    remember,
    safe_uri,
    secret_values,
    strip_credentials,
)

KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----"


def test_known_secrets_are_masked_longest_first():
    assert redact("pw hunter2 and hunter2x", ["hunter2", "hunter2x"]) == "pw *** and ***"


def test_patterns_mask_unlearnt_secrets():
    text = (f"Authorization: Bearer abc.def X-Auth-Token: tok123 password=pa55 "
            f"'token': 'zz9' https://admin:s3cret@h:5000/v3 key {KEY} end")
    out = redact(text)
    for secret in ("abc.def", "tok123", "pa55", "zz9", "s3cret", "MIIEow"):
        assert secret not in out
    assert "https://admin:***@h:5000/v3" in out and out.endswith("key *** end")


def test_one_line_is_single_line_and_bounded():
    assert one_line("a\n  b\tc") == "a b c"
    assert len(one_line("x" * 1000)) == 300


def test_secret_values_walks_nested_config():
    config = {"clouds": {"z": {"auth": {"username": "admin", "password": "p1",
                                        "application_credential_secret": "p2"}}},
              "users": [{"name": "u", "user": {"token": "t1", "client-key-data": "k1"}}]}
    assert secret_values(config) == {"p1", "p2", "t1", "k1"}


def test_urls_lose_passwords_but_keep_users():
    assert strip_credentials("https://u:p@h:2379/x") == "https://u@h:2379/x"
    assert strip_credentials("qemu+ssh://root@host/system") == "qemu+ssh://root@host/system"
    assert safe_uri("http://a:b@h1:1,http://h2:2") == "http://a@h1:1,http://h2:2"


def test_remembered_secrets_are_scrubbed_from_client_library_logs(caplog):
    caplog.set_level(logging.DEBUG)
    remember(["rem-3mb3r3d"])
    logging.getLogger("keystoneauth.session").debug("RESP BODY: %s", '{"m": "rem-3mb3r3d"}')
    logging.getLogger("topodoc.other").debug("kept rem-3mb3r3d")
    assert [r.getMessage() for r in caplog.records] == ['RESP BODY: {"m": "***"}',
                                                        "kept rem-3mb3r3d"]
