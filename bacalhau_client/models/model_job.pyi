"""Types of ModelJob, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.model_deal import ModelDeal
from bacalhau_client.models.model_job_event import ModelJobEvent
from bacalhau_client.models.model_job_execution_plan import ModelJobExecutionPlan
from bacalhau_client.models.model_job_local_event import ModelJobLocalEvent
from bacalhau_client.models.model_job_state import ModelJobState
from bacalhau_client.models.model_spec import ModelSpec


class ModelJob(Model):
    _fields: Tuple[Field, ...]
    api_version: Optional[str]
    id: Optional[str]
    requester_node_id: Optional[str]
    requester_public_key: Optional[str]
    client_id: Optional[str]
    @property
    def spec(self) -> Optional[ModelSpec]: ...
    @spec.setter
    def spec(self, value: Union[ModelSpec, Dict[str, Any], None]) -> None: ...
    @property
    def deal(self) -> Optional[ModelDeal]: ...
    @deal.setter
    def deal(self, value: Union[ModelDeal, Dict[str, Any], None]) -> None: ...
    @property
    def execution_plan(self) -> Optional[ModelJobExecutionPlan]: ...
    @execution_plan.setter
    def execution_plan(self, value: Union[ModelJobExecutionPlan, Dict[str, Any], None]) -> None: ...
    @property
    def created_at(self) -> Optional[Timestamp]: ...
    @created_at.setter
    def created_at(self, value: Union[datetime, str, None]) -> None: ...
    @property
    def job_state(self) -> Optional[ModelJobState]: ...
    @job_state.setter
    def job_state(self, value: Union[ModelJobState, Dict[str, Any], None]) -> None: ...
    job_events: Optional[List[ModelJobEvent]]
    local_job_events: Optional[List[ModelJobLocalEvent]]

    def __init__(
        self,
        api_version: Optional[str] = ...,
        id: Optional[str] = ...,
        requester_node_id: Optional[str] = ...,
        requester_public_key: Optional[str] = ...,
        client_id: Optional[str] = ...,
        spec: Union[ModelSpec, Dict[str, Any], None] = ...,
        deal: Union[ModelDeal, Dict[str, Any], None] = ...,
        execution_plan: Union[ModelJobExecutionPlan, Dict[str, Any], None] = ...,
        created_at: Union[datetime, str, None] = ...,
        job_state: Union[ModelJobState, Dict[str, Any], None] = ...,
        job_events: Optional[List[ModelJobEvent]] = ...,
        local_job_events: Optional[List[ModelJobLocalEvent]] = ...,
    ) -> None: ...
