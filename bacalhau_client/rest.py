"""The HTTP transport: one urllib3 ``PoolManager``, every failure turned into an :class:`ApiException`."""

import json
import logging
import re
import ssl
import time
from typing import Any, Dict, Mapping, Optional
from urllib.parse import urlencode, urlsplit

import urllib3
from urllib3.exceptions import (
    DecodeError, EmptyPoolError, HTTPError, MaxRetryError, NewConnectionError, ProtocolError, ProxyError,
    SSLError, TimeoutError as Urllib3TimeoutError,
)

from bacalhau_client.configuration import Configuration
from bacalhau_client.exceptions import (  # noqa: F401  (re-exported: the seed imports ApiException from here)
    ApiConnectionError, ApiDecodeError, ApiException, ApiSSLError, ApiTimeoutError,
    BadRequestError, NotFoundError, RateLimitError, ServerError, exception_for_status,
)
from bacalhau_client.retries import DeadlineTimeout, make_policies

logger = logging.getLogger("bacalhau_client")

# urllib3 starts many messages with the repr of its pool or connection object; users need the rest.
_URLLIB3_PREFIX = re.compile(r"^(?:HTTPS?Connection(?:Pool)?\([^)]*\)|<[^>]*>): ")


class RESTResponse:
    """An answer with its body read: ``status``, ``reason``, ``data`` (bytes) and headers."""

    __slots__ = ("urllib3_response", "status", "reason", "data")

    def __init__(self, resp: urllib3.HTTPResponse):
        self.urllib3_response = resp
        self.status = resp.status
        self.reason = resp.reason
        self.data = resp.data

    def getheaders(self) -> Mapping[str, str]:
        """All headers of the answer."""
        return self.urllib3_response.headers

    def getheader(self, name: str, default: Optional[str] = None) -> Optional[str]:
        """One header of the answer, or ``default``."""
        return self.urllib3_response.headers.get(name, default)


class RESTClientObject:
    """Sends requests through one ``urllib3.PoolManager`` shared by all threads.

    Retries, timeouts and the deadline come from the :class:`Configuration`
    as it was when the client was made (see :mod:`bacalhau_client.retries`).
    """

    def __init__(self, configuration: Optional[Configuration] = None, pools_size: int = 4,
                 maxsize: Optional[int] = None):
        configuration = configuration or Configuration()
        self.configuration = configuration
        # block=True: threads beyond maxsize wait for a pooled connection instead of opening throwaway ones.
        pool_args: Dict[str, Any] = {
            "num_pools": pools_size, "maxsize": maxsize or configuration.connection_pool_maxsize,
            "block": True,
            # urllib3 uses these for https:// only; verification is on unless verify_ssl=False.
            "cert_reqs": ssl.CERT_REQUIRED if configuration.verify_ssl else ssl.CERT_NONE,
            "ca_certs": configuration.ca_certs if configuration.verify_ssl else None,
            "cert_file": configuration.cert_file,
            "key_file": configuration.key_file,
        }
        if configuration.assert_hostname is not None:
            pool_args["assert_hostname"] = configuration.assert_hostname
        if configuration.proxy:
            self.pool_manager = urllib3.ProxyManager(
                proxy_url=configuration.proxy, proxy_headers=configuration.proxy_headers, **pool_args)
        else:
            self.pool_manager = urllib3.PoolManager(**pool_args)
        self.read_only_retries, self.submit_retries = make_policies(configuration.retries)
        self.default_timeout = _timeout(configuration.timeout)
        self.deadline = _seconds_or_none("deadline", configuration.deadline)
        self.default_budget = self.deadline or _longest(self.default_timeout)

    def request(self, method: str, url: str, query_params: Optional[Mapping[str, Any]] = None,
                headers: Optional[Mapping[str, str]] = None, body: Any = None,
                post_params: Any = None, _preload_content: bool = True,
                _request_timeout: Any = None, _retries: Any = None, idempotent: bool = True):
        """Send one request (retried per policy); return a :class:`RESTResponse` or raise.

        ``body`` may be bytes, text or a JSON-serialisable value. A non-2xx
        answer raises the matching :class:`ApiException` subclass; so does a
        connection failure or timeout. ``idempotent=False`` (``/submit``)
        retries only failures that prove the request was never sent. With
        ``_preload_content=False`` the urllib3 response is returned unread.
        """
        if post_params:
            raise ValueError("post_params are not used by this API: send a JSON body")
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode("utf-8")
        if query_params:
            url += "?" + urlencode(query_params)
        if _request_timeout is None:
            timeout, budget = self.default_timeout, self.default_budget
        else:
            timeout = _timeout(_request_timeout)
            budget = self.deadline or _longest(timeout)
        deadline = None if budget is None else time.monotonic() + budget
        if deadline is not None:
            timeout = DeadlineTimeout(timeout, deadline)
        retries = self._retries_for(_retries, idempotent, deadline)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s %s (%d bytes)", method, url, len(body or b""))
        try:
            resp = self.pool_manager.request(
                method, url, body=body, headers=headers, timeout=timeout,
                retries=retries, preload_content=_preload_content, pool_timeout=budget)
            if not 200 <= resp.status < 300:
                data = resp.data if _preload_content else resp.read()
                raise exception_for_status(resp.status, resp.reason, resp.headers, _text(data), method, _path(url))
        except HTTPError as error:
            raise _connection_error(error, method, _path(url), _host(url)) from None
        except OSError as error:  # raised by the socket layer outside urllib3's wrapping
            raise ApiConnectionError(message="connection to %s failed: %s" % (_host(url), error),
                                     method=method, path=_path(url)) from None
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s %s -> %s %s", method, _path(url), resp.status, resp.reason)
        return RESTResponse(resp) if _preload_content else resp

    def _retries_for(self, override: Any, idempotent: bool, deadline: Optional[float]) -> urllib3.Retry:
        """The retry policy of one call, bound to its deadline."""
        if override is None:
            policy = self.read_only_retries if idempotent else self.submit_retries
        else:
            read_only, submit = make_policies(override)
            policy = read_only if idempotent else submit
        return policy.with_deadline(deadline) if hasattr(policy, "with_deadline") else policy

    def GET(self, url: str, **kwargs):
        """Send a GET request."""
        return self.request("GET", url, **kwargs)

    def POST(self, url: str, **kwargs):
        """Send a POST request."""
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        """Close every pooled connection."""
        self.pool_manager.clear()


def _timeout(value: Any) -> urllib3.Timeout:
    """A urllib3 ``Timeout`` from a number, a ``(connect, read)`` pair or a ``Timeout``."""
    if isinstance(value, urllib3.Timeout):
        return value
    if _is_seconds(value):
        return urllib3.Timeout(total=float(value))
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(_is_seconds(part) for part in value):
        return urllib3.Timeout(connect=float(value[0]), read=float(value[1]))
    raise ValueError("timeout: expected seconds > 0 or a (connect, read) pair of them, got %r" % (value,))


def _seconds_or_none(name: str, value: Any) -> Optional[float]:
    if value is None or _is_seconds(value):
        return value
    raise ValueError("%s: expected seconds > 0 or None, got %r" % (name, value))


def _is_seconds(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _longest(timeout: urllib3.Timeout) -> Optional[float]:
    """The longest one attempt may take with ``timeout`` (its total, else connect + read); ``None``: unbounded."""
    if _is_seconds(timeout.total):
        return timeout.total
    parts = (timeout.connect_timeout, timeout.read_timeout)
    return sum(parts) if all(_is_seconds(part) for part in parts) else None


def _connection_error(error: HTTPError, method: str, path: str, host: str) -> ApiException:
    """The ApiException subclass for a urllib3 failure that produced no usable answer."""
    reason = error.reason if isinstance(error, MaxRetryError) and error.reason is not None else error
    if isinstance(reason, ProxyError) and getattr(reason, "original_error", None) is not None:
        reason = reason.original_error
    if isinstance(reason, SSLError):
        cls, message = ApiSSLError, (
            "TLS with %s failed: %s (to trust a private CA, set Configuration.ssl_ca_cert to its "
            "PEM file)" % (host, _describe(reason)))
    elif isinstance(reason, EmptyPoolError):
        cls, message = ApiTimeoutError, "no free connection to %s within the call's deadline" % host
    elif isinstance(reason, Urllib3TimeoutError) and not isinstance(reason, NewConnectionError):
        cls, message = ApiTimeoutError, "timed out talking to %s: %s" % (host, _describe(reason))
    elif isinstance(reason, DecodeError):
        cls, message = ApiDecodeError, "could not decode the answer from %s: %s" % (host, _describe(reason))
    else:
        cls, message = ApiConnectionError, "connection to %s failed: %s" % (host, _describe(reason))
    return cls(message=message, method=method, path=path)


def _describe(error: BaseException) -> str:
    """urllib3's message for ``error``, without object reprs."""
    args = [arg for arg in error.args if isinstance(arg, (str, BaseException))]
    text = str(args[-1] if args and isinstance(args[-1], str) else error)
    if isinstance(error, ProtocolError) and len(args) == 2 and isinstance(args[1], BaseException):
        text, cause = str(args[0]).rstrip("."), str(args[1]) or type(args[1]).__name__
        text = text if cause in text else "%s: %s" % (text, cause)
    return _URLLIB3_PREFIX.sub("", text)


def _path(url: str) -> str:
    """The path of a URL, for messages (worked out only when one is needed)."""
    return urlsplit(url).path or "/"


def _host(url: str) -> str:
    """``host:port`` of a URL, for messages."""
    return urlsplit(url).netloc or url


def _text(data: Any) -> str:
    """An answer's body as text; bytes that are not UTF-8 are replaced, not fatal."""
    return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else str(data or "")
