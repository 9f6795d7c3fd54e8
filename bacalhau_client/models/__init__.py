"""All models, one module per schema of the node's API.

A model's module is imported the first time the model is used (an attribute of
this package, a type string, ``from bacalhau_client.models import ModelJob``),
so that ``import bacalhau_client`` does not pay for forty modules up front.
"""

from typing import List

from bacalhau_client.models.base import MODEL_REGISTRY, Field, Model
from bacalhau_client.models.enums import (
    APIVersion, Engine, JobEventType, JobLocalEventType, JobStateType, Publisher, StorageSourceType, Verifier,
)
from bacalhau_client.models.timestamp import Timestamp

# Each lives in the module named for it in snake case: ModelJob in model_job.py.
MODEL_NAMES = (
    'ComputenodeActiveJob',
    'ModelBuildVersionInfo',
    'ModelDeal',
    'ModelJob',
    'ModelJobCreatePayload',
    'ModelJobEvent',
    'ModelJobExecutionPlan',
    'ModelJobLocalEvent',
    'ModelJobNodeState',
    'ModelJobShardState',
    'ModelJobShardingConfig',
    'ModelJobSpecDocker',
    'ModelJobSpecLanguage',
    'ModelJobSpecWasm',
    'ModelJobState',
    'ModelPublishedResult',
    'ModelResourceUsageConfig',
    'ModelResourceUsageData',
    'ModelRunCommandResult',
    'ModelSpec',
    'ModelStorageSpec',
    'ModelVerificationResult',
    'PublicapiDebugResponse',
    'PublicapiEventsRequest',
    'PublicapiEventsResponse',
    'PublicapiListRequest',
    'PublicapiListResponse',
    'PublicapiLocalEventsRequest',
    'PublicapiLocalEventsResponse',
    'PublicapiResultsResponse',
    'PublicapiStateRequest',
    'PublicapiStateResponse',
    'PublicapiSubmitRequest',
    'PublicapiSubmitResponse',
    'PublicapiVersionRequest',
    'PublicapiVersionResponse',
    'RequesternodeActiveJob',
    'TypesFreeSpace',
    'TypesHealthInfo',
    'TypesMountStatus',
)

__all__ = list(MODEL_NAMES) + [
    "APIVersion", "Engine", "Field", "JobEventType", "JobLocalEventType", "JobStateType", "Model",
    "Publisher", "StorageSourceType", "Timestamp", "Verifier",
]

_MODEL_NAME_SET = frozenset(MODEL_NAMES)


def __getattr__(name: str):
    if name not in _MODEL_NAME_SET:
        raise AttributeError("module %r has no attribute %r" % (__name__, name))
    cls = MODEL_REGISTRY[name]
    globals()[name] = cls  # later lookups skip this function
    return cls


def __dir__() -> List[str]:
    return sorted(set(globals()) | _MODEL_NAME_SET)
