"""The local node's HTTP side: routes, methods, body limit, and connections it can close on stop."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Dict, Optional, Set, Tuple

from bacalhau_client.devserver import endpoints, gateway, websocket
from bacalhau_client.devserver.endpoints import Answer, RequestError, error_answer

Endpoint = Callable[[object, bytes], Answer]

# path -> (method, endpoint), as the node's router registers them.
ROUTES: Dict[str, Tuple[str, Endpoint]] = {
    "/submit": ("POST", endpoints.submit),
    "/list": ("POST", endpoints.list_jobs),
    "/states": ("POST", endpoints.states),
    "/events": ("POST", endpoints.events),
    "/local_events": ("POST", endpoints.local_events),
    "/results": ("POST", endpoints.results),
    "/version": ("POST", endpoints.version),
    "/livez": ("GET", endpoints.livez),
    "/readyz": ("GET", endpoints.readyz),
    "/healthz": ("GET", endpoints.healthz),
    "/logz": ("GET", endpoints.logz),
    "/varz": ("GET", endpoints.varz),
    "/debug": ("GET", endpoints.debug),
    "/id": ("GET", endpoints.peer_id),
    "/peers": ("GET", endpoints.peers),
}


class NodeHTTPServer(ThreadingHTTPServer):
    """A threaded server that knows its open connections, so that stopping closes them.

    Keep-alive connections would otherwise keep their handler threads waiting
    for a next request, and :meth:`server_close` (which joins them) would hang.
    """

    daemon_threads = False
    block_on_close = True

    def __init__(self, address, node, max_body_bytes: int):
        self.node = node
        self.max_body_bytes = max_body_bytes
        self._connections: Set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, NodeRequestHandler)

    def track(self, connection: socket.socket, open_: bool) -> None:
        """Remember (or forget) an open connection."""
        with self._connections_lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def close_connections(self) -> None:
        """Shut every open connection down, waking handler threads that wait on them."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # the peer closed it already


class NodeRequestHandler(BaseHTTPRequestHandler):
    """Answers one connection's requests (HTTP/1.1, keep-alive) from :data:`ROUTES`."""

    protocol_version = "HTTP/1.1"
    # Headers and body leave in one write: sent apart, Nagle's algorithm and delayed ACKs add 40 ms a call.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    def send_response(self, code: int, message: Optional[str] = None) -> None:
        # Go's server sends a Date header and no Server header.
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args) -> None:
        self.server.node.store.log("%s %s" % (self.address_string(), format % args))

    def _serve(self) -> None:
        path = self.path.split("?", 1)[0]
        self.server.node.count_request(path)
        if path == websocket.PATH:  # any method: the upgrader itself refuses all but GET
            refused = websocket.serve(self)
            if refused is not None:
                self._discard_body()
                self._write(*refused)
            return None
        if path.startswith(gateway.PATH_PREFIX):
            self._discard_body()
            return gateway.serve(self, self.server.node.blocks)
        route = ROUTES.get(path)
        if route is None:
            self._discard_body()
            return self._write(error_answer(404, "404 page not found"))
        method, endpoint = route
        if self.command != method:
            self._discard_body()
            return self._write(error_answer(405, "Method Not Allowed"), {"Allow": method})
        body = self._read_body()
        if body is None:
            return
        try:
            answer = endpoint(self.server.node, body)
        except RequestError as error:
            answer = error.answer
        except Exception as error:  # a bug in the node must still answer, not drop the connection
            self.server.node.store.log("%s %s failed: %r" % (self.command, path, error))
            answer = error_answer(500, "%s: %s" % (type(error).__name__, error))
        self._write(answer)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def do_HEAD(self) -> None:
        if self.path.startswith(gateway.PATH_PREFIX):
            return self._serve()
        self.send_error(501, "Unsupported method ('HEAD')")

    def _read_body(self):
        """The request body, or ``None`` after refusing one that is too large or unreadable."""
        length_text = self.headers.get("Content-Length") or "0"
        if not length_text.isdigit():
            self.close_connection = True
            self._write(error_answer(400, "invalid Content-Length %r" % length_text))
            return None
        length = int(length_text)
        if length > self.server.max_body_bytes:
            self.close_connection = True  # the unread body must not be parsed as a next request
            self._write(error_answer(413, "http: request body too large"))
            return None
        return self.rfile.read(length) if length else b""

    def _discard_body(self) -> None:
        length_text = self.headers.get("Content-Length") or "0"
        length = int(length_text) if length_text.isdigit() else 0
        if length > self.server.max_body_bytes or not length_text.isdigit():
            self.close_connection = True
        elif length:
            self.rfile.read(length)

    def _write(self, answer: Answer, headers: Optional[Dict[str, str]] = None) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        if answer.status >= 400:
            self.send_header("X-Content-Type-Options", "nosniff")  # as Go's http.Error sends
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(answer.body)
