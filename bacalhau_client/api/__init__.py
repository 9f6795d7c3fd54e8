"""One API class per tag of the node's API; :mod:`.endpoints` is the table of their endpoints.

The classes load on first use: naming one loads its module alone, and reading
:mod:`bacalhau_client.api.endpoints` imports none of them nor their models.
"""

from typing import TYPE_CHECKING, List

if TYPE_CHECKING:
    from bacalhau_client.api.health_api import HealthApi
    from bacalhau_client.api.job_api import JobApi
    from bacalhau_client.api.misc_api import MiscApi

__all__ = ["HealthApi", "JobApi", "MiscApi"]

_MODULES = {"HealthApi": "bacalhau_client.api.health_api", "JobApi": "bacalhau_client.api.job_api",
            "MiscApi": "bacalhau_client.api.misc_api"}


def __getattr__(name: str):
    if name not in _MODULES:
        raise AttributeError("module %r has no attribute %r" % (__name__, name))
    import importlib

    value = getattr(importlib.import_module(_MODULES[name]), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(__all__))
