"""Types of ModelResourceUsageData, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp


class ModelResourceUsageData(Model):
    _fields: Tuple[Field, ...]
    cpu: Optional[float]
    memory: Optional[int]
    disk: Optional[int]
    gpu: Optional[int]

    def __init__(
        self,
        cpu: Optional[float] = ...,
        memory: Optional[int] = ...,
        disk: Optional[int] = ...,
        gpu: Optional[int] = ...,
    ) -> None: ...
