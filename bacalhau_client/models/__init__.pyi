"""Types of bacalhau_client.models, written by scripts/gen_model_stubs.py."""

from typing import Tuple

from bacalhau_client.models.base import MODEL_REGISTRY as MODEL_REGISTRY
from bacalhau_client.models.base import Field as Field
from bacalhau_client.models.base import Model as Model
from bacalhau_client.models.enums import (
    APIVersion as APIVersion,
    Engine as Engine,
    JobEventType as JobEventType,
    JobLocalEventType as JobLocalEventType,
    JobStateType as JobStateType,
    Publisher as Publisher,
    StorageSourceType as StorageSourceType,
    Verifier as Verifier,
)
from bacalhau_client.models.timestamp import Timestamp as Timestamp
from bacalhau_client.models.computenode_active_job import ComputenodeActiveJob as ComputenodeActiveJob
from bacalhau_client.models.model_build_version_info import ModelBuildVersionInfo as ModelBuildVersionInfo
from bacalhau_client.models.model_deal import ModelDeal as ModelDeal
from bacalhau_client.models.model_job import ModelJob as ModelJob
from bacalhau_client.models.model_job_create_payload import ModelJobCreatePayload as ModelJobCreatePayload
from bacalhau_client.models.model_job_event import ModelJobEvent as ModelJobEvent
from bacalhau_client.models.model_job_execution_plan import ModelJobExecutionPlan as ModelJobExecutionPlan
from bacalhau_client.models.model_job_local_event import ModelJobLocalEvent as ModelJobLocalEvent
from bacalhau_client.models.model_job_node_state import ModelJobNodeState as ModelJobNodeState
from bacalhau_client.models.model_job_shard_state import ModelJobShardState as ModelJobShardState
from bacalhau_client.models.model_job_sharding_config import ModelJobShardingConfig as ModelJobShardingConfig
from bacalhau_client.models.model_job_spec_docker import ModelJobSpecDocker as ModelJobSpecDocker
from bacalhau_client.models.model_job_spec_language import ModelJobSpecLanguage as ModelJobSpecLanguage
from bacalhau_client.models.model_job_spec_wasm import ModelJobSpecWasm as ModelJobSpecWasm
from bacalhau_client.models.model_job_state import ModelJobState as ModelJobState
from bacalhau_client.models.model_published_result import ModelPublishedResult as ModelPublishedResult
from bacalhau_client.models.model_resource_usage_config import ModelResourceUsageConfig as ModelResourceUsageConfig
from bacalhau_client.models.model_resource_usage_data import ModelResourceUsageData as ModelResourceUsageData
from bacalhau_client.models.model_run_command_result import ModelRunCommandResult as ModelRunCommandResult
from bacalhau_client.models.model_spec import ModelSpec as ModelSpec
from bacalhau_client.models.model_storage_spec import ModelStorageSpec as ModelStorageSpec
from bacalhau_client.models.model_verification_result import ModelVerificationResult as ModelVerificationResult
from bacalhau_client.models.publicapi_debug_response import PublicapiDebugResponse as PublicapiDebugResponse
from bacalhau_client.models.publicapi_events_request import PublicapiEventsRequest as PublicapiEventsRequest
from bacalhau_client.models.publicapi_events_response import PublicapiEventsResponse as PublicapiEventsResponse
from bacalhau_client.models.publicapi_list_request import PublicapiListRequest as PublicapiListRequest
from bacalhau_client.models.publicapi_list_response import PublicapiListResponse as PublicapiListResponse
from bacalhau_client.models.publicapi_local_events_request import PublicapiLocalEventsRequest as PublicapiLocalEventsRequest
from bacalhau_client.models.publicapi_local_events_response import PublicapiLocalEventsResponse as PublicapiLocalEventsResponse
from bacalhau_client.models.publicapi_results_response import PublicapiResultsResponse as PublicapiResultsResponse
from bacalhau_client.models.publicapi_state_request import PublicapiStateRequest as PublicapiStateRequest
from bacalhau_client.models.publicapi_state_response import PublicapiStateResponse as PublicapiStateResponse
from bacalhau_client.models.publicapi_submit_request import PublicapiSubmitRequest as PublicapiSubmitRequest
from bacalhau_client.models.publicapi_submit_response import PublicapiSubmitResponse as PublicapiSubmitResponse
from bacalhau_client.models.publicapi_version_request import PublicapiVersionRequest as PublicapiVersionRequest
from bacalhau_client.models.publicapi_version_response import PublicapiVersionResponse as PublicapiVersionResponse
from bacalhau_client.models.requesternode_active_job import RequesternodeActiveJob as RequesternodeActiveJob
from bacalhau_client.models.types_free_space import TypesFreeSpace as TypesFreeSpace
from bacalhau_client.models.types_health_info import TypesHealthInfo as TypesHealthInfo
from bacalhau_client.models.types_mount_status import TypesMountStatus as TypesMountStatus

MODEL_NAMES: Tuple[str, ...]

__all__ = [
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
    'APIVersion',
    'Engine',
    'Field',
    'JobEventType',
    'JobLocalEventType',
    'JobStateType',
    'Model',
    'Publisher',
    'StorageSourceType',
    'Timestamp',
    'Verifier',
]
