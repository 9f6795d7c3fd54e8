"""``GET /websocket``: every job event as it happens, over a WebSocket (RFC 6455), as the Go node serves it.

``/websocket?job_id=ID`` first sends the job's stored events, then each new
event of that job; ``/websocket`` alone sends every new event on the node.
Each message is one text frame holding a ``JobEvent`` as the Go node's JSON
encoder writes it (the shape ``/events`` uses, newline-terminated). What the
client sends is read and thrown away (a Close is answered, a Ping gets its
Pong). A subscriber that stops reading is dropped once
:data:`MAX_QUEUED_MESSAGES` messages wait for it, as the Go node drops a
subscriber it cannot write to. The route has no rate limit and no timeout.

Only the standard library is used: the handshake is a SHA-1 and a few
headers, and the server writes only unmasked frames.
"""

import base64
import hashlib
import socket
import struct
import threading
from collections import deque
from http import HTTPStatus
from typing import Any, Callable, Deque, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

from bacalhau_client._go import decode_std_base64
from bacalhau_client.canonical import encode_model
from bacalhau_client.devserver.endpoints import Answer, error_answer
from bacalhau_client.devserver.httpwire import Request, header_tokens
from bacalhau_client.devserver.server import shut_down

PATH = "/websocket"
# RFC 6455 section 1.3: the server proves it read the key by hashing it with this GUID.
ACCEPT_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MAX_QUEUED_MESSAGES = 10000
# Client frames are read only to be dropped; a bigger one is read in pieces of this size.
READ_CHUNK = 1 << 16

OPCODE_CONTINUATION, OPCODE_TEXT, OPCODE_BINARY = 0x0, 0x1, 0x2
OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG = 0x8, 0x9, 0xA

# read(count) -> up to count bytes of what the client sent (fewer only at the end)
Reader = Callable[[int], bytes]

_NOT_WEBSOCKET = "websocket: the client is not using the websocket protocol: "


def accept_key(key: str) -> str:
    """``Sec-WebSocket-Accept`` for a client's ``Sec-WebSocket-Key``."""
    return base64.b64encode(hashlib.sha1(key.encode("ascii") + ACCEPT_GUID).digest()).decode("ascii")


def refusal(request: Request) -> Optional[Tuple[Answer, Dict[str, str]]]:
    """The answer to an upgrade the node refuses, with extra headers; ``None`` when the upgrade is valid.

    The checks, their order, statuses and texts are those of the Go node's
    upgrader; the body is the status text, then the reason, each on a line.
    """
    def has_token(name: str, token: str) -> bool:
        return token in header_tokens(request.header_values(name))

    def refuse(status: int, reason: str):
        answer = error_answer(status, HTTPStatus(status).phrase)
        return answer._replace(body=answer.body + (reason + "\n").encode("utf-8")), {"Sec-Websocket-Version": "13"}

    if not has_token("Connection", "upgrade"):
        return refuse(400, _NOT_WEBSOCKET + "'upgrade' token not found in 'Connection' header")
    if not has_token("Upgrade", "websocket"):
        return refuse(400, _NOT_WEBSOCKET + "'websocket' token not found in 'Upgrade' header")
    if request.method != "GET":
        return refuse(405, _NOT_WEBSOCKET + "request method is not GET")
    if not has_token("Sec-Websocket-Version", "13"):
        return refuse(400, "websocket: unsupported version: 13 not found in 'Sec-Websocket-Version' header")
    origin = request.header("Origin")
    if origin is not None and urlsplit(origin).netloc.lower() != (request.header("Host") or "").lower():
        return refuse(403, "websocket: request origin not allowed by Upgrader.CheckOrigin")
    if not _is_valid_key(request.header("Sec-Websocket-Key") or ""):
        return refuse(400, "websocket: not a websocket handshake: 'Sec-WebSocket-Key' header must be Base64 "
                           "encoded value of 16-byte in length")
    return None


def _is_valid_key(key: str) -> bool:
    """The upgrader's check: the key is standard base64 of 16 bytes."""
    try:
        return len(decode_std_base64(key)) == 16
    except ValueError:
        return False


def text_frame(payload: bytes) -> bytes:
    """One final, unmasked text frame (a server never masks)."""
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x80 | OPCODE_TEXT, length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", 0x80 | OPCODE_TEXT, 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | OPCODE_TEXT, 127, length)
    return header + payload


def control_frame(opcode: int, payload: bytes = b"") -> bytes:
    """A Close, Ping or Pong frame (control payloads are at most 125 bytes)."""
    return struct.pack("!BB", 0x80 | opcode, len(payload[:125])) + payload[:125]


def event_message(event: Dict[str, Any]) -> bytes:
    """The frame for one stored event: the ``JobEvent`` JSON and a newline, as Go's ``WriteJSON`` sends it."""
    return text_frame((encode_model("ModelJobEvent", event) + "\n").encode("utf-8"))


class Subscriber:
    """One WebSocket client: the events waiting for it, and whether it is still open.

    The node's event path calls :meth:`offer` while it holds the store lock,
    so offering only queues the event (events are not changed once recorded);
    the connection's own thread (:meth:`send_queued`) encodes and writes it,
    so the lock is not held while events are encoded once per subscriber.
    """

    def __init__(self):
        self._queue: Deque[Dict[str, Any]] = deque()
        self._ready = threading.Condition(threading.Lock())
        self.closed = False

    def offer(self, event: Dict[str, Any]) -> None:
        """Queue an event for this client; a client too far behind is dropped."""
        with self._ready:
            if self.closed:
                return
            if len(self._queue) >= MAX_QUEUED_MESSAGES:
                self.closed = True
            else:
                self._queue.append(event)
            self._ready.notify()

    def queue_events(self, events: List[Dict[str, Any]]) -> None:
        """Queue the job's stored events, sent first."""
        with self._ready:
            self._queue.extend(events)
            self._ready.notify()

    def close(self) -> None:
        """Stop sending; wakes the connection's thread."""
        with self._ready:
            self.closed = True
            self._ready.notify()

    def send_queued(self, send: Callable[[bytes], None]) -> None:
        """Write queued events with ``send`` as they come, until the subscriber is closed or a write fails."""
        while True:
            with self._ready:
                while not self._queue and not self.closed:
                    self._ready.wait()
                if self.closed:
                    return
                events, self._queue = self._queue, deque()
            try:
                send(b"".join(event_message(event) for event in events))
            except OSError:
                self.close()
                return


def socket_reader(sock: socket.socket, received: bytes = b"") -> Reader:
    """``read(count)`` over a socket, starting with bytes already ``received`` (fewer than asked at the end)."""
    buffer = bytearray(received)

    def read(count: int) -> bytes:
        while len(buffer) < count:
            chunk = sock.recv(READ_CHUNK)
            if not chunk:
                break
            buffer.extend(chunk)
        data = bytes(buffer[:count])
        del buffer[:count]
        return data
    return read


def serve_upgraded(node, sock: socket.socket, read: Reader, key: str, query: str) -> None:
    """Answer an accepted upgrade with 101, then stream events on ``sock`` until either side ends.

    ``read(count)`` reads what the client sends (see :func:`socket_reader`);
    ``key`` is its ``Sec-WebSocket-Key`` and ``query`` the request's query
    string. Blocks for as long as the connection lasts: run it on a thread of
    its own. The socket is shut down at the end (its owner closes it).
    """
    sock.settimeout(None)  # a subscriber may wait for events for hours: no idle timeout here
    send_lock = threading.Lock()  # frames and control answers come from two threads

    def send(data: bytes) -> None:
        with send_lock:
            sock.sendall(data)

    job_id = parse_qs(query).get("job_id", [""])[0]
    subscriber = Subscriber()
    try:
        send(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             b"Sec-WebSocket-Accept: " + accept_key(key.strip()).encode("ascii") + b"\r\n\r\n")
    except OSError:
        shut_down(sock)
        return
    with node.store.lock:
        record = node.store.get(job_id) if job_id else None
        if record is not None:
            subscriber.queue_events(record.events)
        if record is not None or not job_id:
            node.store.subscribe(job_id, subscriber.offer)
    if job_id and record is None:
        shut_down(sock)  # the Go node closes the socket when it cannot list the job's events
        return
    reader = threading.Thread(target=_read_until_closed, args=(read, send, subscriber),
                              name="bacalhau-local-websocket-reader", daemon=True)
    reader.start()
    try:
        subscriber.send_queued(send)
    finally:
        with node.store.lock:
            node.store.unsubscribe(job_id, subscriber.offer)
        subscriber.close()
        shut_down(sock)  # wakes the reader
        reader.join()


def route(exchange) -> None:
    """``/websocket`` as a route of the node's HTTP server: refuse, or take the socket and stream on a thread."""
    request = exchange.request
    refused = refusal(request)
    if refused is not None:
        exchange.close_after = True
        exchange.send(*refused)
        return
    sock, leftover = exchange.take_over()
    threading.Thread(target=serve_upgraded, name="bacalhau-local-websocket", daemon=True,
                     args=(exchange.node, sock, socket_reader(sock, leftover),
                           request.header("Sec-WebSocket-Key") or "", request.query)).start()


def _read_until_closed(read: Reader, send: Callable[[bytes], None], subscriber: Subscriber) -> None:
    """Read and drop the client's frames; answer Close and Ping; close the subscriber at the end."""
    try:
        while not subscriber.closed:
            opcode, payload = _read_frame(read)
            if opcode == OPCODE_CLOSE:
                send(control_frame(OPCODE_CLOSE, payload[:2]))
                break
            if opcode == OPCODE_PING:
                send(control_frame(OPCODE_PONG, payload))
    except (OSError, ValueError):
        pass  # the client went away or sent something that is not WebSocket: either way, done
    finally:
        subscriber.close()


def _read_frame(read: Reader) -> Tuple[int, bytes]:
    """One client frame: its opcode and, for control frames, its unmasked payload (data is dropped)."""
    first, second = _read_exactly(read, 2)
    opcode, length = first & 0x0F, second & 0x7F
    if length == 126:
        length = struct.unpack("!H", _read_exactly(read, 2))[0]
    elif length == 127:
        length = struct.unpack("!Q", _read_exactly(read, 8))[0]
    mask = _read_exactly(read, 4) if second & 0x80 else b""
    if opcode >= OPCODE_CLOSE:
        if length > 125:
            raise ValueError("control frame longer than 125 bytes")
        payload = _read_exactly(read, length)
        return opcode, bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload)) if mask else payload
    while length:
        length -= len(_read_exactly(read, min(length, READ_CHUNK)))
    return opcode, b""


def _read_exactly(read: Reader, count: int) -> bytes:
    data = read(count)
    if len(data) != count:
        raise ValueError("connection closed")
    return data
