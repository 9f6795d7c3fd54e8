"""Every endpoint of the node's API, once: its names, HTTP method, path and the types it sends and returns.

The API classes call through this table, the retry policy takes its read-only
set from it, and the docs and tests are checked against it. It imports
nothing, so any layer may read it.

>>> by_path("/states").seed_name
'pkgpublicapistates'
>>> sorted(READ_ONLY_PATHS - {"/livez", "/readyz", "/healthz", "/logz", "/varz", "/debug", "/id", "/peers"})
['/events', '/list', '/local_events', '/results', '/states', '/version']
"""

from typing import Dict, FrozenSet, NamedTuple, Optional, Tuple

__all__ = ["BY_NAME", "ENDPOINTS", "Endpoint", "READ_ONLY_PATHS", "by_path"]


class Endpoint(NamedTuple):
    """One endpoint of the node.

    ``api`` is the class that exposes it, ``name`` its short alias (also the
    name errors use), ``seed_name`` the method name of the original generated
    client. ``body_type`` is the request model (``None``: no body),
    ``response_type`` the type the answer is read as (``"str"``: text).
    ``read_only`` endpoints change nothing on the node, so a request that may
    have reached it can be sent again; ``/submit`` creates a job and cannot.
    """

    api: str
    name: str
    seed_name: str
    method: str
    path: str
    body_type: Optional[str]
    response_type: str
    read_only: bool = True

    @property
    def text(self) -> bool:
        """Whether the node answers with plain text instead of JSON."""
        return self.response_type == "str"


ENDPOINTS: Tuple[Endpoint, ...] = (
    Endpoint("JobApi", "submit", "pkgapi_server_submit", "POST", "/submit", "PublicapiSubmitRequest",
             "PublicapiSubmitResponse", read_only=False),
    Endpoint("JobApi", "list", "pkgpublicapi_list", "POST", "/list", "PublicapiListRequest", "PublicapiListResponse"),
    Endpoint("JobApi", "events", "pkgpublicapievents", "POST", "/events", "PublicapiEventsRequest",
             "PublicapiEventsResponse"),
    Endpoint("JobApi", "local_events", "pkgpublicapilocal_events", "POST", "/local_events",
             "PublicapiLocalEventsRequest", "PublicapiLocalEventsResponse"),
    Endpoint("JobApi", "results", "pkgpublicapiresults", "POST", "/results", "PublicapiStateRequest",
             "PublicapiResultsResponse"),
    Endpoint("JobApi", "states", "pkgpublicapistates", "POST", "/states", "PublicapiStateRequest",
             "PublicapiStateResponse"),
    Endpoint("HealthApi", "livez", "api_serverlivez", "GET", "/livez", None, "str"),
    Endpoint("HealthApi", "readyz", "api_serverreadyz", "GET", "/readyz", None, "str"),
    Endpoint("HealthApi", "healthz", "api_serverhealthz", "GET", "/healthz", None, "TypesHealthInfo"),
    Endpoint("HealthApi", "logz", "api_serverlogz", "GET", "/logz", None, "str"),
    Endpoint("HealthApi", "varz", "api_servervarz", "GET", "/varz", None, "object"),
    Endpoint("HealthApi", "debug", "api_serverdebug", "GET", "/debug", None, "PublicapiDebugResponse"),
    # The node writes its ID as a JSON string ("Qm..."), so it is read as JSON.
    Endpoint("MiscApi", "id", "api_serverid", "GET", "/id", None, "object"),
    Endpoint("MiscApi", "peers", "api_serverpeers", "GET", "/peers", None, "dict(str, list[str])"),
    Endpoint("MiscApi", "version", "api_serverversion", "POST", "/version", "PublicapiVersionRequest",
             "PublicapiVersionResponse"),
)

BY_NAME: Dict[str, Endpoint] = {endpoint.name: endpoint for endpoint in ENDPOINTS}
_BY_PATH: Dict[str, Endpoint] = {endpoint.path: endpoint for endpoint in ENDPOINTS}
READ_ONLY_PATHS: FrozenSet[str] = frozenset(endpoint.path for endpoint in ENDPOINTS if endpoint.read_only)


def by_path(path: str) -> Optional[Endpoint]:
    """The endpoint served at ``path`` (``"/states"``), or ``None`` when the node serves nothing there."""
    return _BY_PATH.get(path)
