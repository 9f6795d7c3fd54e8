"""Every error the SDK raises for a failed call, in one flat hierarchy.

All are :class:`ApiException`, so ``except ApiException`` catches everything a
call can fail with; the subclasses let callers react to one kind::

    ApiException
    +-- ApiConnectionError        the request got no HTTP answer
    |   +-- ApiTimeoutError       ... because a connect or read timeout (or the deadline) ran out
    |   +-- ApiSSLError           ... because TLS failed, most often an untrusted certificate
    +-- ApiDecodeError            the answer is not the JSON the call expects
    +-- BadRequestError           400 (bad body, bad signature, invalid job)
    +-- NotFoundError             the job does not exist (400 or 500, see below)
    +-- RateLimitError            429
    +-- ServerError               5xx

Other statuses (a 3xx that was not followed, a 404 from a proxy) raise
:class:`ApiException` itself.

``str(error)`` is one line of at most 1,000 characters in which nothing the
node sent can drive the terminal; :func:`printable` is that rule, for any other
text from a node that is shown to a person.
"""

import json
import re
from typing import Any, Dict, Mapping, Optional, Tuple

# How every message of the node for an unknown job begins (see job_state.job_not_found_message).
_JOB_NOT_FOUND_PREFIX = "Job not found"
# A message read from a body is cut here, so that str(error) stays one readable line.
MAX_MESSAGE_LENGTH = 300
# The longest str(error): the head (status, method, path) and the message, cut with a note.
MAX_STR_LENGTH = 1000
# Characters a terminal would act on instead of showing: C0 and C1 controls, DEL, bidirectional
# overrides, and lone surrogates (text decoded with errors="surrogateescape").
# Every character a terminal would act on: C0 and C1 controls, DEL, bidirectional marks and overrides,
# and lone surrogates (which cannot even be written as UTF-8).
TERMINAL_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"<[^>]*>")


class ApiException(Exception):
    """A call failed. Carries what is known of the answer.

    Attributes: ``status`` and ``reason`` (HTTP, or ``None`` with no answer),
    ``headers``, ``body`` (text), ``method`` and ``path`` of the request, and
    when the body is the node's error envelope its ``code``, ``message`` and
    ``details``; otherwise ``message`` summarises the body in one line.
    ``message``, ``code`` and ``details`` may also be given, and then the body
    is not read for them.
    """

    def __init__(self, status: Optional[int] = None, reason: Optional[str] = None,
                 http_resp: Any = None, *, headers: Optional[Mapping[str, str]] = None,
                 body: Optional[str] = None, method: Optional[str] = None,
                 path: Optional[str] = None, message: Optional[str] = None,
                 code: Optional[str] = None, details: Optional[Dict[str, Any]] = None):
        if http_resp is not None:
            status = http_resp.status if status is None else status
            reason = http_resp.reason if reason is None else reason
            headers = http_resp.getheaders() if headers is None else headers
            if body is None:
                body = _text(http_resp.data)
        if message is None and code is None and details is None:
            code, message, details = describe_body(body)
        self.status = status
        self.reason = reason
        self.headers = dict(headers) if headers is not None else None
        self.body = body
        self.method = method
        self.path = path
        self.code = code
        self.message = message
        self.details = details
        super().__init__(str(self))

    def __str__(self) -> str:
        head = "%s %s" % (self.method or "POST", self.path) if self.path else ""
        if self.status is not None:
            status = "HTTP %s%s" % (self.status, " " + self.reason if self.reason else "")
            head = "%s from %s" % (status, head) if head else status
        detail = self.message or ""
        if self.code:
            detail = "%s (%s)" % (detail, self.code) if detail else self.code
        line = "%s: %s" % (head, detail) if head and detail else head or detail or type(self).__name__
        return printable(line, MAX_STR_LENGTH)

    def __reduce__(self):
        return _rebuild, (type(self), self.__dict__)


def _rebuild(cls, state):
    """Unpickle an :class:`ApiException`: its attributes, without running ``__init__`` again."""
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, str(error))
    return error


class ApiConnectionError(ApiException):
    """No HTTP answer: refused, reset, DNS failure, TLS failure or timeout."""


class ApiTimeoutError(ApiConnectionError):
    """The connect or read timeout, or the call's deadline, ran out."""


class ApiSSLError(ApiConnectionError):
    """TLS failed, most often because the server's certificate is not trusted."""


class ApiDecodeError(ApiException):
    """The answer came with a success status but is not the JSON the call expects."""


class BadRequestError(ApiException):
    """400: the node refused the request (undecodable body, bad signature, invalid job)."""


class NotFoundError(ApiException):
    """The job does not exist.

    /list and /submit say so with a 400 error envelope (``error-job-not-found``);
    /states, /events, /local_events and /results with a 500 and a bare
    ``Job not found. ID: ...`` line. Both raise this class.
    """


class RateLimitError(ApiException):
    """429: the node rate-limits each client; ``headers`` may hold ``Retry-After``."""


class ServerError(ApiException):
    """5xx: the node failed (or timed out handling the request)."""


def printable(text: Any, limit: Optional[int] = MAX_STR_LENGTH) -> str:
    """``text`` as one line that is safe to print to a terminal, at most about ``limit`` characters.

    Runs of white space (line breaks included) become one space; control
    characters that a terminal would act on (escape sequences, bells,
    bidirectional overrides) are written as ``\\xNN`` or ``\\uNNNN``; text
    longer than ``limit`` is cut and says how long it was. Use it for anything
    a node sent before showing it; ``limit=None`` only escapes.

    >>> printable("evil\\x1b[2Jtext\\n  next")
    'evil\\\\x1b[2Jtext next'
    """
    line = escape_controls(" ".join(str(text).split()))
    if limit is not None and len(line) > limit:
        note = "... (%d characters)" % len(line)
        line = line[:max(0, limit - len(note))] + note
    return line


def escape_controls(text: str, keep: str = "") -> str:
    """``text`` with each character a terminal would act on (but those in ``keep``) as ``\\xNN``/``\\uNNNN``.

    Control characters, bidirectional overrides and lone surrogates are
    escaped; the CLI keeps ``"\\t\\n"`` in job output it prints.
    """
    if not TERMINAL_CONTROLS.search(text):
        return text
    return TERMINAL_CONTROLS.sub(lambda match: match.group() if match.group() in keep else _escape(match), text)


def escape_controls_in_json(text: str) -> str:
    """JSON text with each character a terminal would act on as a ``\\uNNNN`` escape: the same document.

    JSON already escapes control characters inside strings, so those left
    below U+0020 are the document's own whitespace and are kept.
    """
    if not TERMINAL_CONTROLS.search(text):
        return text
    return TERMINAL_CONTROLS.sub(lambda match: match.group() if match.group() < " " else "\\u%04x" % ord(match.group()), text)


def _escape(match) -> str:
    code = ord(match.group())
    return "\\x%02x" % code if code < 0x100 else "\\u%04x" % code


def parse_error_envelope(body: Optional[str]) -> Optional[Dict[str, Any]]:
    """The node's ``{"Code", "Message", "Details", "Err"}`` envelope, or ``None``."""
    if not body or not body.lstrip().startswith("{"):
        return None
    try:
        envelope = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        return None
    if isinstance(envelope, dict) and isinstance(envelope.get("Code"), str):
        return envelope
    return None


def describe_body(body: Optional[str]) -> Tuple[Optional[str], Optional[str], Optional[Dict[str, Any]]]:
    """``(code, message, details)`` of an error body: from the envelope, else a one-line summary."""
    envelope = parse_error_envelope(body)
    if envelope is not None:
        message = envelope.get("Message")
        details = envelope.get("Details")
        return (envelope["Code"], message if isinstance(message, str) else None,
                details if isinstance(details, dict) else None)
    return None, summarize(body), None


def summarize(body: Optional[str]) -> Optional[str]:
    """One short line for a body: an HTML page's title (proxies answer 502 with one), else its text."""
    if not body or not body.strip():
        return None
    text = body
    if body.lstrip().startswith("<"):
        title = _HTML_TITLE.search(body)
        text = title.group(1) if title else _HTML_TAG.sub(" ", body)
    line = " ".join(text.split())
    if len(line) > MAX_MESSAGE_LENGTH:
        line = line[:MAX_MESSAGE_LENGTH] + "... (%d characters)" % len(line)
    return line or None


def exception_for_status(status: int, reason: Optional[str], headers: Mapping[str, str],
                         body: Optional[str], method: Optional[str] = None,
                         path: Optional[str] = None) -> ApiException:
    """The exception that fits a non-2xx answer, built from it."""
    from bacalhau_client.models.job_state import JOB_NOT_FOUND_CODE

    code, message, details = describe_body(body)
    if code == JOB_NOT_FOUND_CODE or (message or "").startswith(_JOB_NOT_FOUND_PREFIX):
        cls = NotFoundError
    elif status == 400:
        cls = BadRequestError
    elif status == 429:
        cls = RateLimitError
    elif status >= 500:
        cls = ServerError
    else:
        cls = ApiException
    return cls(status, reason, headers=headers, body=body, method=method, path=path,
               message=message, code=code, details=details)


def __getattr__(name: str) -> Any:
    # JOB_NOT_FOUND_CODE is public here too; its home, models.job_state, loads the models, so it is
    # read when first asked for rather than when the error classes are imported.
    if name == "JOB_NOT_FOUND_CODE":
        from bacalhau_client.models.job_state import JOB_NOT_FOUND_CODE

        return JOB_NOT_FOUND_CODE
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


def _text(data: Any) -> Optional[str]:
    if data is None:
        return None
    if isinstance(data, bytes):
        return data.decode("utf-8", errors="replace")
    return str(data)
