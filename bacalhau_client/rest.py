"""The HTTP transport: one urllib3 ``PoolManager``, every failure turned into an :class:`ApiException`.

What it promises, whatever the node does (the connection classes that keep
the first three are in :mod:`bacalhau_client._http`):

- an answer reaches only the call that asked for it (1xx answers skipped,
  connections with stray bytes never reused, none shared across ``fork()``);
- a call ends by its deadline, even when the answer arrives a byte at a time;
- no body longer than ``Configuration.max_response_bytes`` is read or decoded;
- the job API never follows a redirect; GET endpoints follow only 307/308
  within the same scheme, host and port;
- ``/submit`` is sent at most once after its bytes may have left.
"""

import json
import logging
import re
import socket
import ssl
import time
import zlib
from http.client import HTTPException
from typing import Any, Dict, Mapping, Optional
from urllib.parse import urlencode, urljoin, urlsplit

import urllib3
import urllib3.poolmanager
from urllib3.exceptions import (
    DecodeError, EmptyPoolError, HTTPError, MaxRetryError, NewConnectionError, ProtocolError, ProxyError,
    SSLError, TimeoutError as Urllib3TimeoutError,
)

from bacalhau_client._fork import reset_after_fork
from bacalhau_client._http import (
    POOL_CLASSES, PREFIX_BYTES, DeadlinePassed, restore_call_bounds, set_call_bounds, too_large_in,
)
from bacalhau_client._numbers import is_seconds
from bacalhau_client.configuration import Configuration, check_timeout, logging_from_env
from bacalhau_client.exceptions import (  # noqa: F401  (re-exported: the seed imports ApiException from here)
    ApiConnectionError, ApiDecodeError, ApiException, ApiSSLError, ApiTimeoutError,
    BadRequestError, NotFoundError, RateLimitError, ServerError, exception_for_status,
)
from bacalhau_client.retries import DeadlineTimeout, RetrySettings

# urllib3 prints the seconds left as they were computed (0.2986152960002073); two decimals say it.
_LONG_SECONDS = re.compile(r"(timeout=\d+\.\d\d)\d+")
# urllib3 starts many messages with the repr of its pool or connection object; users need the rest.
_URLLIB3_PREFIX = re.compile(r"^(?:\w*HTTPS?Connection(?:Pool)?\([^)]*\)|<[^>]*>): ")


class RESTResponse:
    """An answer with its body read: ``status``, ``reason``, ``data`` (bytes) and headers."""

    __slots__ = ("urllib3_response", "status", "reason", "data")

    def __init__(self, resp: urllib3.HTTPResponse, data: Optional[bytes] = None):
        self.urllib3_response = resp
        self.status = resp.status
        self.reason = resp.reason
        self.data = resp.data if data is None else data

    def getheaders(self) -> Mapping[str, str]:
        """All headers of the answer."""
        return self.urllib3_response.headers

    def getheader(self, name: str, default: Optional[str] = None) -> Optional[str]:
        """One header of the answer, or ``default``."""
        return self.urllib3_response.headers.get(name, default)


class RESTClientObject:
    """Sends requests through one ``urllib3.PoolManager`` shared by all threads.

    Retries, timeouts, limits and the deadline come from the
    :class:`Configuration` as it was when the client was made (see
    :mod:`bacalhau_client.retries`). ``pool_manager`` replaces the manager
    this client would build (tests pass one bound to a loopback server); a
    manager with urllib3's default pool classes gets this module's, which skip
    1xx answers and bound each read by the call's deadline. After ``os.fork()``
    the child process starts with no connections of its own parent's.
    """

    def __init__(self, configuration: Optional[Configuration] = None, pools_size: int = 4,
                 maxsize: Optional[int] = None, *, pool_manager: Optional[urllib3.PoolManager] = None):
        configuration = configuration or Configuration()
        self.configuration = configuration
        self._pools_size = pools_size
        self._maxsize = maxsize
        self._own_pool_manager = pool_manager is None
        self.pool_manager = self._new_pool_manager() if pool_manager is None else _bounded(pool_manager)
        settings = RetrySettings.of(configuration.retries)
        self.retry_settings = settings
        self.read_only_retries, self.submit_retries = settings.read_only_policy(), settings.submit_policy()
        self.default_timeout = _timeout(configuration.timeout)
        self.deadline = configuration.deadline
        self.default_budget = self.deadline or _longest(self.default_timeout)
        self.max_response_bytes = configuration.max_response_bytes
        logging_from_env()
        self.log = configuration.logging_policy.logger()
        reset_after_fork(self)

    def _new_pool_manager(self) -> urllib3.PoolManager:
        configuration = self.configuration
        # block=True: threads beyond maxsize wait for a pooled connection instead of opening throwaway ones.
        pool_args: Dict[str, Any] = {
            "num_pools": self._pools_size, "maxsize": self._maxsize or configuration.connection_pool_maxsize,
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
            manager = urllib3.ProxyManager(
                proxy_url=configuration.proxy, proxy_headers=configuration.proxy_headers, **pool_args)
        else:
            manager = urllib3.PoolManager(**pool_args)
        return _bounded(manager)

    def request(self, method: str, url: str, query_params: Optional[Mapping[str, Any]] = None,
                headers: Optional[Mapping[str, str]] = None, body: Any = None,
                post_params: Any = None, _preload_content: bool = True,
                _request_timeout: Any = None, _retries: Any = None, idempotent: bool = True):
        """Send one request (retried per policy); return a :class:`RESTResponse` or raise.

        ``body`` may be bytes, text or a JSON-serialisable value. A non-2xx
        answer raises the matching :class:`ApiException` subclass; so does a
        connection failure, a timeout, an answer past ``max_response_bytes``
        or a redirect that is not followed. ``idempotent=False`` (``/submit``)
        retries only failures that prove the request was never sent. With
        ``_preload_content=False`` the urllib3 response is returned unread
        (its reads still end at the call's deadline).
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
            timeout = _timeout(check_timeout(_request_timeout, "_request_timeout"))
            budget = self.deadline or _longest(timeout)
        deadline = None if budget is None else time.monotonic() + budget
        if deadline is not None:
            timeout = DeadlineTimeout(timeout, deadline)
        retries = self._retries_for(_retries, idempotent, deadline)
        log = self.log
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s %s (%d bytes)", method, url, len(body or b""))
        try:
            bounds = set_call_bounds(deadline, self.max_response_bytes if _preload_content else None)
            try:
                resp = self._send(method, url, body, headers, timeout, retries, budget, _preload_content)
            finally:
                restore_call_bounds(bounds)
            if not 200 <= resp.status < 300:
                data = resp.data if _preload_content else _read_prefix(resp)
                raise exception_for_status(resp.status, resp.reason, resp.headers, _text(data), method, _path(url))
            data = _decoded(resp, self.max_response_bytes, method, url) if _preload_content else None
        except HTTPError as error:
            raise _connection_error(error, method, _path(url), _host(url)) from None
        except OSError as error:  # raised by the socket layer outside urllib3's wrapping
            raise _os_error(error, method, url) from None
        except (HTTPException, ValueError, OverflowError, MemoryError, RecursionError) as error:
            raise ApiConnectionError(message="talking to %s failed: %s: %s" % (
                _host(url), type(error).__name__, _describe(error)), method=method, path=_path(url)) from None
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s %s -> %s %s", method, _path(url), resp.status, resp.reason)
        return RESTResponse(resp, data) if _preload_content else resp

    def _send(self, method, url, body, headers, timeout, retries, budget, preload):
        """One call's answer, after the redirects that may be followed (GET, 307/308, same origin)."""
        target = url
        limit = retries.settings.max_redirects  # the call's own settings when it passed _retries
        for _ in range(limit + 1):
            resp = self.pool_manager.urlopen(
                method, target, body=body, headers=headers, timeout=timeout, retries=retries,
                redirect=False, preload_content=preload, decode_content=False, pool_timeout=budget)
            if resp.status not in _REDIRECT_STATUSES or "Location" not in resp.headers:
                return resp
            target = _redirect_target(resp, method, url, target)
            resp.release_conn()
        raise ApiException(resp.status, resp.reason, headers=resp.headers, method=method, path=_path(url),
                           message="more than %d redirects" % limit)

    def _retries_for(self, override: Any, idempotent: bool, deadline: Optional[float]) -> urllib3.Retry:
        """The retry policy of one call, bound to its deadline."""
        if override is None:
            policy = self.read_only_retries if idempotent else self.submit_retries
        else:
            settings = RetrySettings.of(override)
            policy = settings.read_only_policy() if idempotent else settings.submit_policy()
        return policy.with_deadline(deadline, self.log)

    def GET(self, url: str, **kwargs):
        """Send a GET request."""
        return self.request("GET", url, **kwargs)

    def POST(self, url: str, **kwargs):
        """Send a POST request."""
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        """Close every pooled connection now (a connection in use closes when its call ends)."""
        self.pool_manager.clear()  # closes each pool: _bounded gave the manager a dispose function

    def _after_fork_in_child(self) -> None:
        """Forget the parent's connections: they belong to the parent process."""
        if self._own_pool_manager:
            self.pool_manager = self._new_pool_manager()
        else:
            self.pool_manager.clear()


def _bounded(manager: urllib3.PoolManager) -> urllib3.PoolManager:
    """``manager``, with this module's pool classes when it has urllib3's defaults.

    urllib3's manager drops a pool it evicts or clears without closing its
    connections (they close whenever the garbage collector gets to them); here
    they are closed at once.
    """
    if manager.pool_classes_by_scheme is urllib3.poolmanager.pool_classes_by_scheme:
        manager.pool_classes_by_scheme = POOL_CLASSES
    if manager.pools.dispose_func is None:
        manager.pools.dispose_func = _close_pool
    return manager


def _close_pool(pool) -> None:
    pool.close()


_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def _redirect_target(resp, method: str, origin_url: str, current_url: str) -> str:
    """Where a redirect leads, if it may be followed; else the :class:`ApiException` that says why not."""
    location = resp.headers["Location"]
    why = None
    if method != "GET":
        why = "%s requests are never redirected" % method
    elif resp.status not in (307, 308):
        why = "only 307 and 308 are followed"
    else:
        try:
            target = urljoin(current_url, location)
            if _origin(target) != _origin(origin_url):
                why = "it leaves %s" % _origin_text(origin_url)
        except ValueError as error:
            why = "the Location is broken (%s)" % error
    if why is None:
        return target
    data = _read_prefix(resp)
    raise ApiException(resp.status, resp.reason, headers=resp.headers, body=_text(data), method=method,
                       path=_path(origin_url), message="redirect to %r not followed: %s" % (location, why))


def _origin(url: str):
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


def _origin_text(url: str) -> str:
    scheme, host, port = _origin(url)
    return "%s://%s:%s" % (scheme, host, port)


def _read_prefix(resp) -> bytes:
    """What is already read of a body we do not keep, or its first bytes; the connection is given up."""
    data = resp.data if getattr(resp, "_body", None) is not None else b""
    if not data:
        try:
            data = resp.read(PREFIX_BYTES, decode_content=False)
        except (HTTPError, OSError, HTTPException):
            data = b""
    resp.close()
    resp.release_conn()
    return data


def _decoded(resp, limit: int, method: str, url: str) -> bytes:
    """The body, decoded when the node compressed it although ``identity`` was asked for.

    One ``gzip`` or ``deflate`` layer is undone, and never past ``limit``
    bytes; other or stacked encodings raise :class:`ApiDecodeError`.
    """
    data = resp.data
    encoding = resp.headers.get("Content-Encoding", "").strip().lower()
    if not encoding or encoding == "identity":
        return data
    wbits = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}.get(encoding)
    host = _host(url)
    if wbits is None:
        problem = "the answer from %s has Content-Encoding %r, which is not decoded (identity was asked for)" % (
            host, encoding)
    else:
        try:
            decoder = zlib.decompressobj(wbits)
            decoded = decoder.decompress(data, limit + 1)
            if len(decoded) <= limit and not decoder.unconsumed_tail:
                return decoded
            problem = "the %s answer from %s expands past max_response_bytes (%d bytes)" % (encoding, host, limit)
        except zlib.error as error:
            problem = "could not decode the %s answer from %s: %s" % (encoding, host, error)
    raise ApiDecodeError(resp.status, resp.reason, headers=resp.headers, body=_text(data[:PREFIX_BYTES]),
                         method=method, path=_path(url), message=problem)


def _timeout(value: Any) -> urllib3.Timeout:
    """A urllib3 ``Timeout`` from a number, a ``(connect, read)`` pair or a ``Timeout`` (already checked)."""
    if isinstance(value, urllib3.Timeout):
        return value
    if isinstance(value, (tuple, list)):
        return urllib3.Timeout(connect=float(value[0]), read=float(value[1]))
    return urllib3.Timeout(total=float(value))


def _longest(timeout: urllib3.Timeout) -> Optional[float]:
    """The longest one attempt may take with ``timeout`` (its total, else connect + read); ``None``: unbounded."""
    if is_seconds(timeout.total):
        return timeout.total
    parts = (timeout.connect_timeout, timeout.read_timeout)
    return sum(parts) if all(is_seconds(part) for part in parts) else None


def _os_error(error: OSError, method: str, url: str) -> ApiException:
    if isinstance(error, socket.timeout):
        return ApiTimeoutError(message="timed out talking to %s: %s" % (_host(url), error), method=method,
                               path=_path(url))
    return ApiConnectionError(message="connection to %s failed: %s" % (_host(url), error),
                              method=method, path=_path(url))


def _connection_error(error: HTTPError, method: str, path: str, host: str) -> ApiException:
    """The ApiException subclass for a urllib3 failure that produced no usable answer."""
    reason = error.reason if isinstance(error, MaxRetryError) and error.reason is not None else error
    if isinstance(reason, ProxyError) and getattr(reason, "original_error", None) is not None:
        reason = reason.original_error
    too_large = too_large_in(reason)
    if too_large is not None:
        return ApiDecodeError(too_large.status, too_large.reason, headers=too_large.headers,
                              body=_text(too_large.prefix), method=method, path=path,
                              message="the answer from %s is larger than max_response_bytes (%d bytes); "
                                      "its first %d bytes are kept" % (host, too_large.limit, len(too_large.prefix)))
    if isinstance(reason, SSLError):
        cls, message = ApiSSLError, (
            "TLS with %s failed: %s (to trust a private CA, set Configuration.ssl_ca_cert to its "
            "PEM file)" % (host, _describe(reason)))
    elif isinstance(reason, EmptyPoolError):
        cls, message = ApiTimeoutError, "no free connection to %s within the call's deadline" % host
    elif isinstance(reason, Urllib3TimeoutError) and not isinstance(reason, NewConnectionError):
        cause = reason.__cause__ or reason.__context__
        text = str(cause) if isinstance(cause, DeadlinePassed) else _describe(reason)
        cls, message = ApiTimeoutError, "timed out talking to %s: %s" % (host, text)
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
    return _LONG_SECONDS.sub(r"\1", _URLLIB3_PREFIX.sub("", text))


def _path(url: str) -> str:
    """The path of a URL, for messages (worked out only when one is needed)."""
    try:
        return urlsplit(url).path or "/"
    except ValueError:  # a host urllib cannot parse, such as an unclosed IPv6 bracket
        return url


def _host(url: str) -> str:
    """``host:port`` of a URL, for messages."""
    try:
        return urlsplit(url).netloc or url
    except ValueError:
        return url


def _text(data: Any) -> str:
    """An answer's body as text; bytes that are not UTF-8 are replaced, not fatal."""
    return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else str(data or "")
