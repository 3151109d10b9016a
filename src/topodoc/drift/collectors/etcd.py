"""etcd collector: the cluster's members and their health, through the v3 JSON gateway.

Read-only by an allowlist. The gateway speaks POST for every RPC, reads included, so the
rule is not "GET only" but exactly these requests, checked before a connection is opened:

- ``POST /v3/cluster/member/list`` with ``{}`` (MemberList, a read), to the endpoints;
- ``GET /health``, to each member's client URLs.

Endpoints (``spec.uri``, comma-joined; ``host:port`` means ``http://host:port``) are tried in
order until one answers. Neither request needs credentials: user info in an endpoint URL is
never sent nor shown. TLS: options
``ca_cert``, ``cert``, ``key`` (paths).
"""

from __future__ import annotations

import http.client
import os
import ssl
import time
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
from topodoc.drift.collectors.responses import each, objects, parse_json, read_body, refuse_redirect
from topodoc.drift.resources import SourceResult, server_url
from topodoc.util.secrets import strip_credentials, uri_secrets

if TYPE_CHECKING:
    from topodoc.drift.resources import SourceSpec

ALLOWED = frozenset({("POST", "/v3/cluster/member/list"), ("GET", "/health")})
HEALTH_TIMEOUT_S = 5.0


def collect(spec: SourceSpec, skip_kinds: Set[str]) -> SourceResult:
    """Collect the etcd cluster at endpoints ``spec.uri``."""
    return run(spec, skip_kinds, _collect, lambda _exc: None)


def _collect(col: Collection) -> None:
    col.learn(uri_secrets(col.spec.uri))
    endpoints = [server_url(url) for url in col.spec.uri.split(",") if url.strip()]
    context = _tls_context(col.spec.options)
    failures = []
    for endpoint in endpoints:
        try:
            answer = _request(
                col, "POST", endpoint, "/v3/cluster/member/list", context, col.spec.timeout_s
            )
            break
        except (OSError, http.client.HTTPException) as exc:  # no answer: try the next one
            failures.append((endpoint, *common_failure(exc)))
    else:
        if not failures:
            raise SourceFailure("error", "no etcd endpoint given")
        raise SourceFailure(failures[0][1], "; ".join(f"{url}: {msg}" for url, _, msg in failures))
    members = objects(answer, "members", "POST /v3/cluster/member/list")
    health_timeout = min(HEALTH_TIMEOUT_S, col.spec.timeout_s)

    def add(item: dict[str, Any]) -> None:
        name = item.get("name") or f"{int(item['ID']):x}"  # not started yet: no name
        client_urls = sorted(item.get("clientURLs") or [])
        col.add(
            "etcd-member",
            f"{col.spec.target}/{name}",
            {
                "peer_urls": sorted(item.get("peerURLs") or []),
                "client_urls": client_urls,
                "healthy": _healthy(col, client_urls, context, health_timeout),
            },
        )

    each(members, "POST /v3/cluster/member/list", add)


def _tls_context(options: Mapping[str, str]) -> ssl.SSLContext:
    for option in ("ca_cert", "cert", "key"):
        path = options.get(option)
        if path and not os.path.isfile(path):
            raise SourceFailure("error", f"TLS file {option} {path}: no such file")
    try:
        context = ssl.create_default_context(cafile=options.get("ca_cert"))
        if options.get("cert"):
            # a key needing a passphrase fails rather than prompting on the terminal
            context.load_cert_chain(options["cert"], options.get("key"), password=lambda: "")
    except (OSError, ssl.SSLError) as exc:
        raise SourceFailure("error", f"TLS files (ca_cert/cert/key): {exc}") from None
    return context


def _request(
    col: Collection, method: str, base_url: str, path: str, context: ssl.SSLContext, timeout: float
) -> Any:
    """The JSON answer to one allowed request; HTTP errors and redirects raise a
    SourceFailure, and so does a body over the size limit or past the deadline."""
    if (method, path) not in ALLOWED:
        raise ReadOnlyViolation(method, path)
    parts = urlsplit(base_url)
    if parts.hostname is None:
        raise SourceFailure(
            "error",
            f"{strip_credentials(base_url)}: not a URL with a host "
            "(http://HOST:PORT or https://HOST:PORT)",
        )
    if parts.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=context
        )
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    col.api_calls += 1
    what = f"{method} {base_url.rstrip('/')}{path}"
    try:
        conn.request(
            method,
            path,
            body=b"{}" if method == "POST" else None,
            headers={"Content-Type": "application/json"},
        )
        response = conn.getresponse()
        refuse_redirect(
            response.status, response.getheader("Location"), f"{base_url.rstrip('/')}{path}", what
        )
        data = read_body(response.read, what, min(col.deadline, time.monotonic() + timeout))
    finally:
        conn.close()
    if response.status >= 400:
        raise http_failure(response.status, what)
    return parse_json(data, what)


def _healthy(col: Collection, urls: list[str], context: ssl.SSLContext, timeout: float) -> bool:
    """Whether a client URL of the member answers ``/health`` with health "true"."""
    for url in urls:
        try:
            return bool(
                _request(col, "GET", url, "/health", context, timeout).get("health") == "true"
            )
        except (OSError, http.client.HTTPException, SourceFailure, ValueError, AttributeError):
            continue
    return False
