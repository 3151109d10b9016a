"""Hostile and broken servers: redirects to another host, endless bodies, a Keystone that
answers 401, bytes that are not JSON, answers of the wrong shape, an untrusted certificate.

Real clients (openstacksdk, kubernetes, http.client for etcd) against loopback servers on
127.0.0.0/8: a "thief" on 127.0.0.2 stands for any other host. Each source goes through
:func:`collect_all`, so a collector that hangs shows as a wrong status, not a hung test.
"""

from __future__ import annotations

import time

import pytest
from collector_lab import SENTINEL_PASSWORD, SENTINEL_TOKEN, write_kubeconfig

from tests.servers import Reply, StaticAPI
from topodoc.drift.collect import collect_all
from topodoc.drift.resources import SourceSpec

pytest.importorskip("openstack")
pytest.importorskip("kubernetes")
pytestmark = pytest.mark.filterwarnings(
    "ignore::PendingDeprecationWarning", "ignore::DeprecationWarning"
)

SERVERS = "/compute/v2.1/servers/detail"
TOKENS = "/identity/v3/auth/tokens"
NODES = "/api/v1/nodes"
MEMBERS = "/v3/cluster/member/list"


@pytest.fixture
def thief():
    """Another host: 127.0.0.2. Whatever reaches it was leaked."""
    with StaticAPI(host="127.0.0.2") as server:
        yield server


def run(spec: SourceSpec):
    """(result, seconds) of collecting ``spec`` alone."""
    started = time.monotonic()
    [result] = collect_all([spec])
    return result, time.monotonic() - started


def etcd_spec(url: str, timeout: float = 5.0) -> SourceSpec:
    return SourceSpec("etcd:e", "etcd", "e", url, {}, timeout)


def leaked(server: StaticAPI) -> str:
    return " ".join(f"{r.method} {r.path} {r.headers}" for r in server.requests)


# -- redirects -------------------------------------------------------------------------------


def test_keystone_redirecting_the_password_elsewhere_is_refused(
    openstack_api, openstack_spec, thief
):
    openstack_api.redirect(TOKENS, f"{thief.url}{TOKENS}", status=307)
    result, _ = run(openstack_spec)
    assert result.status == "error"
    assert (
        f"from 127.0.0.1:{openstack_api.url.rsplit(':', 1)[1]} to another host, "
        f"127.0.0.2:{thief.url.rsplit(':', 1)[1]}" in result.error
    )
    assert thief.requests == []


def test_nova_redirecting_the_token_elsewhere_is_refused(openstack_api, openstack_spec, thief):
    openstack_api.redirect(SERVERS, f"{thief.url}{SERVERS}")
    result, _ = run(openstack_spec)
    assert result.status == "error" and "127.0.0.2" in result.error
    assert "redirect" in result.error and SERVERS in result.error
    assert thief.requests == []


def test_a_next_page_link_to_another_host_is_refused(openstack_api, openstack_spec, thief):
    openstack_api.answer(
        SERVERS,
        Reply(
            200,
            {
                "servers": [],
                "servers_links": [{"rel": "next", "href": f"{thief.url}{SERVERS}?marker=x"}],
            },
        ),
    )
    result, _ = run(openstack_spec)
    assert result.status == "error" and "next page link" in result.error
    assert "127.0.0.2" in result.error and thief.requests == []


def test_endpoints_of_keystones_own_catalog_on_other_hosts_are_read(openstack_spec, openstack_api):
    from tests.servers.openstack_api import OpenStackAPI

    with OpenStackAPI(openstack_api.data, host="127.0.0.2") as nova:
        openstack_api.serve_services_from(nova)
        result, _ = run(openstack_spec)
    assert (result.status, result.error) == ("ok", None)
    assert any(r.path.startswith(SERVERS) for r in nova.requests)
    assert not any(r.path.startswith(SERVERS) for r in openstack_api.requests)


def test_kubernetes_redirect_is_refused_naming_both_hosts(kubernetes_api, kubernetes_spec, thief):
    kubernetes_api.redirect(NODES, f"{thief.url}{NODES}")
    result, _ = run(kubernetes_spec)
    assert result.status == "error" and "127.0.0.2" in result.error
    assert "127.0.0.1" in result.error and thief.requests == []


def test_etcd_302_is_a_redirect_error_not_a_json_error(thief):
    with StaticAPI(Reply(302, None, {"Location": f"{thief.url}{MEMBERS}"})) as etcd:
        result, _ = run(etcd_spec(etcd.url))
    assert result.status == "error"
    assert "HTTP 302 redirect from 127.0.0.1" in result.error and "127.0.0.2" in result.error
    assert "JSON" not in result.error and thief.requests == []


# -- endless bodies --------------------------------------------------------------------------


def assert_cut_off(result, seconds: float, timeout: float) -> None:
    from topodoc.drift.collectors.responses import MAX_BODY_BYTES

    assert result.status == "error", result.error
    assert f"larger than {MAX_BODY_BYTES // 2**20} MiB" in result.error
    assert seconds < timeout + 1


def test_endless_nova_body_is_cut_off_at_the_limit(openstack_api, openstack_spec):
    openstack_api.endless(SERVERS)
    result, seconds = run(openstack_spec)
    assert_cut_off(result, seconds, openstack_spec.timeout_s)


def test_endless_kubernetes_body_is_cut_off_at_the_limit(kubernetes_api, kubernetes_spec):
    kubernetes_api.endless(NODES)
    result, seconds = run(kubernetes_spec)
    assert_cut_off(result, seconds, kubernetes_spec.timeout_s)


def test_endless_etcd_body_is_cut_off_at_the_limit():
    with StaticAPI() as etcd:
        etcd.endless(MEMBERS)
        result, seconds = run(etcd_spec(etcd.url))
    assert_cut_off(result, seconds, 5.0)


def test_a_body_dribbling_past_the_timeout_ends_the_source_on_time():
    class Dribbling(StaticAPI):
        def _endless(self, handler) -> None:  # a slow endless body: under the size limit
            handler.send_response(200)
            handler.send_header("Connection", "close")
            handler.end_headers()
            while not self._stopping.wait(0.05):
                handler.wfile.write(b" " * 100)
                handler.wfile.flush()

    with Dribbling() as etcd:
        etcd.endless(MEMBERS)
        result, seconds = run(etcd_spec(etcd.url, timeout=1.0))
    assert result.status == "timeout" and seconds < 2.0


# -- authentication, JSON, shapes ------------------------------------------------------------


def test_keystone_401_is_an_authentication_error_at_once(openstack_api, openstack_spec):
    openstack_api.fail(
        "/identity", 401, times=None, message="The request you have made requires authentication."
    )
    result, seconds = run(openstack_spec)
    assert result.status == "forbidden" and result.error.startswith("authentication failed")
    assert "HTTP 401" in result.error and seconds < 2.0


@pytest.mark.parametrize("source", ["openstack", "kubernetes", "etcd"])
def test_invalid_json_says_invalid_json(
    source, openstack_api, openstack_spec, kubernetes_api, kubernetes_spec
):
    reply = Reply(200, b"<html><body>Service Unavailable</body></html>")
    if source == "etcd":
        with StaticAPI(reply) as etcd:
            result, _ = run(etcd_spec(etcd.url))
    else:
        api, spec, path = (
            (openstack_api, openstack_spec, SERVERS)
            if source == "openstack"
            else (kubernetes_api, kubernetes_spec, NODES)
        )
        api.answer(path, reply)
        result, _ = run(spec)
    assert result.status == "error"
    assert "invalid JSON" in result.error and "<html>" in result.error


@pytest.mark.parametrize(
    "answer, message",
    [
        ({"server": []}, "the answer has no 'servers' field"),
        ({"servers": {"id": 1}}, "'servers' is an object, not a list"),
        (
            {"servers": [{"id": "x", "name": "vm-1", "flavor": {"vcpus": 1, "ram": 1}}]},
            "GET /servers/detail: item 'vm-1' has no 'status' field",
        ),
    ],
)
def test_nova_answers_of_the_wrong_shape_name_the_field(
    openstack_api, openstack_spec, answer, message
):
    openstack_api.answer(SERVERS, Reply(200, answer))
    result, _ = run(openstack_spec)
    assert (result.status, result.resources) == ("error", [])
    assert message in result.error


def test_a_bare_node_instead_of_a_node_list_is_an_error(kubernetes_api, kubernetes_spec):
    kubernetes_api.answer(NODES, Reply(200, kubernetes_api.data.nodes[0]))
    result, _ = run(kubernetes_spec)
    assert result.status == "error"
    assert "GET /api/v1/nodes: the answer is one Node, not a list" in result.error


def test_etcd_answer_without_members_is_an_error():
    with StaticAPI(Reply(200, {"header": {}})) as etcd:
        result, _ = run(etcd_spec(etcd.url))
    assert result.status == "error" and "no 'members' field" in result.error


# -- TLS -------------------------------------------------------------------------------------


def test_untrusted_kubernetes_certificate_is_a_certificate_error(tmp_path):
    from tests.servers.etcd_server import make_tls_files
    from tests.servers.kubernetes_api import KubernetesAPI
    from topodoc.drift.collectors.kubernetes import collect

    tls = make_tls_files(tmp_path)
    with KubernetesAPI(
        token=SENTINEL_TOKEN, tls=(str(tls.server_cert), str(tls.server_key))
    ) as api:
        kubeconfig = write_kubeconfig(tmp_path, api.url)
        spec = SourceSpec(
            "kubernetes:k", "kubernetes", "k", "z-k8s-admin", {"kubeconfig": str(kubeconfig)}, 5.0
        )
        result = collect(spec, frozenset())
        assert api.requests == []  # the token never went out
    assert result.status == "error"
    assert "certificate" in result.error and "certificate-authority" in result.error
    assert "NoneType" not in result.error and SENTINEL_TOKEN not in result.error


def test_the_planted_password_reaches_no_other_host(openstack_api, openstack_spec, thief):
    for path in (TOKENS, "/identity/v3", SERVERS):
        openstack_api.reset()
        openstack_api.redirect(path, f"{thief.url}{path}", status=307)
        result, _ = run(openstack_spec)
        assert result.status != "ok"
        assert SENTINEL_PASSWORD not in str(result.to_json())
    assert thief.requests == [], leaked(thief)
