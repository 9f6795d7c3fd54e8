"""Types of ModelResourceUsageConfig, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp


class ModelResourceUsageConfig(Model):
    _fields: Tuple[Field, ...]
    cpu: Optional[str]
    memory: Optional[str]
    disk: Optional[str]
    gpu: Optional[str]

    def __init__(
        self,
        cpu: Optional[str] = ...,
        memory: Optional[str] = ...,
        disk: Optional[str] = ...,
        gpu: Optional[str] = ...,
    ) -> None: ...
