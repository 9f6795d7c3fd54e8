"""Python SDK for the Bacalhau requester node API (v1beta1).

>>> import bacalhau_client
>>> api = bacalhau_client.JobApi()              # the default public node
>>> api.list(bacalhau_client.PublicapiListRequest(client_id=my_client_id))

Signing (:mod:`bacalhau_client.signing`), the high-level :class:`Client` and
the local node (:mod:`bacalhau_client.devserver`) load on first use, so that
importing the package stays cheap and does not need ``cryptography``.
"""

__version__ = "1.0.0"

from typing import TYPE_CHECKING  # noqa: E402

from bacalhau_client.api import HealthApi, JobApi, MiscApi  # noqa: E402
from bacalhau_client.api_client import ApiClient  # noqa: E402
from bacalhau_client.configuration import Configuration  # noqa: E402
from bacalhau_client.exceptions import (  # noqa: E402
    ApiConnectionError, ApiDecodeError, ApiException, ApiSSLError, ApiTimeoutError, BadRequestError,
    NotFoundError, RateLimitError, ServerError,
)
from bacalhau_client.models import (  # noqa: E402,F401
    APIVersion, Engine, Field, JobEventType, JobLocalEventType, JobStateType, Model, Publisher,
    StorageSourceType, Timestamp, Verifier,
)
from bacalhau_client.models import MODEL_NAMES as _MODEL_NAMES, __all__ as _model_names  # noqa: E402

if TYPE_CHECKING:  # what the lazy names below are, for type checkers and editors
    from bacalhau_client.client import Client, JobFailed  # noqa: F401
    from bacalhau_client.devserver import LocalRequesterNode  # noqa: F401
    from bacalhau_client.models import *  # noqa: F401,F403
    from bacalhau_client.signing import UserKey, canonical_json, sign_submit_request  # noqa: F401

# Public names that load their module on first use: {name: module}. Models
# (ModelJob, ...) load the same way, through bacalhau_client.models.
_LAZY = {
    "Client": "bacalhau_client.client",
    "JobFailed": "bacalhau_client.client",
    "UserKey": "bacalhau_client.signing",
    "canonical_json": "bacalhau_client.signing",
    "sign_submit_request": "bacalhau_client.signing",
    "LocalRequesterNode": "bacalhau_client.devserver",
}


def __getattr__(name):
    if name in _MODEL_NAMES:
        module_name = "bacalhau_client.models"
    else:
        module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError("module 'bacalhau_client' has no attribute %r" % name)
    import importlib

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "ApiClient", "ApiConnectionError", "ApiDecodeError", "ApiException", "ApiSSLError", "ApiTimeoutError",
    "BadRequestError", "Configuration", "HealthApi", "JobApi", "MiscApi", "NotFoundError",
    "RateLimitError", "ServerError",
] + list(_model_names) + sorted(_LAZY)
