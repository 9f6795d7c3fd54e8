"""What every API class shares: the client it calls through, the per-call options, one call path."""

from typing import Any, Callable, Dict, Optional

from bacalhau_client.api.endpoints import Endpoint
from bacalhau_client.api_client import ApiClient
from bacalhau_client.models.base import MODEL_REGISTRY, Model

CALL_OPTIONS = frozenset({"async_req", "_return_http_data_only", "_preload_content",
                          "_request_timeout", "_retries"})


class BaseApi:
    """Holds the :class:`ApiClient`; a default one (default configuration) when none is given."""

    def __init__(self, api_client: Optional[ApiClient] = None):
        self.api_client = api_client or ApiClient()

    def _call(self, endpoint: Endpoint, options: Dict[str, Any], body: Any = None, *,
              encode: Optional[Callable[[Any], Any]] = None):
        """Send ``body`` to ``endpoint`` with the caller's ``options``.

        ``encode`` turns the checked body into what is sent. The options are
        checked before the body, and both before anything is sent. ``options`` without ``_return_http_data_only`` (the
        ``_with_http_info`` methods) return ``(data, status, headers)``.
        """
        for name in options:
            if name not in CALL_OPTIONS:
                raise TypeError("%s() got an unexpected keyword argument %r (options: %s)"
                                % (endpoint.name, name, ", ".join(sorted(CALL_OPTIONS))))
        if endpoint.body_type is not None:
            body = check_body(endpoint.name, body, endpoint.body_type)
            if encode is not None:
                body = encode(body)
        options.setdefault("_return_http_data_only", False)
        return self.api_client.call_api(endpoint.path, endpoint.method, body, endpoint.response_type,
                                        idempotent=endpoint.read_only, **options)


def check_body(method_name: str, body: Any, body_type: str) -> Any:
    """The request body, checked: a ``body_type`` model or a dict in its wire form."""
    if body is None:
        raise ValueError("%s(): missing the required parameter `body` (a %s)" % (method_name, body_type))
    if isinstance(body, MODEL_REGISTRY[body_type]) or isinstance(body, dict):
        return body
    if isinstance(body, Model):
        raise ValueError("%s(): `body` must be a %s, got a %s" % (method_name, body_type, type(body).__name__))
    raise ValueError("%s(): `body` must be a %s or a dict, got %s" % (method_name, body_type, type(body).__name__))


def data_only(options: Dict[str, Any]) -> Dict[str, Any]:
    """The options of a plain method call: return the data alone."""
    options["_return_http_data_only"] = True
    return options
