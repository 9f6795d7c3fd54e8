"""HealthApi: is the node alive, ready, and how is it doing (``GET /livez``, ``/readyz``, ...)."""

from typing import Any

from bacalhau_client.api.base import BaseApi, data_only
from bacalhau_client.api.endpoints import BY_NAME
from bacalhau_client.models import PublicapiDebugResponse, TypesHealthInfo


class HealthApi(BaseApi):
    """The node's health endpoints. Text endpoints return ``str``; the others models or dicts."""

    def api_serverlivez(self, **kwargs: Any) -> str:
        """``GET /livez``: ``"OK"`` while the node's process runs."""
        return self.api_serverlivez_with_http_info(**data_only(kwargs))

    def api_serverlivez_with_http_info(self, **kwargs: Any):
        """Like :meth:`api_serverlivez`, returning ``(data, status, headers)``."""
        return self._call(BY_NAME["livez"], kwargs)

    def api_serverreadyz(self, **kwargs: Any) -> str:
        """``GET /readyz``: ``"READY"`` once the node accepts jobs."""
        return self.api_serverreadyz_with_http_info(**data_only(kwargs))

    def api_serverreadyz_with_http_info(self, **kwargs: Any):
        """Like :meth:`api_serverreadyz`, returning ``(data, status, headers)``."""
        return self._call(BY_NAME["readyz"], kwargs)

    def api_serverhealthz(self, **kwargs: Any) -> TypesHealthInfo:
        """``GET /healthz``: free disk space of the node's mounts."""
        return self.api_serverhealthz_with_http_info(**data_only(kwargs))

    def api_serverhealthz_with_http_info(self, **kwargs: Any):
        """Like :meth:`api_serverhealthz`, returning ``(data, status, headers)``."""
        return self._call(BY_NAME["healthz"], kwargs)

    def api_serverlogz(self, **kwargs: Any) -> str:
        """``GET /logz``: the tail of the node's log, as text."""
        return self.api_serverlogz_with_http_info(**data_only(kwargs))

    def api_serverlogz_with_http_info(self, **kwargs: Any):
        """Like :meth:`api_serverlogz`, returning ``(data, status, headers)``."""
        return self._call(BY_NAME["logz"], kwargs)

    def api_servervarz(self, **kwargs: Any) -> dict:
        """``GET /varz``: the node's variables, a JSON object (``{}`` on v0.3 nodes)."""
        return self.api_servervarz_with_http_info(**data_only(kwargs))

    def api_servervarz_with_http_info(self, **kwargs: Any):
        """Like :meth:`api_servervarz`, returning ``(data, status, headers)``."""
        return self._call(BY_NAME["varz"], kwargs)

    def api_serverdebug(self, **kwargs: Any) -> PublicapiDebugResponse:
        """``GET /debug``: compute capacity and the jobs in progress."""
        return self.api_serverdebug_with_http_info(**data_only(kwargs))

    def api_serverdebug_with_http_info(self, **kwargs: Any):
        """Like :meth:`api_serverdebug`, returning ``(data, status, headers)``."""
        return self._call(BY_NAME["debug"], kwargs)

    livez = api_serverlivez
    livez_with_http_info = api_serverlivez_with_http_info
    readyz = api_serverreadyz
    readyz_with_http_info = api_serverreadyz_with_http_info
    healthz = api_serverhealthz
    healthz_with_http_info = api_serverhealthz_with_http_info
    logz = api_serverlogz
    logz_with_http_info = api_serverlogz_with_http_info
    varz = api_servervarz
    varz_with_http_info = api_servervarz_with_http_info
    debug = api_serverdebug
    debug_with_http_info = api_serverdebug_with_http_info
