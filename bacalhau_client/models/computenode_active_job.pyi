"""Types of ComputenodeActiveJob, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.model_resource_usage_data import ModelResourceUsageData


class ComputenodeActiveJob(Model):
    _fields: Tuple[Field, ...]
    @property
    def capacity_requirements(self) -> Optional[ModelResourceUsageData]: ...
    @capacity_requirements.setter
    def capacity_requirements(self, value: Union[ModelResourceUsageData, Dict[str, Any], None]) -> None: ...
    shard_id: Optional[str]
    state: Optional[str]

    def __init__(
        self,
        capacity_requirements: Union[ModelResourceUsageData, Dict[str, Any], None] = ...,
        shard_id: Optional[str] = ...,
        state: Optional[str] = ...,
    ) -> None: ...
