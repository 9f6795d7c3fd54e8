"""All models, one module per schema of the node's API.

A model's module is imported the first time the model is used (an attribute of
this package, a type string, ``from bacalhau_client.models import ModelJob``),
so that ``import bacalhau_client`` does not pay for forty modules up front.

Each model class declares its attributes with annotations and :func:`field`;
:func:`fields` gives a model's table (its :class:`Field` rows).
"""

from typing import TYPE_CHECKING, List

from bacalhau_client.models.base import MODEL_REGISTRY, Field, Model, Nested, Time, field, fields
from bacalhau_client.models.enums import (
    APIVersion, Engine, JobEventType, JobLocalEventType, JobStateType, Publisher, StorageSourceType, Verifier,
)
from bacalhau_client.models.timestamp import Timestamp

if TYPE_CHECKING:  # what the lazy names are, for type checkers and editors
    from bacalhau_client.models.computenode_active_job import ComputenodeActiveJob
    from bacalhau_client.models.model_build_version_info import ModelBuildVersionInfo
    from bacalhau_client.models.model_deal import ModelDeal
    from bacalhau_client.models.model_job import ModelJob
    from bacalhau_client.models.model_job_create_payload import ModelJobCreatePayload
    from bacalhau_client.models.model_job_event import ModelJobEvent
    from bacalhau_client.models.model_job_execution_plan import ModelJobExecutionPlan
    from bacalhau_client.models.model_job_local_event import ModelJobLocalEvent
    from bacalhau_client.models.model_job_node_state import ModelJobNodeState
    from bacalhau_client.models.model_job_shard_state import ModelJobShardState
    from bacalhau_client.models.model_job_sharding_config import ModelJobShardingConfig
    from bacalhau_client.models.model_job_spec_docker import ModelJobSpecDocker
    from bacalhau_client.models.model_job_spec_language import ModelJobSpecLanguage
    from bacalhau_client.models.model_job_spec_wasm import ModelJobSpecWasm
    from bacalhau_client.models.model_job_state import ModelJobState
    from bacalhau_client.models.model_published_result import ModelPublishedResult
    from bacalhau_client.models.model_resource_usage_config import ModelResourceUsageConfig
    from bacalhau_client.models.model_resource_usage_data import ModelResourceUsageData
    from bacalhau_client.models.model_run_command_result import ModelRunCommandResult
    from bacalhau_client.models.model_spec import ModelSpec
    from bacalhau_client.models.model_storage_spec import ModelStorageSpec
    from bacalhau_client.models.model_verification_result import ModelVerificationResult
    from bacalhau_client.models.publicapi_debug_response import PublicapiDebugResponse
    from bacalhau_client.models.publicapi_events_request import PublicapiEventsRequest
    from bacalhau_client.models.publicapi_events_response import PublicapiEventsResponse
    from bacalhau_client.models.publicapi_list_request import PublicapiListRequest
    from bacalhau_client.models.publicapi_list_response import PublicapiListResponse
    from bacalhau_client.models.publicapi_local_events_request import PublicapiLocalEventsRequest
    from bacalhau_client.models.publicapi_local_events_response import PublicapiLocalEventsResponse
    from bacalhau_client.models.publicapi_results_response import PublicapiResultsResponse
    from bacalhau_client.models.publicapi_state_request import PublicapiStateRequest
    from bacalhau_client.models.publicapi_state_response import PublicapiStateResponse
    from bacalhau_client.models.publicapi_submit_request import PublicapiSubmitRequest
    from bacalhau_client.models.publicapi_submit_response import PublicapiSubmitResponse
    from bacalhau_client.models.publicapi_version_request import PublicapiVersionRequest
    from bacalhau_client.models.publicapi_version_response import PublicapiVersionResponse
    from bacalhau_client.models.requesternode_active_job import RequesternodeActiveJob
    from bacalhau_client.models.types_free_space import TypesFreeSpace
    from bacalhau_client.models.types_health_info import TypesHealthInfo
    from bacalhau_client.models.types_mount_status import TypesMountStatus

# The models: each lives in the module named for it in snake case, ModelJob in model_job.py.
__all__ = [
    "ComputenodeActiveJob",
    "ModelBuildVersionInfo",
    "ModelDeal",
    "ModelJob",
    "ModelJobCreatePayload",
    "ModelJobEvent",
    "ModelJobExecutionPlan",
    "ModelJobLocalEvent",
    "ModelJobNodeState",
    "ModelJobShardState",
    "ModelJobShardingConfig",
    "ModelJobSpecDocker",
    "ModelJobSpecLanguage",
    "ModelJobSpecWasm",
    "ModelJobState",
    "ModelPublishedResult",
    "ModelResourceUsageConfig",
    "ModelResourceUsageData",
    "ModelRunCommandResult",
    "ModelSpec",
    "ModelStorageSpec",
    "ModelVerificationResult",
    "PublicapiDebugResponse",
    "PublicapiEventsRequest",
    "PublicapiEventsResponse",
    "PublicapiListRequest",
    "PublicapiListResponse",
    "PublicapiLocalEventsRequest",
    "PublicapiLocalEventsResponse",
    "PublicapiResultsResponse",
    "PublicapiStateRequest",
    "PublicapiStateResponse",
    "PublicapiSubmitRequest",
    "PublicapiSubmitResponse",
    "PublicapiVersionRequest",
    "PublicapiVersionResponse",
    "RequesternodeActiveJob",
    "TypesFreeSpace",
    "TypesHealthInfo",
    "TypesMountStatus",
]
MODEL_NAMES = tuple(__all__)
__all__ += [
    "APIVersion", "Engine", "Field", "JobEventType", "JobLocalEventType", "JobStateType", "Model",
    "Publisher", "StorageSourceType", "Timestamp", "Verifier",
]  # field, fields, Nested and Time are for code that declares or inspects models: `import *` leaves them out

_MODEL_NAME_SET = frozenset(MODEL_NAMES)


def __getattr__(name: str):
    if name not in _MODEL_NAME_SET:
        raise AttributeError("module %r has no attribute %r" % (__name__, name))
    cls = MODEL_REGISTRY[name]
    globals()[name] = cls  # later lookups skip this function
    return cls


def __dir__() -> List[str]:
    return sorted(set(globals()) | _MODEL_NAME_SET)
