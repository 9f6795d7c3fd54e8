"""Types of ModelJobShardingConfig, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp


class ModelJobShardingConfig(Model):
    _fields: Tuple[Field, ...]
    glob_pattern: Optional[str]
    batch_size: Optional[int]
    glob_pattern_base_path: Optional[str]

    def __init__(
        self,
        glob_pattern: Optional[str] = ...,
        batch_size: Optional[int] = ...,
        glob_pattern_base_path: Optional[str] = ...,
    ) -> None: ...
