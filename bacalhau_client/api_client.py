"""Turns API calls into HTTP requests and answers into models."""

import json
import re
import threading
from datetime import date, datetime
from typing import Any, Dict, Optional

from bacalhau_client._fork import reset_after_fork
from bacalhau_client._version import __version__
from bacalhau_client.configuration import Configuration
from bacalhau_client.exceptions import ApiDecodeError
from bacalhau_client.models.base import MODEL_REGISTRY, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.rest import RESTClientObject

_CONTAINER_TYPE = re.compile(r"(list)\[(.+)\]\Z|(dict)\(str, (.+)\)\Z")
# Made once: json.dumps with options builds a new encoder on every call.
_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


class ApiClient:
    """Sends requests for the API classes and deserializes what comes back.

    One ``ApiClient`` is safe to share between threads; it holds a pool of
    connections, so close it (or use it as a context manager) when done::

        with bacalhau_client.ApiClient(Configuration(host=url)) as client:
            jobs = bacalhau_client.JobApi(client).list(PublicapiListRequest(client_id=cid))
    """

    PRIMITIVE_TYPES = (float, bool, bytes, str, int)

    def __init__(self, configuration: Optional[Configuration] = None, header_name: Optional[str] = None,
                 header_value: Optional[str] = None, cookie: Optional[str] = None, *,
                 pool_manager: Any = None):
        self.configuration = configuration or Configuration()
        self.rest_client = RESTClientObject(self.configuration, pool_manager=pool_manager)
        self.default_headers: Dict[str, str] = {}
        if header_name is not None:
            self.default_headers[header_name] = header_value
        self.cookie = cookie
        self.user_agent = self.configuration.user_agent or "bacalhau-client-python/%s" % __version__
        self._pool = None
        self._pool_lock = threading.Lock()
        reset_after_fork(self)

    def __enter__(self) -> "ApiClient":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Release the connections and, if ``async_req`` was used, its thread pool."""
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
            pool.join()
        self.rest_client.close()

    @property
    def pool(self):
        """The thread pool behind ``async_req=True``, created once, on first use, under a lock."""
        pool = self._pool
        if pool is None:
            with self._pool_lock:
                if self._pool is None:
                    from multiprocessing.pool import ThreadPool

                    self._pool = ThreadPool()
                pool = self._pool
        return pool

    def _after_fork_in_child(self) -> None:
        """The parent's worker threads do not exist in the child: start without them."""
        if self._pool is not None:
            _abandoned_pools.append(self._pool)  # kept: collecting it would signal threads that are gone
        self._pool = None
        self._pool_lock = threading.Lock()

    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` sent with every request."""
        return self.default_headers["User-Agent"]

    @user_agent.setter
    def user_agent(self, value: str) -> None:
        self.default_headers["User-Agent"] = value

    def set_default_header(self, header_name: str, header_value: str) -> None:
        """Send a header with every request."""
        self.default_headers[header_name] = header_value

    def call_api(self, resource_path: str, method: str, body: Any = None,
                 response_type: Optional[str] = None, *, query_params: Any = None,
                 header_params: Optional[Dict[str, str]] = None, async_req: bool = False,
                 _return_http_data_only: bool = True, _preload_content: bool = True,
                 _request_timeout: Any = None, _retries: Any = None, idempotent: bool = True):
        """Send one request and return the deserialized answer.

        Returns the data, or ``(data, status, headers)`` when
        ``_return_http_data_only`` is false, or with ``async_req=True`` a
        ``multiprocessing.pool.AsyncResult`` whose ``get()`` returns either.
        With ``_preload_content=False`` the raw urllib3 response is returned
        unread, for streaming.
        """
        args = (resource_path, method, body, response_type, query_params, header_params,
                _return_http_data_only, _preload_content, _request_timeout, _retries, idempotent)
        if async_req:
            return self.pool.apply_async(self._call_api, args)
        return self._call_api(*args)

    def _call_api(self, resource_path, method, body, response_type, query_params, header_params,
                  _return_http_data_only, _preload_content, _request_timeout, _retries, idempotent):
        headers = dict(self.default_headers)
        headers["Accept"] = "text/plain" if response_type == "str" else "application/json"
        if self.cookie:
            headers["Cookie"] = self.cookie
        if body is not None:
            headers["Content-Type"] = "application/json"
            if not isinstance(body, bytes):
                body = _JSON_ENCODER.encode(self.sanitize_for_serialization(body)).encode("utf-8")
        if header_params:
            headers.update(header_params)
        response = self.rest_client.request(
            method, self.configuration.host + resource_path, query_params=query_params,
            headers=headers, body=body, _preload_content=_preload_content,
            _request_timeout=_request_timeout, _retries=_retries, idempotent=idempotent)
        if not _preload_content:
            return response if _return_http_data_only else (response, response.status, response.headers)
        data = self.deserialize(response, response_type, method=method, path=resource_path) \
            if response_type else None
        if _return_http_data_only:
            return data
        return data, response.status, response.getheaders()

    def sanitize_for_serialization(self, obj: Any) -> Any:
        """The JSON form of ``obj``: models become their wire objects, datetimes RFC 3339 strings."""
        if obj is None or isinstance(obj, self.PRIMITIVE_TYPES):
            return obj
        if isinstance(obj, Model):
            return obj.to_wire()  # already JSON: what the node sent, with any changes applied
        if isinstance(obj, (list, tuple)):
            return [self.sanitize_for_serialization(item) for item in obj]
        if isinstance(obj, dict):
            return {key: self.sanitize_for_serialization(value) for key, value in obj.items()}
        if isinstance(obj, datetime):
            return Timestamp.from_datetime(obj)
        if isinstance(obj, date):
            return obj.isoformat()
        raise ValueError("cannot serialize %s to JSON" % type(obj).__name__)

    def deserialize(self, response: Any, response_type: str, *, method: Optional[str] = None,
                    path: Optional[str] = None) -> Any:
        """Parse ``response.data`` (str or bytes) into ``response_type``.

        ``response_type`` is a model name (``"PublicapiListResponse"``),
        ``"str"`` for text endpoints, ``"object"`` for any JSON, or a container
        such as ``"list[ModelJob]"``. A body that is not JSON, or is JSON of
        the wrong shape at the top, raises :class:`ApiDecodeError`; values of an
        unexpected type further down are kept as they came.
        """
        data = response.data
        if response_type == "str":
            return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
        try:
            value = json.loads(data)
        except (ValueError, TypeError, RecursionError) as error:  # RecursionError: nested thousands deep
            raise self._decode_error(response, "expected JSON for %s, got %s" % (
                response_type, _describe_error(error)), method, path) from None
        converted = self._convert(value, response_type)
        if converted is _MISMATCH:
            raise self._decode_error(response, "expected a JSON %s for %s, got %s" % (
                _json_kind(response_type), response_type, _json_name(value)), method, path)
        return converted

    def _convert(self, value: Any, type_name: str) -> Any:
        if type_name == "object":
            return value
        cls = MODEL_REGISTRY.get(type_name)
        if cls is not None:
            return cls.from_wire(value) if type(value) is dict else _MISMATCH
        match = _CONTAINER_TYPE.match(type_name)
        if match is None:
            expected = {"str": str, "int": int, "float": (int, float), "bool": bool}.get(type_name)
            if expected is None:
                raise ValueError("unknown response type %r" % type_name)
            return value if isinstance(value, expected) else _MISMATCH
        if match.group(1):
            if type(value) is not list:
                return _MISMATCH
            result = []
            for item in value:
                converted = self._convert(item, match.group(2))
                result.append(item if converted is _MISMATCH else converted)
            return result
        if type(value) is not dict:
            return _MISMATCH
        result = {}
        for key, item in value.items():
            converted = self._convert(item, match.group(4))
            result[key] = item if converted is _MISMATCH else converted
        return result

    @staticmethod
    def _decode_error(response, message, method, path) -> ApiDecodeError:
        headers = response.getheaders() if hasattr(response, "getheaders") else getattr(response, "headers", None)
        body = response.data.decode("utf-8", errors="replace") if isinstance(response.data, bytes) \
            else response.data
        return ApiDecodeError(getattr(response, "status", None), getattr(response, "reason", None),
                              headers=headers, body=body, method=method, path=path, message=message)


_abandoned_pools: list = []


class _Mismatch:
    """A value whose JSON type does not fit the type asked for."""


_MISMATCH = _Mismatch()


def _describe_error(error: Exception) -> str:
    return "invalid JSON (%s)" % str(error).splitlines()[0][:120]


def _json_name(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", int: "number",
            float: "number", type(None): "null"}.get(type(value), type(value).__name__)


def _json_kind(type_name: str) -> str:
    if type_name.startswith("list["):
        return "array"
    if type_name.startswith("dict(") or type_name in MODEL_REGISTRY:
        return "object"
    return type_name
