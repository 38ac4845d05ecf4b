"""A small threaded HTTP server on loopback, for tests that must see what really got through.

Tests register routes (a path and a canned response, or a callable that builds one) and can also
serve a directory of files. Every request the server receives is recorded (method, path, headers)
*before* it is answered, so a test can assert that a refused fetch never reached the server at
all: ``assert server.requests == []``.

Only loopback addresses are accepted as the bind host: tests never open a port to the network.

    with LocalHTTPServer() as server:
        server.route("/page", body=b"<p>hi</p>")
        fetch(server.url("/page"))
        assert server.paths == ["/robots.txt", "/page"]

A body may be an iterable of byte chunks, generated lazily; without a Content-Length header it is
sent with chunked transfer encoding, so a test can offer 50 MB without building them.
"""

from __future__ import annotations

import ipaddress
import mimetypes
import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["LocalHTTPServer", "RecordedRequest", "Response", "ipv6_loopback_available"]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it. Header names are lower-cased."""

    method: str
    path: str
    headers: dict[str, str]
    client: str
    #: The request body (POST only), read in full before the route answers.
    body: bytes = b""

    @property
    def path_only(self) -> str:
        return urlsplit(self.path).path


@dataclass
class Response:
    """What a route answers. ``body`` is bytes or an iterable of byte chunks."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] = b""
    #: Seconds to wait before sending anything (to make the client time out).
    delay: float = 0.0


type Handler = Callable[[RecordedRequest], Response]


def ipv6_loopback_available() -> bool:
    """Whether this machine can bind a TCP socket on ``::1``."""
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: LocalHTTPServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client hangs up or fails a TLS handshake: tests provoke both."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    timeout = 10  # idle keep-alive connections end on their own

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        return

    def _handle(self) -> None:
        owner = self.server.owner
        length = self.headers.get("Content-Length", "")
        body = self.rfile.read(int(length)) if length.isdigit() else b""
        request = RecordedRequest(
            method=self.command,
            path=self.path,
            headers={name.lower(): value for name, value in self.headers.items()},
            client=str(self.client_address[0]),
            body=body,
        )
        owner._record(request)
        response = owner._respond(request)
        if response.delay:
            time.sleep(response.delay)
        try:
            self._send(response)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True  # the client hung up: that is often the point

    def _send(self, response: Response) -> None:
        headers = {name.lower(): (name, value) for name, value in response.headers.items()}
        self.send_response(response.status)
        for name, value in headers.values():
            self.send_header(name, value)
        body = response.body
        if isinstance(body, bytes | bytearray):
            if "content-length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        chunked = "content-length" not in headers
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if self.command == "HEAD":
            return
        for chunk in body:
            if not chunk:
                continue
            if chunked:
                self.wfile.write(f"{len(chunk):X}\r\n".encode() + chunk + b"\r\n")
            else:
                self.wfile.write(chunk)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")


class LocalHTTPServer:
    """A threaded HTTP/1.1 server on a loopback address and a free port (see module docstring)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        *,
        directory: str | Path | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        """Bind ``host`` (a loopback address) on a free port; with ``tls``, speak https.

        The TLS handshake happens in the request thread, not in the accepting one, so a client
        that never completes it cannot stall the server. The names clients ask for with SNI are
        recorded in :attr:`tls_server_names`.
        """
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"tests may only listen on loopback, not {host}")
        self.host = host
        self.scheme = "https" if tls is not None else "http"
        self.tls_server_names: list[str | None] = []
        self.directory = Path(directory) if directory is not None else None
        self._routes: dict[str, Handler] = {}
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        server_class = _Server6 if ":" in host else _Server
        self._server = server_class((host, 0), _RequestHandler)
        self._server.owner = self
        if tls is not None:
            tls.sni_callback = self._record_server_name
            self._server.socket = tls.wrap_socket(
                self._server.socket, server_side=True, do_handshake_on_connect=False
            )
        self.port: int = self._server.server_address[1]
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> LocalHTTPServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            # stop() waits for the loop to notice, up to one interval: a test suite starts and
            # stops a few hundred of these, so 50 ms here cost the fast tier seconds.
            kwargs={"poll_interval": 0.01},
            name=f"LocalHTTPServer-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> LocalHTTPServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- addresses -------------------------------------------------------------------------

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.origin + path

    # -- routes ----------------------------------------------------------------------------

    def route(
        self,
        path: str,
        *,
        status: int = 200,
        body: bytes | Iterable[bytes] = b"",
        headers: Mapping[str, str] | None = None,
        content_type: str | None = "text/html; charset=utf-8",
        delay: float = 0.0,
    ) -> None:
        """Answer ``path`` (with or without its query string) with a fixed response.

        An iterable ``body`` is consumed by the first request only; use :meth:`handle` with a
        callable for a lazily generated body served more than once.
        """
        all_headers = dict(headers or {})
        if content_type is not None and not any(k.lower() == "content-type" for k in all_headers):
            all_headers["Content-Type"] = content_type
        response = Response(status=status, headers=all_headers, body=body, delay=delay)
        self.handle(path, lambda request: response)

    def handle(self, path: str, handler: Handler) -> None:
        """Answer ``path`` with whatever ``handler(request)`` returns."""
        with self._lock:
            self._routes[path] = handler

    def redirect(self, path: str, location: str, *, status: int = 302) -> None:
        self.route(path, status=status, headers={"Location": location}, content_type=None)

    def serve_directory(self, directory: str | Path) -> None:
        """Serve files under ``directory`` for paths that have no route."""
        self.directory = Path(directory)

    # -- what was received -----------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def paths(self) -> list[str]:
        return [request.path for request in self.requests]

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    # -- internals -------------------------------------------------------------------------

    def _record_server_name(
        self, sock: ssl.SSLObject | ssl.SSLSocket, name: str | None, context: ssl.SSLContext
    ) -> None:
        with self._lock:
            self.tls_server_names.append(name)

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _respond(self, request: RecordedRequest) -> Response:
        with self._lock:
            handler = self._routes.get(request.path) or self._routes.get(request.path_only)
        if handler is not None:
            return handler(request)
        if self.directory is not None:
            return self._file(request.path_only)
        return Response(404, {"Content-Type": "text/plain"}, b"not found")

    def _file(self, path: str) -> Response:
        assert self.directory is not None
        root = self.directory.resolve()
        target = (root / unquote(path).lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(root) or not target.is_file():
            return Response(404, {"Content-Type": "text/plain"}, b"not found")
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return Response(200, {"Content-Type": content_type}, target.read_bytes())
