"""HTTP/1.x on the wire, read and written as Go's ``net/http`` server reads and writes it.

Request heads are parsed from bytes already received (the server reads
without blocking, so a slow client never holds a thread); a request the
server cannot read gets the exact answer Go's server writes before any
handler runs (``400 Bad Request``, ``431``, ``501``, ``505``), then the
connection is closed.
"""

import re
from email.utils import formatdate
from http import HTTPStatus
from typing import Dict, Iterable, List, NamedTuple, Optional, Set, Tuple
from urllib.parse import unquote, urlsplit

# Go's DefaultMaxHeaderBytes (1 MiB), plus the 4096 bytes of slack its server allows.
DEFAULT_MAX_HEADER_BYTES = 1 << 20
HEADER_SLACK_BYTES = 4096
MAX_CHUNK_LINE_BYTES = 4096

_END_OF_HEAD = re.compile(rb"\n\r?\n")
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_BAD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_HEX = re.compile(rb"[0-9a-fA-F]{1,16}\Z")
_GO_ERROR_HEADERS = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"


class BadRequest(Exception):
    """A request Go's server refuses before routing it; ``raw`` is the whole answer it writes."""

    def __init__(self, raw: bytes):
        super().__init__(raw.split(b"\r\n", 1)[0].decode("latin-1"))
        self.raw = raw


def go_error(status: int, detail: str = "") -> BadRequest:
    """Go's pre-handler error answer: status line, two headers, the status text as body (no length)."""
    text = "%d %s" % (status, HTTPStatus(status).phrase) + (": " + detail if detail else "")
    return BadRequest(("HTTP/1.1 " + text + _GO_ERROR_HEADERS + text).encode("latin-1"))


def unsupported_transfer_encoding() -> BadRequest:
    """Go's 501 for a transfer coding other than ``chunked`` (the value is not echoed back)."""
    return BadRequest(("HTTP/1.1 501 Not Implemented" + _GO_ERROR_HEADERS
                       + "Unsupported transfer encoding").encode("latin-1"))


class Request(NamedTuple):
    """One request's head, as the routes see it (the body is passed apart)."""

    method: str
    target: str
    path: str
    query: str
    version: str
    headers: List[Tuple[str, str]]
    keep_alive: bool
    content_length: int
    chunked: bool

    def header(self, name: str, default: Optional[str] = None) -> Optional[str]:
        """The first value of header ``name`` (any case), as Go's ``Header.Get``."""
        values = self.header_values(name)
        return values[0] if values else default

    def header_values(self, name: str) -> List[str]:
        """Every value of header ``name`` (any case), in the order received."""
        folded = name.lower()
        return [value for key, value in self.headers if key.lower() == folded]


def header_tokens(values: Iterable[str]) -> Set[str]:
    """The comma-separated tokens of a header's values, case-folded: ``Keep-Alive, Upgrade`` -> keep-alive, upgrade."""
    return {token.strip().lower() for value in values for token in value.split(",")}


def head_end(buffer: bytearray, start: int) -> int:
    """Where the head in ``buffer`` ends (just past its empty line), or -1; search from ``start``."""
    match = _END_OF_HEAD.search(buffer, max(0, start - 2))
    return match.end() if match else -1


def parse_head(raw: bytes) -> Request:
    """The request in ``raw`` (the head up to its empty line); :class:`BadRequest` as Go refuses it."""
    lines = raw.decode("latin-1").split("\n")
    request_line = lines[0].rstrip("\r")
    parts = request_line.split(" ")
    if len(parts) != 3:
        raise go_error(400)  # malformed HTTP request
    method, target, version = parts
    if version not in ("HTTP/1.0", "HTTP/1.1"):
        if re.match(r"HTTP/\d\.\d\Z", version):
            raise go_error(505, "unsupported protocol version")
        raise go_error(400)  # malformed HTTP version
    if not _TOKEN.match(method):
        raise go_error(400)  # invalid method
    path, query = ("", "") if method == "CONNECT" and not target.startswith("/") else _split_target(target)
    headers = _parse_headers(lines[1:])
    names = [name.lower() for name, _ in headers]
    if version == "HTTP/1.1" and names.count("host") != 1:
        raise go_error(400, "missing required Host header" if "host" not in names else "too many Host headers")
    connection = header_tokens(value for name, value in headers if name.lower() == "connection")
    keep_alive = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
    chunked = _is_chunked(headers, version)
    content_length = -1 if chunked else _content_length(headers)
    if chunked and "content-length" in names:
        keep_alive = False  # both framings: read as chunked (RFC 9112 §6.3), then close to be safe
    return Request(method, target, path, query, version, headers, keep_alive, content_length, chunked)


def _split_target(target: str) -> Tuple[str, str]:
    if target.startswith("/"):
        path, _, query = target.partition("?")
    elif "://" in target:
        parts = urlsplit(target)
        path, query = parts.path or "/", parts.query
    else:
        raise go_error(400)  # invalid request target
    return unquote(path), query


def _parse_headers(lines: List[str]) -> List[Tuple[str, str]]:
    headers: List[Tuple[str, str]] = []
    for line in lines:
        line = line.rstrip("\r")
        if not line:
            break
        if line[0] in " \t":
            if not headers:
                raise go_error(400)  # malformed MIME header initial line
            name, value = headers.pop()
            headers.append((name, value + " " + line.strip(" \t")))
            continue
        name, colon, value = line.partition(":")
        if not colon or not _TOKEN.match(name):
            raise go_error(400)  # malformed MIME header line / invalid header name
        value = value.strip(" \t")
        if _BAD_VALUE.search(value):
            raise go_error(400)  # invalid header value
        headers.append((name, value))
    return headers


def _is_chunked(headers: List[Tuple[str, str]], version: str) -> bool:
    codings = [value for name, value in headers if name.lower() == "transfer-encoding"]
    if not codings or version == "HTTP/1.0":  # Go ignores Transfer-Encoding on HTTP/1.0 requests
        return False
    if len(codings) != 1 or codings[0].strip(" \t").lower() != "chunked":
        raise unsupported_transfer_encoding()
    return True


def _content_length(headers: List[Tuple[str, str]]) -> int:
    """The declared length (0 when none), refused as Go refuses it: signs, spaces inside, > 2**63-1, disagreeing."""
    values = [value.strip(" \t") for name, value in headers if name.lower() == "content-length"]
    if not values or values[0] == "":
        return 0
    if any(value != values[0] for value in values[1:]):
        raise go_error(400)  # multiple Content-Length headers
    text = values[0]
    if not text.isdigit() or not text.isascii() or int(text) >= 2 ** 63:
        raise go_error(400)  # bad Content-Length
    return int(text)


class ChunkedBody:
    """Decodes a chunked request body as its bytes arrive; ``error`` says what Go's reader would say."""

    def __init__(self, limit: int):
        self.limit = limit
        self.body = bytearray()
        self.done = False
        self._remaining = -1  # bytes left in the current chunk; -1 while a size line is expected
        self._in_trailer = False

    def feed(self, buffer: bytearray) -> None:
        """Consume what it can from the front of ``buffer`` (which keeps any bytes after the body).

        Raises ``ValueError`` with Go's message for a malformed body or one over ``limit``.
        """
        while not self.done:
            if self._remaining > 0:
                taken = min(self._remaining, len(buffer))
                if not taken:
                    return
                self.body += buffer[:taken]
                del buffer[:taken]
                self._remaining -= taken
                continue
            line_end = buffer.find(b"\n")
            if line_end < 0:
                if len(buffer) > MAX_CHUNK_LINE_BYTES:
                    raise ValueError("header line too long")
                return
            line = bytes(buffer[:line_end]).rstrip(b"\r")
            del buffer[:line_end + 1]
            self._line(line)

    def _line(self, line: bytes) -> None:
        if self._in_trailer:
            self.done = not line
            return
        if self._remaining == 0:  # the line ending a chunk's data
            if line:
                raise ValueError("malformed chunked encoding")
            self._remaining = -1
            return
        size_text = line.split(b";", 1)[0].strip(b" \t")
        if not _HEX.match(size_text):
            raise ValueError("http chunk length too large" if len(size_text) > 16 else "invalid byte in chunk length")
        size = int(size_text, 16)
        if len(self.body) + size > self.limit:
            raise ValueError("http: request body too large")
        if size == 0:
            self._in_trailer = True
        else:
            self._remaining = size


def response_head(status: int, headers: Iterable[Tuple[str, str]]) -> bytes:
    """A response's status line and headers, with Go's ``Date`` header, ready to send."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "status code %d" % status
    lines = ["HTTP/1.1 %d %s" % (status, phrase), "Date: " + formatdate(usegmt=True)]
    lines.extend("%s: %s" % (name, value) for name, value in headers)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def connection_header(request: Request, close: bool) -> Dict[str, str]:
    """The ``Connection`` header Go adds: ``close`` to an HTTP/1.1 client being closed, ``keep-alive`` to a
    kept HTTP/1.0 one (an HTTP/1.0 client expects the close anyway)."""
    if request.version == "HTTP/1.0":
        return {} if close else {"Connection": "keep-alive"}
    return {"Connection": "close"} if close else {}
