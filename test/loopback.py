"""A real HTTP server on 127.0.0.1 for tests: scripted answers, recorded requests.

    def answer(request):
        return 200, {"Content-Type": "application/json"}, b'{"state": {}}'

    with LoopbackServer(answer) as server:
        client = ApiClient(Configuration(host=server.url))
        ...
        assert server.requests[0].path == "/states"

``answer`` may also return a plain ``bytes`` body (status 200, JSON). Requests
are recorded whole (method, path, headers, body); ``connections`` counts the
TCP connections the server accepted, to check keep-alive reuse. With an
``ssl_context`` it serves HTTPS; a client refusing its certificate is not an error.
"""

import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Dict, List, NamedTuple, Optional, Tuple, Union


class RecordedRequest(NamedTuple):
    method: str
    path: str
    headers: Dict[str, str]
    body: bytes


Answer = Union[bytes, Tuple[int, Dict[str, str], bytes]]


class LoopbackServer:
    """A threaded HTTP/1.1 server that answers with ``answer(request)`` and records every request."""

    def __init__(self, answer: Callable[[RecordedRequest], Answer], ssl_context: Optional[ssl.SSLContext] = None):
        self.answer = answer
        self.requests: List[RecordedRequest] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._scheme = "http"
        if ssl_context is not None:
            # The handshake runs in each connection's thread, so a refused one never blocks accepting.
            self._server.socket = ssl_context.wrap_socket(self._server.socket, server_side=True,
                                                          do_handshake_on_connect=False)
            self._scheme = "https"
        # A short poll so that shutdown() returns at once rather than after the default half second.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="loopback-server", daemon=True)

    @property
    def url(self) -> str:
        return "%s://127.0.0.1:%d" % (self._scheme, self._server.server_port)

    def __enter__(self) -> "LoopbackServer":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in two writes; without this, Nagle holds the body for the client's delayed ACK.
            disable_nagle_algorithm = True

            def setup(self):
                super().setup()
                with server._lock:
                    server.connections += 1

            def handle(self):
                try:
                    super().handle()
                except (ssl.SSLError, ConnectionError):
                    pass  # a client that refused our certificate, as TLS tests make it do

            def log_message(self, *args):
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = RecordedRequest(self.command, self.path, dict(self.headers.items()), body)
                with server._lock:
                    server.requests.append(request)
                answer = server.answer(request)
                if isinstance(answer, bytes):
                    answer = (200, {"Content-Type": "application/json"}, answer)
                status, headers, payload = answer
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        return Handler
