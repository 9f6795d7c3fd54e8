"""The local node's connections: one thread reads them all, a bounded pool of threads answers.

Why not a thread per connection: a thousand idle keep-alive connections, or
slowloris clients sending one header byte at a time, would each hold a thread
and the server would stop answering. Here one event-loop thread accepts and
reads every connection without blocking, enforces the idle, header and read
timeouts, and parses each request's head and body; only a request that has
fully arrived goes to a handler thread (at most ``max_handler_threads``). A
handler thread writes the answer and gives the connection back to the loop.
"""

import errno
import heapq
import itertools
import queue
import selectors
import socket
import threading
import time
import weakref
from typing import Callable, Dict, List, NamedTuple, Optional, Tuple

from bacalhau_client.devserver import httpwire
from bacalhau_client.devserver.httpwire import BadRequest, ChunkedBody, Request

# How long a connection being closed is drained, so that the answer written before the close
# is not destroyed by a reset (what Go's closeWriteAndWait waits for).
LINGER_SECONDS = 1.0
# How long accepting pauses when the process is out of file descriptors.
ACCEPT_PAUSE_SECONDS = 0.1
ACCEPTS_PER_WAKE = 256
LOOP_ERROR_PAUSE_SECONDS = 0.05
RECEIVE_BYTES = 1 << 16
STOP_JOIN_SECONDS = 10.0

IDLE, HEADERS, BODY, BUSY, CLOSING = "idle", "headers", "body", "busy", "closing"
TAKEN = "taken"  # given back by a route that took the socket over: the server forgets it


class ServerSettings(NamedTuple):
    """The limits of the node's HTTP server (see :class:`~bacalhau_client.devserver.LocalRequesterNode`)."""

    max_body_bytes: int
    listen_backlog: int
    max_connections: int
    max_handler_threads: int
    max_header_bytes: int
    header_timeout: float
    read_timeout: float
    idle_timeout: float
    write_timeout: float


class Connection:
    """One client connection and what the loop has read of its current request."""

    __slots__ = ("sock", "peer", "buffer", "phase", "deadline", "scanned", "request", "route", "chunks",
                 "deadline_entry", "__weakref__")

    def __init__(self, sock: socket.socket, peer: str):
        self.sock = sock
        self.peer = peer
        self.buffer = bytearray()
        self.phase = HEADERS
        self.deadline = 0.0
        self.scanned = 0
        self.request: Optional[Request] = None
        self.route = None
        self.chunks: Optional[ChunkedBody] = None
        self.deadline_entry = 0


# What a route is to this module: the route's own handling is opaque; ``body_error`` is a function
# from a message to the raw answer bytes (or None when the route answers without reading its body).
Resolve = Callable[[Request], Tuple[object, Optional[Callable[[Request, str], bytes]]]]
Dispatch = Callable[["Connection", Request, object, bytes, bool], None]


class ConnectionServer:
    """Listens, reads requests without blocking, and hands complete ones to ``dispatch`` on a worker thread.

    ``resolve(request)`` gives the route for a request head and the function
    writing the route's answer to a body it cannot read; ``dispatch(connection,
    request, route, body, close_after)`` answers on a worker thread and then
    calls :meth:`give_back`.
    """

    def __init__(self, address: Tuple[str, int], settings: ServerSettings, resolve: Resolve, dispatch: Dispatch,
                 log: Callable[[str], None]):
        self.settings = settings
        self._resolve = resolve
        self._dispatch = dispatch
        self._log = log
        self._listener = _listen(address, settings.listen_backlog)
        self.server_address = self._listener.getsockname()[:2]
        self._selector = selectors.DefaultSelector()
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._wake_reader.setblocking(False)
        self._wake_writer.setblocking(False)
        self._selector.register(self._listener, selectors.EVENT_READ, "listener")
        self._selector.register(self._wake_reader, selectors.EVENT_READ, "wake")
        self._connections: Dict[int, Connection] = {}  # by id(); insertion order is age
        self._deadlines: List[Tuple[float, int, int]] = []  # heap of (deadline, entry, id(connection))
        self._entries = itertools.count(1)
        self._returned: List[Tuple[Connection, bool]] = []
        self._lock = threading.Lock()  # guards _returned, _stopped, _taken_over and the worker pool
        self._stopped = False
        self._accept_paused_until = 0.0
        self._work: "queue.SimpleQueue" = queue.SimpleQueue()
        self._workers: List[threading.Thread] = []
        self._idle_workers = 0
        self._taken_over: "weakref.WeakSet[socket.socket]" = weakref.WeakSet()
        self._thread = threading.Thread(target=self._run, name="bacalhau-local-node-http", daemon=True)

    # --- running and stopping ------------------------------------------------------------------

    def start(self) -> None:
        """Serve in the loop thread."""
        self._thread.start()

    def join(self) -> None:
        """Wait until the loop thread ends (it ends when :meth:`stop` is called)."""
        while self._thread.is_alive():
            self._thread.join(0.5)  # short waits keep Ctrl-C responsive in the main thread

    def stop(self) -> None:
        """Close the listener and every connection, end the worker threads; quiet and prompt."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        self._wake()
        self._thread.join(STOP_JOIN_SECONDS)
        with self._lock:  # the loop, which starts workers, has ended: every queued request has one
            workers = list(self._workers)
        for _ in workers:
            self._work.put(None)
        self.shut_down_taken_over()
        for worker in workers:
            worker.join(STOP_JOIN_SECONDS)
        self._wake_writer.close()

    def shut_down_taken_over(self) -> None:
        """Shut down every connection a route took over (a websocket), as a dropped network would."""
        with self._lock:
            taken_over = list(self._taken_over)
        for sock in taken_over:
            shut_down(sock)

    def give_back(self, connection: Connection, close: bool) -> None:
        """Called by a worker when it has answered: the loop waits for the next request or closes."""
        with self._lock:
            if not self._stopped:
                self._returned.append((connection, close))
                self._wake()
                return
        connection.sock.close()

    def taken_over(self, connection: Connection) -> socket.socket:
        """The connection leaves the server for good (blocking, no timeouts); stopping still shuts it down."""
        sock = connection.sock
        sock.settimeout(None)
        with self._lock:
            self._taken_over.add(sock)
            if not self._stopped:
                self._returned.append((connection, TAKEN))
                self._wake()
        return sock

    def _wake(self) -> None:
        try:
            self._wake_writer.send(b"\0")
        except OSError:
            pass  # a wake-up is already pending (buffer full) or the loop is gone

    def _run(self) -> None:
        try:
            while not self._stopped:
                try:
                    self._serve_once()
                except Exception as error:  # a bug must not end the loop (nor print from its thread)
                    self._log("server loop: %r" % (error,))
                    time.sleep(LOOP_ERROR_PAUSE_SECONDS)  # a repeating failure must not spin a core
        finally:
            self._close_all()

    def _serve_once(self) -> None:
        for key, _ in self._selector.select(self._select_timeout()):
            if key.data == "listener":
                self._accept()
            elif key.data == "wake":
                _drain(self._wake_reader)
            else:
                self._guarded(key.data, self._on_readable)
        self._take_returned()
        self._expire()
        self._resume_accepting()

    def _guarded(self, connection: Connection, step: Callable[[Connection], None]) -> None:
        """Run one step for one connection; a failure closes that connection, never the loop."""
        try:
            step(connection)
        except Exception as error:
            self._log("connection %s: %r" % (connection.peer, error))
            self._close(connection)

    def _select_timeout(self) -> Optional[float]:
        now = time.monotonic()
        waits = []
        if self._deadlines:
            waits.append(self._deadlines[0][0] - now)
        if self._accept_paused_until:
            waits.append(self._accept_paused_until - now)
        return max(0.0, min(waits)) if waits else None

    def _close_all(self) -> None:
        self._selector.close()
        self._listener.close()
        self._wake_reader.close()
        with self._lock:  # given back before the stop: from now on workers close what they give back
            returned, self._returned = self._returned, []
        for connection, close in returned:
            self._connections.pop(id(connection), None)
            if close is not TAKEN:
                connection.sock.close()
        for connection in list(self._connections.values()):
            if connection.phase == BUSY:
                shut_down(connection.sock)  # wakes the worker writing to it; the worker closes it
            else:
                connection.sock.close()
        self._connections.clear()

    # --- accepting -----------------------------------------------------------------------------

    def _accept(self) -> None:
        for _ in range(ACCEPTS_PER_WAKE):
            try:
                sock, address = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:
                if error.errno == errno.ECONNABORTED:
                    continue
                if error.errno in (errno.EMFILE, errno.ENFILE) and self._evict_oldest_waiting():
                    continue  # out of descriptors: the oldest waiting connection makes room
                self._log("accept failed (%s): pausing for %.1f s" % (error, ACCEPT_PAUSE_SECONDS))
                self._selector.unregister(self._listener)
                self._accept_paused_until = time.monotonic() + ACCEPT_PAUSE_SECONDS
                return
            if len(self._connections) >= self.settings.max_connections:
                self._evict_oldest_waiting()
            sock.setblocking(False)
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connection = Connection(sock, "%s:%d" % address[:2])
            self._connections[id(connection)] = connection
            self._selector.register(sock, selectors.EVENT_READ, connection)
            self._set_deadline(connection, self.settings.header_timeout)

    def _resume_accepting(self) -> None:
        if self._accept_paused_until and time.monotonic() >= self._accept_paused_until:
            self._accept_paused_until = 0.0
            self._selector.register(self._listener, selectors.EVENT_READ, "listener")

    def _evict_oldest_waiting(self) -> bool:
        """At capacity, a new client takes the place of the oldest connection not being answered."""
        for connection in self._connections.values():
            if connection.phase != BUSY:
                self._close(connection)
                return True
        return False

    # --- reading -------------------------------------------------------------------------------

    def _on_readable(self, connection: Connection) -> None:
        try:
            data = connection.sock.recv(RECEIVE_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._close(connection)  # the client went away (or finished sending while closing)
            return
        if connection.phase == CLOSING:
            return  # drained and dropped
        connection.buffer += data
        self._advance(connection)

    def _advance(self, connection: Connection) -> None:
        """Move the connection's request along with what is buffered; dispatch it when complete."""
        settings = self.settings
        if connection.phase == IDLE:
            while connection.buffer[:2] == b"\r\n":  # stray line ends between requests are skipped
                del connection.buffer[:2]
            if not connection.buffer:
                return
            connection.phase = HEADERS
            connection.scanned = 0
            self._set_deadline(connection, settings.header_timeout)
        if connection.phase == HEADERS:
            end = httpwire.head_end(connection.buffer, connection.scanned)
            if end < 0:
                connection.scanned = len(connection.buffer)
                if len(connection.buffer) > settings.max_header_bytes + httpwire.HEADER_SLACK_BYTES:
                    self._refuse(connection, httpwire.go_error(431).raw)
                return
            head = bytes(connection.buffer[:end])
            del connection.buffer[:end]
            try:
                request = httpwire.parse_head(head)
            except BadRequest as error:
                self._refuse(connection, error.raw)
                return
            connection.request = request
            connection.route = self._resolve(request)
            connection.phase = BODY
            self._set_deadline(connection, settings.read_timeout)  # Go's ReadTimeout covers the whole request
            if request.chunked:
                connection.chunks = ChunkedBody(settings.max_body_bytes)
            elif request.content_length > settings.max_body_bytes:
                self._body_failed(connection, "http: request body too large")
                return
            if request.header("Expect", "").lower() == "100-continue" and request.content_length != 0:
                _send_quietly(connection.sock, b"HTTP/1.1 100 Continue\r\n\r\n")
        if connection.phase == BODY:
            self._advance_body(connection)

    def _advance_body(self, connection: Connection) -> None:
        request = connection.request
        if connection.chunks is not None:
            try:
                connection.chunks.feed(connection.buffer)
            except ValueError as error:
                self._body_failed(connection, str(error))
                return
            if connection.chunks.done:
                body = bytes(connection.chunks.body)
                connection.chunks = None
                self._hand_over(connection, body, not request.keep_alive)
            return
        if len(connection.buffer) >= request.content_length:
            body = bytes(connection.buffer[:request.content_length])
            del connection.buffer[:request.content_length]
            self._hand_over(connection, body, not request.keep_alive)

    def _body_failed(self, connection: Connection, message: str) -> None:
        """The body cannot be read: the route says what to answer, else it answers without its body."""
        route, body_error = connection.route
        if body_error is None:
            connection.buffer.clear()
            self._hand_over(connection, b"", True)
        else:
            self._refuse(connection, body_error(connection.request, message))

    def _hand_over(self, connection: Connection, body: bytes, close_after: bool) -> None:
        self._selector.unregister(connection.sock)
        connection.phase = BUSY
        connection.deadline_entry = 0
        route = connection.route[0]
        self._work.put((connection, connection.request, route, body, close_after))
        self._ensure_worker()

    def _refuse(self, connection: Connection, raw: bytes) -> None:
        """Write a short answer without blocking (it fits a fresh socket's buffer) and close gracefully."""
        _send_quietly(connection.sock, raw)
        self._begin_close(connection)

    # --- answered connections come back --------------------------------------------------------

    def _take_returned(self) -> None:
        with self._lock:
            returned, self._returned = self._returned, []
        for connection, close in returned:
            if close is TAKEN or connection.sock.fileno() < 0:
                self._forget(connection)
            else:
                self._guarded(connection, self._begin_close if close else self._await_next_request)

    def _await_next_request(self, connection: Connection) -> None:
        connection.sock.setblocking(False)
        self._selector.register(connection.sock, selectors.EVENT_READ, connection)
        connection.phase = IDLE
        connection.request = connection.route = None
        self._set_deadline(connection, self.settings.idle_timeout)
        self._advance(connection)  # a pipelined request may be buffered already

    # --- timeouts and closing ------------------------------------------------------------------

    def _set_deadline(self, connection: Connection, seconds: float) -> None:
        connection.deadline = time.monotonic() + seconds
        connection.deadline_entry = next(self._entries)
        heapq.heappush(self._deadlines, (connection.deadline, connection.deadline_entry, id(connection)))

    def _expire(self) -> None:
        now = time.monotonic()
        while self._deadlines and self._deadlines[0][0] <= now:
            _, entry, key = heapq.heappop(self._deadlines)
            connection = self._connections.get(key)
            if connection is None or connection.deadline_entry != entry:
                continue  # a deadline since replaced, or a connection since closed
            if connection.phase == BODY:
                self._guarded(connection, self._body_timed_out)
            else:
                self._close(connection)  # idle, slow headers, or done draining: Go closes without a word

    def _body_timed_out(self, connection: Connection) -> None:
        address = connection.sock.getsockname()
        self._body_failed(connection, "read tcp %s:%d->%s: i/o timeout" % (address[0], address[1], connection.peer))

    def _begin_close(self, connection: Connection) -> None:
        """Shut our side, then drain what the client still sends for a moment before closing."""
        if connection.phase == BUSY:  # given back by a worker: listen again, to drain
            connection.sock.setblocking(False)
            self._selector.register(connection.sock, selectors.EVENT_READ, connection)
        connection.phase = CLOSING
        connection.buffer.clear()
        try:
            connection.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self._close(connection)
            return
        self._set_deadline(connection, LINGER_SECONDS)

    def _close(self, connection: Connection) -> None:
        try:
            self._selector.unregister(connection.sock)
        except (KeyError, ValueError):
            pass  # not registered (being answered) or already closed
        connection.sock.close()
        self._forget(connection)

    def _forget(self, connection: Connection) -> None:
        connection.deadline_entry = 0
        self._connections.pop(id(connection), None)

    # --- workers -------------------------------------------------------------------------------

    def _ensure_worker(self) -> None:
        """Start a handler thread when requests wait and no thread waits for them (up to the bound)."""
        with self._lock:
            if self._work.qsize() <= self._idle_workers or len(self._workers) >= self.settings.max_handler_threads:
                return
            worker = threading.Thread(target=self._work_loop, daemon=True,
                                      name="bacalhau-local-node-handler-%d" % (len(self._workers) + 1))
            self._workers.append(worker)
        worker.start()

    def _work_loop(self) -> None:
        while True:
            with self._lock:
                self._idle_workers += 1
            item = self._work.get()
            with self._lock:
                self._idle_workers -= 1
            if item is None:
                return
            self._dispatch(*item)

    def thread_ids(self) -> List[int]:
        """The native IDs of the server's threads (the loop and the handlers), to measure their CPU time."""
        with self._lock:
            threads = [self._thread] + list(self._workers)
        return [thread.native_id for thread in threads if thread.native_id is not None]


def _listen(address: Tuple[str, int], backlog: int) -> socket.socket:
    host, port = address
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0][0]
    listener = socket.create_server((host, port), family=family, backlog=backlog)
    listener.setblocking(False)
    return listener


def _drain(sock: socket.socket) -> None:
    try:
        while sock.recv(4096):
            pass
    except OSError:
        pass  # nothing more to read now


def _send_quietly(sock: socket.socket, data: bytes) -> None:
    try:
        sock.send(data)
    except OSError:
        pass  # the client is gone: nothing to tell it


def shut_down(sock: socket.socket) -> None:
    """Shut both directions of ``sock``, waking any thread blocked on it; quiet if it is already closed."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed by the peer or by its owner
