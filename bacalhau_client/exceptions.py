"""Every error the SDK raises for a failed call, in one flat hierarchy.

All are :class:`ApiException`, so ``except ApiException`` catches everything a
call can fail with; the subclasses let callers react to one kind::

    ApiException
    +-- ApiConnectionError        the request got no HTTP answer
    |   +-- ApiTimeoutError       ... because a connect or read timeout fired
    |   +-- ApiSSLError           ... because TLS verification failed
    +-- ApiDecodeError            the answer is not the JSON the call expects
    +-- BadRequestError           400 (bad body, bad signature, invalid job)
    +-- NotFoundError             the job does not exist (400 or 500, see below)
    +-- RateLimitError            429
    +-- ServerError               5xx
"""

import json
from typing import Any, Dict, Mapping, Optional

JOB_NOT_FOUND_CODE = "error-job-not-found"
_JOB_NOT_FOUND_PREFIX = "Job not found"


class ApiException(Exception):
    """A call failed. Carries what is known of the answer.

    Attributes: ``status`` and ``reason`` (HTTP, or ``None`` with no answer),
    ``headers``, ``body`` (text), ``method`` and ``path`` of the request, and
    when the body is the node's error envelope its ``code``, ``message`` and
    ``details``; otherwise ``message`` is the body's first line.
    """

    def __init__(self, status: Optional[int] = None, reason: Optional[str] = None,
                 http_resp: Any = None, *, headers: Optional[Mapping[str, str]] = None,
                 body: Optional[str] = None, method: Optional[str] = None,
                 path: Optional[str] = None, message: Optional[str] = None):
        if http_resp is not None:
            status = http_resp.status if status is None else status
            reason = http_resp.reason if reason is None else reason
            headers = http_resp.getheaders() if headers is None else headers
            if body is None:
                body = _text(http_resp.data)
        self.status = status
        self.reason = reason
        self.headers = dict(headers) if headers is not None else None
        self.body = body
        self.method = method
        self.path = path
        self.code: Optional[str] = None
        self.details: Optional[Dict[str, Any]] = None
        self.message = message
        envelope = parse_error_envelope(body)
        if envelope is not None:
            self.code = envelope.get("Code")
            self.details = envelope.get("Details")
            if message is None:
                self.message = envelope.get("Message")
        elif message is None and body:
            self.message = body.strip().splitlines()[0] if body.strip() else None
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = []
        if self.status is not None:
            parts.append("HTTP %s%s" % (self.status, " " + self.reason if self.reason else ""))
        if self.path:
            parts.append("from %s %s" % (self.method or "POST", self.path) if parts
                         else "%s %s" % (self.method or "POST", self.path))
        head = " ".join(parts)
        detail = self.message or ""
        if self.code:
            detail = "%s (%s)" % (detail, self.code) if detail else self.code
        line = "%s: %s" % (head, detail) if head and detail else head or detail or type(self).__name__
        return line.replace("\n", " ")

    def __reduce__(self):
        return (_rebuild, (type(self), self.__dict__))


def _rebuild(cls, state):
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, str(error))
    return error


class ApiConnectionError(ApiException):
    """No HTTP answer: refused, reset, DNS failure, TLS failure or timeout."""


class ApiTimeoutError(ApiConnectionError):
    """The connect or read timeout (or the call's deadline) ran out."""


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
    """429: the node rate-limits each client."""


class ServerError(ApiException):
    """5xx: the node failed (or timed out handling the request)."""


def parse_error_envelope(body: Optional[str]) -> Optional[Dict[str, Any]]:
    """The node's ``{"Code", "Message", "Details", "Err"}`` envelope, or ``None``."""
    if not body or not body.lstrip().startswith("{"):
        return None
    try:
        envelope = json.loads(body)
    except ValueError:
        return None
    if isinstance(envelope, dict) and isinstance(envelope.get("Code"), str):
        return envelope
    return None


def exception_for_status(status: int, reason: Optional[str], headers: Mapping[str, str],
                         body: Optional[str], method: Optional[str] = None,
                         path: Optional[str] = None) -> ApiException:
    """The exception class that fits a non-2xx answer, built from it."""
    error = ApiException(status, reason, headers=headers, body=body, method=method, path=path)
    if error.code == JOB_NOT_FOUND_CODE or (error.message or "").startswith(_JOB_NOT_FOUND_PREFIX):
        cls = NotFoundError
    elif status == 400:
        cls = BadRequestError
    elif status == 429:
        cls = RateLimitError
    elif status >= 500:
        cls = ServerError
    else:
        return error
    return cls(status, reason, headers=headers, body=body, method=method, path=path)


def _text(data: Any) -> Optional[str]:
    if data is None:
        return None
    if isinstance(data, bytes):
        return data.decode("utf-8", errors="replace")
    return str(data)
