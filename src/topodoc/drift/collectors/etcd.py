"""etcd collector: the cluster's members and their health, through the v3 JSON gateway.

Read-only by an allowlist. The gateway speaks POST for every RPC, reads included, so the
rule is not "GET only" but exactly these requests, checked before a connection is opened:

- ``POST /v3/cluster/member/list`` with ``{}`` (MemberList, a read), to the endpoints;
- ``GET /health``, to each member's client URLs.

Endpoints (``spec.uri``, comma-joined) are tried in order until one answers. Neither request
needs credentials: user info in an endpoint URL is never sent nor shown. TLS: options
``ca_cert``, ``cert``, ``key`` (paths).
"""

from __future__ import annotations

import http.client
import json
import ssl
from collections.abc import Mapping, Set
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from topodoc.drift.collectors import (
    Collection,
    ReadOnlyViolation,
    SourceFailure,
    common_failure,
    http_failure,
    run,
)
from topodoc.drift.resources import SourceResult
from topodoc.drift.secrets import strip_credentials, url_password

if TYPE_CHECKING:
    from topodoc.drift.collect import SourceSpec

ALLOWED = frozenset({("POST", "/v3/cluster/member/list"), ("GET", "/health")})
HEALTH_TIMEOUT_S = 5.0


def collect(spec: SourceSpec, skip_kinds: Set[str]) -> SourceResult:
    """Collect the etcd cluster at endpoints ``spec.uri``."""
    return run(spec, skip_kinds, _collect, lambda _exc: None)


def _collect(col: Collection) -> None:
    endpoints = [url.strip() for url in col.spec.uri.split(",") if url.strip()]
    col.learn(p for p in map(url_password, endpoints) if p)
    context = _tls_context(col.spec.options)
    failures = []
    for endpoint in endpoints:
        try:
            members = _request(col, "POST", endpoint, "/v3/cluster/member/list", context,
                               col.spec.timeout_s).get("members") or []
            break
        except (OSError, http.client.HTTPException) as exc:  # no answer: try the next one
            failures.append((strip_credentials(endpoint), *common_failure(exc)))
    else:
        if not failures:
            raise SourceFailure("error", "no etcd endpoint given")
        raise SourceFailure(failures[0][1], "; ".join(f"{url}: {msg}" for url, _, msg in failures))
    health_timeout = min(HEALTH_TIMEOUT_S, col.spec.timeout_s)
    for member in members:
        name = member.get("name") or f"{int(member['ID']):x}"  # not started yet: no name
        client_urls = sorted(member.get("clientURLs") or [])
        col.add("etcd-member", f"{col.spec.target}/{name}", {
            "peer_urls": sorted(member.get("peerURLs") or []),
            "client_urls": client_urls,
            "healthy": _healthy(col, client_urls, context, health_timeout),
        })


def _tls_context(options: Mapping[str, str]) -> ssl.SSLContext:
    try:
        context = ssl.create_default_context(cafile=options.get("ca_cert"))
        if options.get("cert"):
            # a key needing a passphrase fails rather than prompting on the terminal
            context.load_cert_chain(options["cert"], options.get("key"), password=lambda: "")
    except (OSError, ssl.SSLError) as exc:
        raise SourceFailure("error", f"TLS files (ca_cert/cert/key): {exc}") from None
    return context


def _request(col: Collection, method: str, base_url: str, path: str,
             context: ssl.SSLContext, timeout: float) -> Any:
    """The JSON answer to one allowed request; HTTP errors raise a SourceFailure."""
    if (method, path) not in ALLOWED:
        raise ReadOnlyViolation(method, path)
    parts = urlsplit(base_url)
    if parts.hostname is None:
        raise SourceFailure("error", f"{strip_credentials(base_url)}: not a URL with a host "
                            "(http://HOST:PORT or https://HOST:PORT)")
    if parts.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=context)
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    col.api_calls += 1
    try:
        conn.request(method, path, body=b"{}" if method == "POST" else None,
                     headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    if response.status >= 400:
        raise http_failure(response.status, f"{method} {path}")
    return json.loads(data)


def _healthy(col: Collection, urls: list[str], context: ssl.SSLContext, timeout: float) -> bool:
    """Whether a client URL of the member answers ``/health`` with health "true"."""
    for url in urls:
        try:
            return bool(_request(col, "GET", url, "/health", context, timeout)
                        .get("health") == "true")
        except (OSError, http.client.HTTPException, SourceFailure, ValueError, AttributeError):
            continue
    return False
