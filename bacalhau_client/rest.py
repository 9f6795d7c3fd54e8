"""The HTTP transport: one urllib3 ``PoolManager``, errors turned into :class:`ApiException`."""

import json
import logging
import ssl
import time
from typing import Any, Dict, Mapping, Optional
from urllib.parse import urlencode

import urllib3
from urllib3.exceptions import (
    HTTPError, MaxRetryError, NewConnectionError, ProxyError, ReadTimeoutError, SSLError,
    TimeoutError as Urllib3TimeoutError,
)

from bacalhau_client.configuration import Configuration
from bacalhau_client.exceptions import (  # noqa: F401  (re-exported: the seed imports ApiException from here)
    ApiConnectionError, ApiDecodeError, ApiException, ApiSSLError, ApiTimeoutError,
    BadRequestError, NotFoundError, RateLimitError, ServerError, exception_for_status,
)
from bacalhau_client.retries import make_policies

logger = logging.getLogger("bacalhau_client")


class RESTResponse:
    """An answer with its body read: ``status``, ``reason``, ``data`` (bytes) and headers."""

    __slots__ = ("urllib3_response", "status", "reason", "data")

    def __init__(self, resp: urllib3.BaseHTTPResponse):
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
    """Sends requests through one ``urllib3.PoolManager`` shared by all threads."""

    def __init__(self, configuration: Optional[Configuration] = None, pools_size: int = 4,
                 maxsize: Optional[int] = None):
        configuration = configuration or Configuration()
        self.configuration = configuration
        maxsize = maxsize or configuration.connection_pool_maxsize
        pool_args: Dict[str, Any] = {"num_pools": pools_size, "maxsize": maxsize, "block": True}
        if configuration.host.startswith("https") or configuration.cert_file:
            pool_args.update(
                cert_reqs=ssl.CERT_REQUIRED if configuration.verify_ssl else ssl.CERT_NONE,
                ca_certs=configuration.ca_certs if configuration.verify_ssl else None,
                cert_file=configuration.cert_file,
                key_file=configuration.key_file,
            )
            if configuration.assert_hostname is not None:
                pool_args["assert_hostname"] = configuration.assert_hostname
        if configuration.proxy:
            self.pool_manager = urllib3.ProxyManager(
                proxy_url=configuration.proxy, proxy_headers=configuration.proxy_headers, **pool_args)
        else:
            self.pool_manager = urllib3.PoolManager(**pool_args)
        self.read_only_retries, self.submit_retries = make_policies(configuration.retries)
        self.default_timeout = _timeout(configuration.timeout)

    def request(self, method: str, url: str, query_params: Optional[Mapping[str, Any]] = None,
                headers: Optional[Mapping[str, str]] = None, body: Any = None,
                post_params: Any = None, _preload_content: bool = True,
                _request_timeout: Any = None, _retries: Any = None, idempotent: bool = True):
        """Send one request (retried per policy); return a :class:`RESTResponse` or raise.

        ``body`` may be bytes, text or a JSON-serialisable value. A non-2xx
        answer raises the matching :class:`ApiException` subclass; so does a
        connection failure or timeout. ``idempotent=False`` (``/submit``)
        retries only failures that prove the request was never sent.
        """
        if post_params:
            raise ValueError("post_params are not used by this API: send a JSON body")
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode("utf-8")
        if query_params:
            url += "?" + urlencode(query_params)
        timeout = self.default_timeout if _request_timeout is None else _timeout(_request_timeout)
        retries = self._retries_for(_retries, idempotent, timeout)
        path = "/" + url.split("://", 1)[-1].partition("/")[2]
        debug = logger.isEnabledFor(logging.DEBUG)
        if debug:
            logger.debug("%s %s (%d bytes)", method, url, len(body or b""))
        try:
            resp = self.pool_manager.request(
                method, url, body=body, headers=headers, timeout=timeout, retries=retries,
                preload_content=_preload_content)
        except HTTPError as error:
            raise _connection_error(error, method, path) from None
        except OSError as error:  # raised by the socket layer outside urllib3's wrapping
            raise ApiConnectionError(message=str(error), method=method, path=path) from None
        if _preload_content:
            resp = RESTResponse(resp)
        if debug:
            logger.debug("%s %s -> %s %s", method, path, resp.status, resp.reason)
        if not 200 <= resp.status < 300:
            data = resp.data if _preload_content else resp.read()
            raise exception_for_status(resp.status, resp.reason, resp.headers if not _preload_content
                                       else resp.getheaders(), _text(data), method, path)
        return resp

    def _retries_for(self, override: Any, idempotent: bool, timeout: urllib3.Timeout):
        if override is None:
            policy = self.read_only_retries if idempotent else self.submit_retries
        else:
            read_only, submit = make_policies(override)
            policy = read_only if idempotent else submit
        if not hasattr(policy, "with_deadline"):
            return policy  # a user's own urllib3 Retry, used as given
        budget = self.configuration.deadline
        if budget is None:
            budget = (timeout.connect_timeout or 0) + (timeout.read_timeout or 0) \
                if timeout.total is None else timeout.total
        return policy.with_deadline(time.monotonic() + budget) if budget else policy

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
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return urllib3.Timeout(total=float(value))
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(
            isinstance(part, (int, float)) and not isinstance(part, bool) and part > 0 for part in value):
        return urllib3.Timeout(connect=float(value[0]), read=float(value[1]))
    raise ValueError("timeout: expected seconds > 0 or a (connect, read) pair of them, got %r" % (value,))


def _connection_error(error: HTTPError, method: str, path: str) -> ApiConnectionError:
    """The ApiException subclass for a urllib3 failure that produced no answer."""
    reason = error.reason if isinstance(error, MaxRetryError) and error.reason is not None else error
    if isinstance(reason, ProxyError) and getattr(reason, "original_error", None) is not None:
        reason = reason.original_error
    if isinstance(reason, SSLError):
        cls, message = ApiSSLError, "TLS failed: %s" % reason
    elif isinstance(reason, (Urllib3TimeoutError, ReadTimeoutError)) and not isinstance(reason, NewConnectionError):
        cls, message = ApiTimeoutError, "timed out: %s" % reason
    else:
        cls, message = ApiConnectionError, "connection failed: %s" % reason
    return cls(message=message, method=method, path=path)


def _text(data: Any) -> str:
    return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else str(data or "")
