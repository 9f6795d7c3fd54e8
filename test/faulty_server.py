"""Servers on 127.0.0.1 that misbehave on purpose, to test how the client survives them.

Each accepted connection is handed to the next *fault* of the script (the last
one repeats). A fault is a function ``fault(server, connection)`` that plays
one misbehaviour on the raw socket::

    with FaultyServer(reply(503, b"busy"), reply(503, b"busy"), reply(200, b"{}")) as server:
        ...
        assert len(server.requests) == 3

Requests a fault reads are recorded whole in ``server.requests``; ``connections``
counts the TCP connections accepted. ``listen_after`` keeps the port refusing
connections for that long first. :func:`unaccepted_port` gives a port whose
connections time out.
"""

import contextlib
import socket
import threading
import time
from typing import Callable, Dict, Iterator, List, Optional

import pytest
from loopback import RecordedRequest

Fault = Callable[["FaultyServer", socket.socket], None]

# Answers of a working node, for faults to send.
STATE_BODY = b'{"state":{"Nodes":{}}}\n'
SUBMIT_ANSWER = b'{"job":{"ID":"4ff3e1f9-1a45-4d0a-9d7b-ac0b8e7aa6d0"}}\n'
# How long a server thread waits on a silent client before giving up on it.
CLIENT_SILENCE_LIMIT = 10.0


class FaultyServer:
    """A TCP server that answers connection n with ``faults[n]`` (the last fault repeats)."""

    def __init__(self, *faults: Fault, listen_after: Optional[float] = None):
        if not faults:
            raise ValueError("FaultyServer needs at least one fault")
        self.faults = faults
        self.listen_after = listen_after
        self.requests: List[RecordedRequest] = []
        self.connections = 0
        self.stopped = threading.Event()
        self._lock = threading.Lock()
        self._threads: List[threading.Thread] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._accepting = threading.Thread(target=self._accept_loop, name="faulty-server", daemon=True)

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self.port

    def __enter__(self) -> "FaultyServer":
        if self.listen_after is None:
            self._listener.listen(16)
        self._accepting.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stopped.set()
        self._listener.close()
        self._accepting.join(5)
        for thread in list(self._threads):
            thread.join(5)

    def requests_to(self, path: str) -> List[RecordedRequest]:
        """The recorded requests for ``path``."""
        return [request for request in self.requests if request.path == path]

    def _accept_loop(self) -> None:
        if self.listen_after is not None:
            if self.stopped.wait(self.listen_after):
                return
            self._listener.listen(16)
        self._listener.settimeout(0.05)
        while not self.stopped.is_set():
            try:
                connection, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return  # the listener was closed
            with self._lock:
                fault = self.faults[min(self.connections, len(self.faults) - 1)]
                self.connections += 1
            thread = threading.Thread(target=self._serve, args=(fault, connection), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, fault: Fault, connection: socket.socket) -> None:
        connection.settimeout(CLIENT_SILENCE_LIMIT)
        with connection:
            try:
                fault(self, connection)
            except OSError:
                pass  # the client gave up first, as the tests often make it do

    def read_request(self, connection: socket.socket) -> Optional[RecordedRequest]:
        """Read and record one whole request; ``None`` when the client closed first."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers: Dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = connection.recv(65536)
            if not chunk:
                return None
            body += chunk
        request = RecordedRequest(method, path, headers, body)
        with self._lock:
            self.requests.append(request)
        return request


def response_bytes(status: int, body: bytes = b"", headers: Optional[Dict[str, str]] = None,
                   keep_alive: bool = False) -> bytes:
    """A whole HTTP/1.1 response; ``Content-Length`` is the body's unless ``headers`` gives one."""
    headers = dict(headers or {})
    headers.setdefault("Content-Type", "application/json")
    headers.setdefault("Content-Length", str(len(body)))
    if not keep_alive:
        headers["Connection"] = "close"
    head = "HTTP/1.1 %d %s\r\n" % (status, _REASONS.get(status, "Status"))
    head += "".join("%s: %s\r\n" % item for item in headers.items()) + "\r\n"
    return head.encode("latin-1") + body


_REASONS = {101: "Switching Protocols", 103: "Early Hints", 200: "OK", 302: "Found", 307: "Temporary Redirect",
            308: "Permanent Redirect", 400: "Bad Request", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


def reply(status: int, body: bytes = b"", headers: Optional[Dict[str, str]] = None) -> Fault:
    """Read the request, answer it (``Connection: close``) and hang up: the well-behaved case."""
    def fault(server: FaultyServer, connection: socket.socket) -> None:
        if server.read_request(connection) is not None:
            connection.sendall(response_bytes(status, body, headers))
    return fault


def close_at_once() -> Fault:
    """Accept the connection and close it before reading anything."""
    def fault(server: FaultyServer, connection: socket.socket) -> None:
        connection.shutdown(socket.SHUT_RDWR)
    return fault


def send_raw(data: bytes) -> Fault:
    """Read the request, send ``data`` as the whole answer and hang up."""
    def fault(server: FaultyServer, connection: socket.socket) -> None:
        if server.read_request(connection) is not None:
            connection.sendall(data)
    return fault


def stall(data: bytes = b"") -> Fault:
    """Read the request, send ``data`` (nothing, or a response's first part) and then go silent."""
    def fault(server: FaultyServer, connection: socket.socket) -> None:
        if server.read_request(connection) is not None:
            connection.sendall(data)
            server.stopped.wait(CLIENT_SILENCE_LIMIT)
    return fault


def reply_then_close_idle(body: bytes) -> Fault:
    """Answer with keep-alive, then close the connection as an idle-timeout would."""
    def fault(server: FaultyServer, connection: socket.socket) -> None:
        if server.read_request(connection) is not None:
            connection.sendall(response_bytes(200, body, keep_alive=True))
    return fault


def reply_then_drop_next(body: bytes) -> Fault:
    """Answer with keep-alive; then read the next request and hang up without answering.

    This is the race of a server closing an idle connection just as the client
    reuses it: the request leaves, no answer ever comes.
    """
    def fault(server: FaultyServer, connection: socket.socket) -> None:
        if server.read_request(connection) is not None:
            connection.sendall(response_bytes(200, body, keep_alive=True))
            server.read_request(connection)
    return fault


def keep_alive(answer: Callable[[RecordedRequest, int], bytes]) -> Fault:
    """Serve request after request on one connection; ``answer(request, n)`` gives the bytes sent for the n-th."""
    def fault(server: FaultyServer, connection: socket.socket) -> None:
        count = 0
        while not server.stopped.is_set():
            request = server.read_request(connection)
            if request is None:
                return
            connection.sendall(answer(request, count))
            count += 1
    return fault


def drip(data: bytes, interval: float) -> Fault:
    """Read the request, then send ``data`` one byte every ``interval`` seconds (a slowloris answer)."""
    def fault(server: FaultyServer, connection: socket.socket) -> None:
        if server.read_request(connection) is None:
            return
        for index in range(len(data)):
            connection.sendall(data[index:index + 1])
            if server.stopped.wait(interval):
                return
    return fault


def read_then_close() -> Fault:
    """Read the whole request, then hang up without a word: the request may have been acted on."""
    def fault(server: FaultyServer, connection: socket.socket) -> None:
        server.read_request(connection)
    return fault


@contextlib.contextmanager
def unaccepted_port() -> Iterator[int]:
    """A port whose listen queue is full, so new connections wait and time out (connect timeout)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.setblocking(False)
            fillers.append(filler)
            try:
                filler.connect(("127.0.0.1", port))
            except BlockingIOError:
                pass
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


@contextlib.contextmanager
def refusing_port() -> Iterator[int]:
    """A port with nothing listening (bound, so no other test takes it): connections are refused."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    try:
        yield holder.getsockname()[1]
    finally:
        holder.close()


def fails_within(seconds: float, error_type, call, *args) -> BaseException:
    """Run ``call(*args)``; it must raise ``error_type`` within ``seconds``."""
    start = time.monotonic()
    with pytest.raises(error_type) as caught:
        call(*args)
    assert time.monotonic() - start < seconds
    return caught.value
