"""Loopback servers for the collector tests and benchmarks.

``OpenStackAPI`` and ``KubernetesAPI`` serve the APIs' documented shapes over HTTP on
127.0.0.1 (or another address of 127.0.0.0/8, ``host="127.0.0.2"``, never any other) and an
ephemeral port; ``EtcdServer`` runs the real etcd the same way. The HTTP servers record
every request and can inject errors, delays and hostile answers (redirects, endless bodies,
bytes that are not JSON); with ``tls=(cert, key)`` they serve HTTPS::

    with OpenStackAPI(OpenStackData.generate(servers=2000)) as api:
        api.url  # http://127.0.0.1:PORT
"""

from __future__ import annotations

import json
import ssl
import threading
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Recorded:
    """One request as it arrived."""

    method: str
    path: str  # with the query string
    headers: dict[str, str]


@dataclass
class Fault:
    """An injected failure or delay for requests whose path starts with ``prefix``."""

    prefix: str
    status: int | None = None  # an HTTP error to answer instead, or None
    delay_s: float = 0.0
    times: int | None = 1  # how many requests it applies to; None: all
    message: str = "injected failure"
    reply: Reply | None = None  # a whole answer to give instead (a redirect, raw bytes)
    endless: bool = False  # answer 200 with a JSON body that never ends


@dataclass
class Reply:
    """What a server answers: status, JSON body (``bytes``: sent as they are), headers."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


#: One piece of an endless body: items of a JSON list, forever.
ENDLESS_PIECE = b'{"name": "' + b"x" * 1000 + b'"},'


class LoopbackServer:
    """A threading HTTP server on 127.0.0.1; subclasses implement :meth:`respond`."""

    def __init__(self, *, host: str = "127.0.0.1", tls: tuple[str, str] | None = None) -> None:
        if not host.startswith("127."):
            raise ValueError(f"{host}: loopback servers listen on 127.0.0.0/8 only")
        self.host, self.tls = host, tls
        self.bytes_sent = 0  # of endless bodies
        self.requests: list[Recorded] = []
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None

    # -- life cycle ---------------------------------------------------------------------
    def start(self) -> LoopbackServer:
        handler = type("Handler", (_Handler,), {"api": self})
        self._httpd = ThreadingHTTPServer((self.host, 0), handler)
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # ends injected delays at once
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._httpd is not None, "start() the server first"
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.host}:{self._httpd.server_address[1]}"

    # -- test controls ------------------------------------------------------------------
    def fail(
        self, prefix: str, status: int, times: int | None = 1, message: str = "injected failure"
    ) -> None:
        """Answer HTTP ``status`` (an error body with ``message``) to the next ``times``
        requests under ``prefix``; ``{token}`` in ``message`` becomes the request's token."""
        with self._lock:
            self._faults.append(Fault(prefix, status=status, times=times, message=message))

    def answer(self, prefix: str, reply: Reply, times: int | None = None) -> None:
        """Give ``reply`` to requests under ``prefix`` (a redirect, bytes that are not JSON)."""
        with self._lock:
            self._faults.append(Fault(prefix, reply=reply, times=times))

    def redirect(
        self, prefix: str, location: str, status: int = 302, times: int | None = None
    ) -> None:
        """Redirect requests under ``prefix`` to ``location``."""
        self.answer(prefix, Reply(status, None, {"Location": location}), times)

    def endless(self, prefix: str, times: int | None = None) -> None:
        """Answer requests under ``prefix`` with a 200 and a body that never ends."""
        with self._lock:
            self._faults.append(Fault(prefix, endless=True, times=times))

    def delay(self, prefix: str, seconds: float, times: int | None = None) -> None:
        """Hold answers to requests under ``prefix`` for ``seconds`` (stop() ends the wait)."""
        with self._lock:
            self._faults.append(Fault(prefix, delay_s=seconds, times=times))

    def reset(self) -> None:
        """Forget recorded requests and injected faults."""
        with self._lock:
            self.requests.clear()
            self._faults.clear()

    # -- for subclasses -----------------------------------------------------------------
    def respond(
        self, method: str, path: str, query: dict[str, list[str]], headers: Message, body: bytes
    ) -> Reply:
        """The answer to one request (``headers``: case-insensitive)."""
        raise NotImplementedError

    def error_body(self, status: int, message: str) -> Any:
        return {"error": {"code": status, "message": message}}

    # -- plumbing -----------------------------------------------------------------------
    def _faults_for(self, path: str) -> list[Fault]:
        with self._lock:
            hits = [f for f in self._faults if path.startswith(f.prefix)]
            for fault in hits:
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
            return hits

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        with self._lock:
            self.requests.append(
                Recorded(handler.command, handler.path, dict(handler.headers.items()))
            )
        parts = urlsplit(handler.path)
        reply = None
        for fault in self._faults_for(parts.path):
            if fault.delay_s and self._stopping.wait(fault.delay_s):
                handler.close_connection = True  # stopping: answer nothing
                return
            if fault.endless:
                self._endless(handler)
                return
            if fault.reply is not None and reply is None:
                reply = fault.reply
            if fault.status is not None and reply is None:
                token = handler.headers.get("X-Auth-Token") or handler.headers.get(
                    "Authorization", ""
                ).removeprefix("Bearer ")
                message = fault.message.replace("{token}", token)  # a server echoing it
                reply = Reply(fault.status, self.error_body(fault.status, message))
        if reply is None:
            reply = self.respond(
                handler.command, parts.path, parse_qs(parts.query), handler.headers, body
            )
        data = (
            reply.body
            if isinstance(reply.body, bytes)
            else b""
            if reply.body is None
            else json.dumps(reply.body).encode()
        )
        handler.send_response(reply.status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _endless(self, handler: BaseHTTPRequestHandler) -> None:
        """A 200 whose JSON body goes on until the client hangs up (or stop())."""
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        handler.wfile.write(b'{"kind": "NodeList", "items": [')
        chunk = ENDLESS_PIECE * 64
        while not self._stopping.is_set():
            handler.wfile.write(chunk)
            self.bytes_sent += len(chunk)


class StaticAPI(LoopbackServer):
    """Answers every request with one :class:`Reply` (default: 200 and ``{}``); with faults,
    the simplest hostile server."""

    def __init__(self, reply: Reply | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reply = reply or Reply(200, {})

    def respond(
        self, method: str, path: str, query: dict[str, list[str]], headers: Message, body: bytes
    ) -> Reply:
        return self.reply


class _Handler(BaseHTTPRequestHandler):
    api: LoopbackServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out apart: no 40 ms delayed ACK

    def _any(self) -> None:
        try:
            self.api._handle(self)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the client gave up (e.g. its timeout): nothing to answer

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _any

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        """Quiet: tests assert on what reaches stderr."""
