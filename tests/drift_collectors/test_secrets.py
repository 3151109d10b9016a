"""Secret scrubbing: known values and secret-looking patterns."""

from __future__ import annotations

import logging

from topodoc.util.secrets import (
    one_line,
    redact,
    remember,
    safe_uri,
    secret_values,
    strip_credentials,
    url_password,
)

KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----"


def test_known_secrets_are_masked_longest_first():
    assert redact("pw hunter2 and hunter2x", ["hunter2", "hunter2x"]) == "pw *** and ***"


def test_patterns_mask_unlearnt_secrets():
    text = (
        f"Authorization: Bearer abc.def X-Auth-Token: tok123 password=pa55 "
        f"'token': 'zz9' https://admin:s3cret@h:5000/v3 key {KEY} end"
    )
    out = redact(text)
    for secret in ("abc.def", "tok123", "pa55", "zz9", "s3cret", "MIIEow"):
        assert secret not in out
    assert "https://admin:***@h:5000/v3" in out and out.endswith("key *** end")


def test_one_line_is_single_line_and_bounded():
    assert one_line("a\n  b\tc") == "a b c"
    assert len(one_line("x" * 1000)) == 300


def test_secret_values_walks_nested_config():
    config = {
        "clouds": {
            "z": {
                "auth": {
                    "username": "admin",
                    "password": "p1",
                    "application_credential_secret": "p2",
                }
            }
        },
        "users": [{"name": "u", "user": {"token": "t1", "client-key-data": "k1"}}],
    }
    assert secret_values(config) == {"p1", "p2", "t1", "k1"}


def test_urls_lose_passwords_but_keep_users():
    assert strip_credentials("https://u:p@h:2379/x") == "https://u@h:2379/x"
    assert strip_credentials("qemu+ssh://root@host/system") == "qemu+ssh://root@host/system"
    assert safe_uri("http://a:b@h1:1,http://h2:2") == "http://a@h1:1,http://h2:2"


def test_remembered_secrets_are_scrubbed_from_every_log_record_and_text(caplog):
    caplog.set_level(logging.DEBUG)
    remember(["rem-3mb3r3d", "abc"])  # too short to mask by value: every "abc" would go
    logging.getLogger("keystoneauth.session").debug("RESP BODY: %s", '{"m": "rem-3mb3r3d"}')
    logging.getLogger("topodoc.other").debug("also rem-3mb3r3d, abc")
    assert [r.getMessage() for r in caplog.records] == ['RESP BODY: {"m": "***"}', "also ***, abc"]
    assert redact("said rem-3mb3r3d") == "said ***"


def test_passwords_in_urls_of_every_form_are_masked():
    assert redact("http://root:pa/ss@10.0.0.1:2379 down") == "http://root:***@10.0.0.1:2379 down"
    assert redact("endpoint root:s3cr3t@10.0.0.1:2379") == "endpoint root:***@10.0.0.1:2379"
    assert redact("qemu+ssh://root@host/system") == "qemu+ssh://root@host/system"
    assert url_password("http://u:a/b:c@h:1") == "a/b:c"
    assert strip_credentials("u:p/w@h:2379") == "u@h:2379"
    assert safe_uri("http://a:x/y@h1:1,b:z@h2:2") == "http://a@h1:1,b@h2:2"


def test_one_test_of_a_secret_name_for_keys_attributes_and_text(tmp_path):
    from topodoc.reading.load import load_topology
    from topodoc.util.secrets import is_secret_name

    for name in (
        "password",
        "os_passwd",
        "client-key-data",
        "api_key",
        "X-Subject-Token",
        "application_credential_secret",
        "ssh-keys",
    ):
        assert is_secret_name(name), name
        assert redact(f"{name}: v4lue") == f"{name}: ***"
    for name in ("key", "key_name", "keystone", "hosts", "servers"):
        assert not is_secret_name(name), name
    # a path ending in a secret-looking word is not a name: nothing after it is masked
    assert redact("GET /v3/auth/tokens: HTTP 401") == "GET /v3/auth/tokens: HTTP 401"
    # the topology's schema refuses a secret-looking key with the same test
    (tmp_path / "lab.yaml").write_text(
        "version: 1\nhosts:\n  - id: h1\n    api_key: x\n    key_name: y\n"
    )
    messages = [p.message for p in load_topology(tmp_path / "lab.yaml").errors]
    assert [m for m in messages if "secrets never go in the topology" in m] == [
        m for m in messages if "'api_key'" in m
    ]
    assert any("'key_name'" in m for m in messages)
