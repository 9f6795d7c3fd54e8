"""MiscApi: who the node is, whom it knows, what it runs (``/id``, ``/peers``, ``/version``)."""

from typing import Any, Dict, List, Union

from bacalhau_client.api.base import BaseApi, data_only
from bacalhau_client.api.endpoints import BY_NAME
from bacalhau_client.models import PublicapiVersionRequest, PublicapiVersionResponse


class MiscApi(BaseApi):
    """The node's identity and version endpoints."""

    def api_serverid(self, **kwargs: Any) -> str:
        """``GET /id``: the node's libp2p peer ID."""
        return self.api_serverid_with_http_info(**data_only(kwargs))

    def api_serverid_with_http_info(self, **kwargs: Any):
        """Like :meth:`api_serverid`, returning ``(data, status, headers)``."""
        return self._call(BY_NAME["id"], kwargs)

    def api_serverpeers(self, **kwargs: Any) -> Dict[str, List[str]]:
        """``GET /peers``: for each pubsub topic, the peer IDs the node sees."""
        return self.api_serverpeers_with_http_info(**data_only(kwargs))

    def api_serverpeers_with_http_info(self, **kwargs: Any):
        """Like :meth:`api_serverpeers`, returning ``(data, status, headers)``."""
        return self._call(BY_NAME["peers"], kwargs)

    def api_serverversion(self, body: Union[PublicapiVersionRequest, dict, None] = None,
                          **kwargs: Any) -> PublicapiVersionResponse:
        """``POST /version``: the node's build (version, commit, date, platform)."""
        return self.api_serverversion_with_http_info(body, **data_only(kwargs))

    def api_serverversion_with_http_info(self, body: Union[PublicapiVersionRequest, dict, None] = None,
                                         **kwargs: Any):
        """Like :meth:`api_serverversion`, returning ``(data, status, headers)``."""
        return self._call(BY_NAME["version"], kwargs, PublicapiVersionRequest() if body is None else body)

    id = api_serverid
    id_with_http_info = api_serverid_with_http_info
    peers = api_serverpeers
    peers_with_http_info = api_serverpeers_with_http_info
    version = api_serverversion
    version_with_http_info = api_serverversion_with_http_info

