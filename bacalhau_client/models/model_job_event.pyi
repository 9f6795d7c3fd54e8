"""Types of ModelJobEvent, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.model_deal import ModelDeal
from bacalhau_client.models.model_job_execution_plan import ModelJobExecutionPlan
from bacalhau_client.models.model_run_command_result import ModelRunCommandResult
from bacalhau_client.models.model_spec import ModelSpec
from bacalhau_client.models.model_storage_spec import ModelStorageSpec
from bacalhau_client.models.model_verification_result import ModelVerificationResult


class ModelJobEvent(Model):
    _fields: Tuple[Field, ...]
    api_version: Optional[str]
    job_id: Optional[str]
    shard_index: Optional[int]
    client_id: Optional[str]
    source_node_id: Optional[str]
    target_node_id: Optional[str]
    event_name: Optional[str]
    @property
    def spec(self) -> Optional[ModelSpec]: ...
    @spec.setter
    def spec(self, value: Union[ModelSpec, Dict[str, Any], None]) -> None: ...
    @property
    def job_execution_plan(self) -> Optional[ModelJobExecutionPlan]: ...
    @job_execution_plan.setter
    def job_execution_plan(self, value: Union[ModelJobExecutionPlan, Dict[str, Any], None]) -> None: ...
    @property
    def deal(self) -> Optional[ModelDeal]: ...
    @deal.setter
    def deal(self, value: Union[ModelDeal, Dict[str, Any], None]) -> None: ...
    status: Optional[str]
    verification_proposal: Optional[str]
    @property
    def verification_result(self) -> Optional[ModelVerificationResult]: ...
    @verification_result.setter
    def verification_result(self, value: Union[ModelVerificationResult, Dict[str, Any], None]) -> None: ...
    @property
    def published_result(self) -> Optional[ModelStorageSpec]: ...
    @published_result.setter
    def published_result(self, value: Union[ModelStorageSpec, Dict[str, Any], None]) -> None: ...
    @property
    def event_time(self) -> Optional[Timestamp]: ...
    @event_time.setter
    def event_time(self, value: Union[datetime, str, None]) -> None: ...
    sender_public_key: Optional[str]
    @property
    def run_output(self) -> Optional[ModelRunCommandResult]: ...
    @run_output.setter
    def run_output(self, value: Union[ModelRunCommandResult, Dict[str, Any], None]) -> None: ...

    def __init__(
        self,
        api_version: Optional[str] = ...,
        job_id: Optional[str] = ...,
        shard_index: Optional[int] = ...,
        client_id: Optional[str] = ...,
        source_node_id: Optional[str] = ...,
        target_node_id: Optional[str] = ...,
        event_name: Optional[str] = ...,
        spec: Union[ModelSpec, Dict[str, Any], None] = ...,
        job_execution_plan: Union[ModelJobExecutionPlan, Dict[str, Any], None] = ...,
        deal: Union[ModelDeal, Dict[str, Any], None] = ...,
        status: Optional[str] = ...,
        verification_proposal: Optional[str] = ...,
        verification_result: Union[ModelVerificationResult, Dict[str, Any], None] = ...,
        published_result: Union[ModelStorageSpec, Dict[str, Any], None] = ...,
        event_time: Union[datetime, str, None] = ...,
        sender_public_key: Optional[str] = ...,
        run_output: Union[ModelRunCommandResult, Dict[str, Any], None] = ...,
    ) -> None: ...
