"""urllib3 connection classes that keep each answer to its own call.

urllib3 reads answers with :class:`http.client.HTTPResponse`, which trusts the
server in three ways this module removes:

- It skips only ``100 Continue``; any other informational answer (``103 Early
  Hints``) is taken as *the* answer, and the real one stays on the connection
  for the next call to read. :class:`BoundedHTTPResponse` skips every 1xx but
  ``101``, and a ``101`` closes the connection.
- A socket timeout bounds each read, not the call: a node that drips one byte
  per second never times out. Each read here is given at most the time left
  before the call's deadline (:func:`call_deadline`).
- Bytes the node sent after the end of its answer would be read as the next
  call's answer. When an answer ends with unread bytes buffered, the socket is
  shut down, so the pool replaces the connection instead of reusing it.

A whole-body read (urllib3 preloads the body this way) reads at most the
call's limit (``Configuration.max_response_bytes``): a longer body raises
:class:`ResponseTooLarge` with a short prefix, and its connection is closed.
The limits of a call are set for the thread making it by :func:`set_call_bounds`.
"""

import http.client
import io
import socket
import threading
import time
from typing import Optional

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

# What a too-large answer keeps of its body, for the error message.
PREFIX_BYTES = 1024
# A body without a length (chunked, or ended by closing) is read in pieces of this size.
_PIECE_BYTES = 256 * 1024
# Informational answers skipped before the final one; a node sending more is broken.
MAX_INFORMATIONAL = 16
_MAX_LINE = 65536
_MAX_HEADERS = 100

_call = threading.local()


def set_call_bounds(deadline: Optional[float], limit: Optional[int]) -> Optional[tuple]:
    """Bound the answers this thread receives from now: reads end by ``deadline``
    (``time.monotonic()``), bodies at ``limit`` bytes. Returns the bounds it
    replaced, for :func:`restore_call_bounds`.
    """
    previous = getattr(_call, "bounds", None)
    _call.bounds = (deadline, limit)
    return previous


def restore_call_bounds(previous: Optional[tuple]) -> None:
    """Put back the bounds :func:`set_call_bounds` replaced."""
    _call.bounds = previous


class ResponseTooLarge(http.client.HTTPException):
    """The body is longer than the call's limit; ``prefix`` is its first bytes."""

    def __init__(self, response: http.client.HTTPResponse, limit: int, prefix: bytes):
        super().__init__("the answer is larger than %d bytes" % limit)
        self.status = response.status
        self.reason = response.reason
        self.headers = dict(response.msg.items()) if response.msg is not None else {}
        self.limit = limit
        self.prefix = prefix


def too_large_in(error: BaseException) -> Optional[ResponseTooLarge]:
    """The :class:`ResponseTooLarge` that ``error`` is or carries (urllib3 wraps it in a ``ProtocolError``)."""
    if isinstance(error, ResponseTooLarge):
        return error
    return next((arg for arg in error.args if isinstance(arg, ResponseTooLarge)), None)


_DEADLINE_PASSED = "the call's deadline passed while the answer was arriving"
# Timeouts this close together are one and the same (a call whose deadline is its only attempt's timeout).
_SAME_TIME = 0.01


class DeadlinePassed(socket.timeout):
    """The call's deadline passed while its answer was still arriving."""


class _DeadlineSocketIO(socket.SocketIO):
    """The socket's byte stream, each read cut to the time left before the deadline.

    ``tell()`` is the count of bytes received, so the buffered reader above it
    can say how many of them were not consumed yet.
    """

    def __init__(self, sock: socket.socket, deadline: Optional[float]):
        super().__init__(sock, "rb")
        self._deadline = deadline
        self._timeout = sock.gettimeout()
        self.received = 0

    def readinto(self, buffer) -> Optional[int]:
        cut = False
        if self._deadline is not None:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise DeadlinePassed(_DEADLINE_PASSED)
            if self._timeout is None or left < self._timeout:
                self._sock.settimeout(left)
                # Named for the deadline only when it, not the attempt's own timeout, ends the read.
                cut = self._timeout is None or left + _SAME_TIME < self._timeout
        try:
            count = super().readinto(buffer)
        except socket.timeout:
            if cut:
                raise DeadlinePassed(_DEADLINE_PASSED) from None
            raise
        if count:
            self.received += count
        return count

    def tell(self) -> int:
        return self.received


class _DeadlineSocket:
    """Stands in for the socket while ``http.client`` makes its reader, so that the reader is ours."""

    __slots__ = ("sock", "deadline")

    def __init__(self, sock: socket.socket, deadline: Optional[float]):
        self.sock = sock
        self.deadline = deadline

    def makefile(self, mode: str) -> io.BufferedReader:
        sock = self.sock
        if not isinstance(sock, socket.socket):  # a TLS wrapper of another library: its own reader
            return sock.makefile(mode)
        raw = _DeadlineSocketIO(sock, self.deadline)
        sock._io_refs += 1  # what socket.makefile counts, so that closing the socket waits for this reader
        return io.BufferedReader(raw, io.DEFAULT_BUFFER_SIZE)


class BoundedHTTPResponse(http.client.HTTPResponse):
    """An ``http.client`` answer that skips 1xx, obeys the call's deadline and never leaves bytes behind."""

    def __init__(self, sock, debuglevel=0, method=None, url=None):
        deadline, self._limit = getattr(_call, "bounds", None) or (None, None)
        self._taken = 0
        self._socket = sock
        super().__init__(_DeadlineSocket(sock, deadline), debuglevel, method, url)

    def _read_status(self):
        for _ in range(MAX_INFORMATIONAL):
            version, status, reason = super()._read_status()
            if not 100 <= status < 200 or status == 101:
                return version, status, reason
            self._skip_header_block()
        raise http.client.HTTPException("more than %d informational (1xx) answers" % MAX_INFORMATIONAL)

    def begin(self):
        super().begin()
        if self.status == 101:
            self.will_close = True  # the connection now speaks another protocol: never reuse it

    def _skip_header_block(self) -> None:
        for _ in range(_MAX_HEADERS + 1):
            line = self.fp.readline(_MAX_LINE + 1)
            if len(line) > _MAX_LINE:
                raise http.client.LineTooLong("header line")
            if line in (b"\r\n", b"\n", b""):
                return
        raise http.client.HTTPException("got more than %d headers" % _MAX_HEADERS)

    def read(self, amt=None):
        limit = self._limit
        if self.fp is None or limit is None:
            return super().read(amt)
        # A declared length (http.client makes it 0 for HEAD, None for chunked) past the limit ends the call
        # at once, with what arrived along with the headers: no waiting for more.
        if self.length is not None and self._taken + self.length > limit:
            self._too_large(limit, self.fp.read(min(_unread(self.fp), PREFIX_BYTES, self.length)))
        if amt is None:
            return self._read_bounded(limit)
        return self._read_piece(amt, limit)

    def _read_piece(self, amt: int, limit: int) -> bytes:
        """Part of the body, under the same limit (urllib3 reads a body of over 2 GiB in parts on Python 3.9)."""
        data = super().read(min(amt, limit + 1 - self._taken, _PIECE_BYTES))
        self._taken += len(data)
        if self._taken > limit:
            self._too_large(limit, data[:PREFIX_BYTES])
        return data

    def _read_bounded(self, limit: int) -> bytes:
        """The whole body, or :class:`ResponseTooLarge` once it passes ``limit`` bytes."""
        if self.length is not None:  # within the limit, as read() checked
            return super().read()  # raises IncompleteRead when the body ends early
        pieces, size = [], 0
        while size <= limit:  # in pieces: before 3.11, read(n) allocates n bytes at once
            piece = super().read(min(_PIECE_BYTES, limit + 1 - size))
            if not piece:
                break
            pieces.append(piece)
            size += len(piece)
        data = b"".join(pieces)
        if size > limit:
            self._too_large(limit, data[:PREFIX_BYTES])
        if self.fp is not None:
            self._close_conn()  # a body that ends with the connection: it ended
        return data

    def _too_large(self, limit: int, prefix: bytes) -> None:
        error = ResponseTooLarge(self, limit, prefix)
        self.will_close = True
        self._shutdown()
        if self.fp is not None:
            self._close_conn()
        raise error

    def _close_conn(self):
        fp = self.fp
        if fp is not None and _unread(fp):
            self._shutdown()  # bytes after the end of the answer: this connection is not trusted again
        super()._close_conn()

    def _shutdown(self) -> None:
        try:
            self._socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed by the peer


def _unread(fp) -> int:
    """Bytes received into ``fp``'s buffer and not consumed yet (0 when ``fp`` is not ours)."""
    raw = getattr(fp, "raw", None)
    return raw.received - fp.tell() if isinstance(raw, _DeadlineSocketIO) else 0


class BoundedHTTPConnection(HTTPConnection):
    response_class = BoundedHTTPResponse


class BoundedHTTPSConnection(HTTPSConnection):
    response_class = BoundedHTTPResponse


class BoundedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = BoundedHTTPConnection


class BoundedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = BoundedHTTPSConnection


POOL_CLASSES = {"http": BoundedHTTPConnectionPool, "https": BoundedHTTPSConnectionPool}
