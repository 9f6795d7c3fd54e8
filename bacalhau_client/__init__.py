"""Python SDK for the Bacalhau requester node API (v1beta1).

>>> import bacalhau_client
>>> api = bacalhau_client.JobApi()              # the default public node
>>> api.list(bacalhau_client.PublicapiListRequest(client_id=my_client_id))

Every public name loads its module on first use, so ``import bacalhau_client``
costs almost nothing and needs neither ``cryptography`` nor the models: the
API classes, the models, signing, the high-level :class:`Client` and the local
node (:mod:`bacalhau_client.devserver`) are imported when first named.
"""

from typing import TYPE_CHECKING, List

from bacalhau_client._version import __version__  # noqa: F401 (the package version, public)

if TYPE_CHECKING:  # what the lazy names below are, for type checkers and editors
    from bacalhau_client.api import HealthApi, JobApi, MiscApi  # noqa: F401
    from bacalhau_client.api_client import ApiClient  # noqa: F401
    from bacalhau_client.client import Client  # noqa: F401
    from bacalhau_client.models.job_state import JobFailed  # noqa: F401
    from bacalhau_client.configuration import Configuration, enable_logging  # noqa: F401
    from bacalhau_client.devserver import LocalRequesterNode  # noqa: F401
    from bacalhau_client.exceptions import (  # noqa: F401
        ApiConnectionError, ApiDecodeError, ApiException, ApiSSLError, ApiTimeoutError, BadRequestError,
        NotFoundError, RateLimitError, ServerError,
    )
    from bacalhau_client.keys import UserKey  # noqa: F401
    from bacalhau_client.models import *  # noqa: F401,F403
    from bacalhau_client.retries import RetrySettings  # noqa: F401
    from bacalhau_client.signing import canonical_json, sign_submit_request  # noqa: F401

# Public names other than the models: {name: the module that defines it}. The
# models (ModelJob, ..., the enums, Timestamp) come from bacalhau_client.models.
_EXPORTS = {
    "HealthApi": "bacalhau_client.api",
    "JobApi": "bacalhau_client.api",
    "MiscApi": "bacalhau_client.api",
    "ApiClient": "bacalhau_client.api_client",
    "Configuration": "bacalhau_client.configuration",
    "enable_logging": "bacalhau_client.configuration",
    "RetrySettings": "bacalhau_client.retries",
    "ApiConnectionError": "bacalhau_client.exceptions",
    "ApiDecodeError": "bacalhau_client.exceptions",
    "ApiException": "bacalhau_client.exceptions",
    "ApiSSLError": "bacalhau_client.exceptions",
    "ApiTimeoutError": "bacalhau_client.exceptions",
    "BadRequestError": "bacalhau_client.exceptions",
    "NotFoundError": "bacalhau_client.exceptions",
    "RateLimitError": "bacalhau_client.exceptions",
    "ServerError": "bacalhau_client.exceptions",
    "Client": "bacalhau_client.client",
    "JobFailed": "bacalhau_client.models.job_state",
    "UserKey": "bacalhau_client.keys",
    "canonical_json": "bacalhau_client.signing",
    "sign_submit_request": "bacalhau_client.signing",
    "LocalRequesterNode": "bacalhau_client.devserver",
}


def _public_names() -> List[str]:
    from bacalhau_client import models

    return sorted(_EXPORTS) + list(models.__all__)


def __getattr__(name: str):
    import importlib

    if name == "__all__":  # what `from bacalhau_client import *` gives; the models' names load models
        value = _public_names()
    elif name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    elif name[:1].isupper():
        models = importlib.import_module("bacalhau_client.models")
        if name not in models.__all__:
            raise AttributeError("module %r has no attribute %r" % (__name__, name))
        value = getattr(models, name)
    elif name.startswith("__"):
        raise AttributeError("module %r has no attribute %r" % (__name__, name))
    else:  # a submodule, as `bacalhau_client.models` after a plain `import bacalhau_client`
        try:
            value = importlib.import_module("%s.%s" % (__name__, name))
        except ModuleNotFoundError as error:
            if error.name != "%s.%s" % (__name__, name):
                raise
            raise AttributeError("module %r has no attribute %r" % (__name__, name)) from None
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(_public_names()))
