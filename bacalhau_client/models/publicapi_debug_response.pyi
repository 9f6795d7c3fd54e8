"""Types of PublicapiDebugResponse, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.computenode_active_job import ComputenodeActiveJob
from bacalhau_client.models.model_resource_usage_data import ModelResourceUsageData
from bacalhau_client.models.requesternode_active_job import RequesternodeActiveJob


class PublicapiDebugResponse(Model):
    _fields: Tuple[Field, ...]
    @property
    def available_compute_capacity(self) -> Optional[ModelResourceUsageData]: ...
    @available_compute_capacity.setter
    def available_compute_capacity(self, value: Union[ModelResourceUsageData, Dict[str, Any], None]) -> None: ...
    compute_jobs: Optional[List[ComputenodeActiveJob]]
    requester_jobs: Optional[List[RequesternodeActiveJob]]

    def __init__(
        self,
        available_compute_capacity: Union[ModelResourceUsageData, Dict[str, Any], None] = ...,
        compute_jobs: Optional[List[ComputenodeActiveJob]] = ...,
        requester_jobs: Optional[List[RequesternodeActiveJob]] = ...,
    ) -> None: ...
