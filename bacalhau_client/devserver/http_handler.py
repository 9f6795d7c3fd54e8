"""The local node's HTTP side: the route table, and the :class:`Exchange` a route answers through.

A route is a function of one :class:`Exchange`: it reads ``exchange.request``
and ``exchange.body`` (already read whole, within ``max_body_bytes``), then
answers once, in one of three ways:

- ``exchange.send(answer)``: a whole :class:`~.endpoints.Answer`;
- ``exchange.stream(status, headers, chunks)``: a body written as it is
  produced (``Content-Length`` when given, else chunked), each write bounded
  by ``exchange.write_timeout`` (a route may set it to ``None`` to lift it);
  a chunk may be a :class:`~.publisher.FileSpan`, sent with ``sendfile``;
- ``exchange.take_over()``: the route takes the socket for itself (a protocol
  upgrade); the server no longer reads it, times it out or answers on it, and
  only shuts it down when the node stops.

Routes run on the server's bounded pool of handler threads (see
:mod:`.server`), so a route that takes over a connection for long must hand
it to its own thread and return.
"""

import posixpath
import socket
from typing import Callable, Dict, Iterable, NamedTuple, Optional, Tuple, Union
from urllib.parse import quote

from bacalhau_client.devserver import endpoints, gateway, websocket
from bacalhau_client.devserver.endpoints import TEXT_TYPE, Answer, RequestError, error_answer
from bacalhau_client.devserver.httpwire import Request, connection_header, response_head
from bacalhau_client.devserver.publisher import FileSpan
from bacalhau_client.devserver.server import Connection, ConnectionServer, ServerSettings

Endpoint = Callable[[object, bytes], Answer]
Handler = Callable[["Exchange"], None]


class Route(NamedTuple):
    """A path's handler, and what it answers when its request body cannot be read.

    ``body_error(message)`` gives that answer (Go's handlers report the body
    reader's error, e.g. ``http: request body too large``, as they report a
    decoding error); ``None`` means the route never reads its body: it is
    answered with an empty body and the connection is closed after.
    """

    handle: Handler
    body_error: Optional[Callable[[str], Answer]] = None


def json_route(endpoint: Endpoint, body_error: Optional[Callable[[str], Answer]] = endpoints.bad_request) -> Route:
    """A route for one of the node's API endpoints (``endpoint(node, body) -> Answer``), any method, as Go's mux.

    ``body_error``: as in :class:`Route`; ``/submit`` refuses in its JSON envelope, the others with a bare line.
    """

    def handle(exchange: "Exchange") -> None:
        try:
            answer = endpoint(exchange.node, exchange.body)
        except RequestError as error:
            answer = error.answer
        exchange.send(answer)

    return Route(handle, body_error)


# Exact paths, or a whole subtree for a path ending in "/", as Go's http.ServeMux matches them.
ROUTES: Dict[str, Route] = {
    "/submit": json_route(endpoints.submit, endpoints.bad_submit),
    "/list": json_route(endpoints.list_jobs),
    "/states": json_route(endpoints.states),
    "/events": json_route(endpoints.events),
    "/local_events": json_route(endpoints.local_events),
    "/results": json_route(endpoints.results),
    "/version": json_route(endpoints.version),
    "/livez": json_route(endpoints.livez, body_error=None),
    "/readyz": json_route(endpoints.readyz, body_error=None),
    "/healthz": json_route(endpoints.healthz, body_error=None),
    "/logz": json_route(endpoints.logz, body_error=None),
    "/varz": json_route(endpoints.varz, body_error=None),
    "/debug": json_route(endpoints.debug, body_error=None),
    "/id": json_route(endpoints.peer_id, body_error=None),
    "/peers": json_route(endpoints.peers, body_error=None),
    websocket.PATH: Route(websocket.route),
    gateway.PATH_PREFIX: Route(gateway.serve),
}

NOT_FOUND = Route(lambda exchange: exchange.send(error_answer(404, "404 page not found")))


def find_route(path: str) -> Route:
    """The route for ``path``: an exact match, else the longest subtree pattern containing it, else 404."""
    route = ROUTES.get(path)
    if route is not None:
        return route
    subtrees = [pattern for pattern in ROUTES if pattern.endswith("/") and path.startswith(pattern)]
    return ROUTES[max(subtrees, key=len)] if subtrees else NOT_FOUND


def route_for(request: Request) -> Route:
    """The route for a request, as Go's ``ServeMux`` picks it: unclean paths and subtree roots are redirected."""
    if not request.path:
        return NOT_FOUND  # CONNECT to an authority: no path to match
    cleaned = clean_path(request.path)
    if cleaned == request.path and cleaned not in ROUTES and cleaned + "/" in ROUTES:
        cleaned += "/"  # "/tree" when only the subtree "/tree/" is registered
    if cleaned != request.path:
        return _redirect(quote(cleaned, safe="/:@!$&'()*+,;=-._~") + ("?" + request.query if request.query else ""))
    return find_route(request.path)


def clean_path(path: str) -> str:
    """Go's ``cleanPath``: rooted, no ``.``, ``..`` or doubled slashes, the trailing slash kept."""
    cleaned = "/" + posixpath.normpath("/" + path).lstrip("/")  # normpath keeps a leading "//"; Go does not
    if path.endswith("/") and cleaned != "/":
        cleaned += "/"
    return cleaned


def _redirect(location: str) -> Route:
    """Go's ``http.Redirect`` with 301: an HTML link for ``GET``, the type alone for ``HEAD``, else nothing."""

    def handle(exchange: "Exchange") -> None:
        method = exchange.request.method
        body = '<a href="%s">Moved Permanently</a>.\n\n' % _go_html_escape(location) if method == "GET" else ""
        content_type = "text/html; charset=utf-8" if method in ("GET", "HEAD") else ""
        exchange.send(Answer(301, content_type, body.encode("utf-8")), {"Location": location})

    return Route(handle)


def _go_html_escape(text: str) -> str:
    """Go's ``htmlEscape`` (``&<>"'``, quotes as numeric references)."""
    for plain, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&#34;"), ("'", "&#39;")):
        text = text.replace(plain, escaped)
    return text


def render(request: Request, answer: Answer, headers: Optional[Dict[str, str]] = None,
           close: bool = False) -> bytes:
    """A whole answer's bytes, headers as Go's ``http.Error``/``json.Encoder`` answers carry them."""
    fields = [("Content-Type", answer.content_type)] if answer.content_type else []
    if answer.status >= 400:
        fields.append(("X-Content-Type-Options", "nosniff"))  # as Go's http.Error sends
    fields.extend((headers or {}).items())
    fields.append(("Content-Length", str(len(answer.body))))
    fields.extend(connection_header(request, close).items())
    head = response_head(answer.status, fields)
    return head if request.method == "HEAD" else head + answer.body


class ConnectionLost(Exception):
    """The client went away (or stopped reading) while being answered."""


class Exchange:
    """One request on one connection, as a route sees it; see the module's docstring."""

    def __init__(self, server: "NodeHTTPServer", connection: Connection, request: Request, body: bytes,
                 close_after: bool):
        self.node = server.node
        self.request = request
        self.body = body
        self.write_timeout: Optional[float] = server.settings.write_timeout
        self.close_after = close_after
        self.status: Optional[int] = None
        self.taken_over = False
        self._server = server
        self._connection = connection

    @property
    def responded(self) -> bool:
        """Whether an answer (or its head) has been written."""
        return self.status is not None

    def send(self, answer: Answer, headers: Optional[Dict[str, str]] = None) -> None:
        """Write a whole answer (no body for ``HEAD``, with the length it would have)."""
        self._start(answer.status)
        self._write(render(self.request, answer, headers, self.close_after))

    def stream(self, status: int, headers: Dict[str, str], chunks: Iterable[Union[bytes, FileSpan]],
               length: Optional[int] = None) -> None:
        """Write the head, then each chunk as it comes (chunked encoding unless ``length`` is given).

        A chunk is bytes, or a :class:`~.publisher.FileSpan` sent from its file with ``sendfile``.
        """
        self._start(status)
        fields = list(headers.items())
        chunked = length is None and self.request.version == "HTTP/1.1"
        if length is not None:
            fields.append(("Content-Length", str(length)))
        elif chunked:
            fields.append(("Transfer-Encoding", "chunked"))
        else:
            self.close_after = True  # an HTTP/1.0 client reads an unsized body until the close
        fields.extend(connection_header(self.request, self.close_after).items())
        self._write(response_head(status, fields))
        if self.request.method == "HEAD":
            _close_iterator(chunks)
            return
        written = 0
        for chunk in chunks:
            if isinstance(chunk, FileSpan):
                written += self._write_span(chunk, chunked)
            elif chunk:
                written += len(chunk)
                self._write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
        if chunked:
            self._write(b"0\r\n\r\n")
        if length is not None and written != length:
            self.close_after = True  # the client cannot find where this answer ends: end the connection
            self._server.node.store.log("%s: streamed %d bytes of %d announced" % (self.request.path, written,
                                                                                     length))

    def take_over(self) -> Tuple[socket.socket, bytes]:
        """The connection's socket (blocking, no timeouts) and any bytes the client sent after this request."""
        self._start(101)
        self.taken_over = True
        leftover = bytes(self._connection.buffer)
        self._connection.buffer.clear()
        return self._server.connections.taken_over(self._connection), leftover

    def _start(self, status: int) -> None:
        if self.status is not None:
            raise RuntimeError("%s %s answered twice" % (self.request.method, self.request.path))
        self.status = status

    def _write_span(self, span: FileSpan, chunked: bool) -> int:
        """Send a run of a file with ``sendfile`` (no copy through Python), as one chunk when chunked; its length."""
        if not span.count:
            return 0
        if chunked:
            self._write(b"%x\r\n" % span.count)
        sock = self._connection.sock
        try:
            sock.settimeout(self.write_timeout)
            sent = sock.sendfile(span.file, span.offset, span.count)
        except OSError as error:  # socket.timeout included: the client stopped reading
            raise ConnectionLost(str(error)) from None
        if sent != span.count:
            raise ConnectionLost("%s ended %d bytes into a %d-byte run" % (span.file.name, sent, span.count))
        if chunked:
            self._write(b"\r\n")
        return sent

    def _write(self, data: bytes) -> None:
        sock = self._connection.sock
        try:
            sock.settimeout(self.write_timeout)
            sock.sendall(data)
        except OSError as error:
            raise ConnectionLost(str(error)) from None


class NodeHTTPServer:
    """The node's HTTP server: :class:`~.server.ConnectionServer` answering from :data:`ROUTES`."""

    def __init__(self, address: Tuple[str, int], node, settings: ServerSettings):
        self.node = node
        self.settings = settings
        self.connections = ConnectionServer(address, settings, self._resolve, self._answer, node.store.log)
        self.server_address = self.connections.server_address

    def start(self) -> None:
        """Serve in a background thread."""
        self.connections.start()

    def stop(self) -> None:
        """Close the listener and every connection; end the threads (quietly, promptly)."""
        self.connections.stop()

    def close_connections(self) -> None:
        """Drop every upgraded (websocket) connection, to try how clients recover."""
        self.connections.shut_down_taken_over()

    def join(self) -> None:
        """Wait until the server is stopped."""
        self.connections.join()

    @staticmethod
    def _resolve(request: Request):
        route = route_for(request)
        if route.body_error is None:
            return route, None
        return route, lambda head, message: render(head, route.body_error(message), close=True)

    def _answer(self, connection: Connection, request: Request, route: Route, body: bytes,
                close_after: bool) -> None:
        """Run the route on a handler thread; then give the connection back (unless taken over)."""
        exchange = Exchange(self, connection, request, body, close_after)
        self.node.count_request(request.path)
        try:
            route.handle(exchange)
            if not exchange.responded:
                exchange.send(Answer(200, TEXT_TYPE, b""))  # Go's answer when a handler writes nothing
        except ConnectionLost:
            exchange.close_after = True
        except Exception as error:  # a bug in a route must still answer, never end the thread
            self.node.store.log("%s %s failed: %r" % (request.method, request.path, error))
            exchange.close_after = True
            if not exchange.responded:
                try:
                    exchange.send(error_answer(500, "%s: %s" % (type(error).__name__, error)))
                except ConnectionLost:
                    pass  # nobody left to tell
        self.node.store.log('%s "%s %s %s" %s' % (connection.peer, request.method, request.target,
                                                  request.version, exchange.status))
        if not exchange.taken_over:
            self.connections.give_back(connection, exchange.close_after)


def _close_iterator(chunks: Iterable[bytes]) -> None:
    close = getattr(chunks, "close", None)
    if callable(close):
        close()

