"""Types of ModelPublishedResult, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.model_storage_spec import ModelStorageSpec


class ModelPublishedResult(Model):
    _fields: Tuple[Field, ...]
    node_id: Optional[str]
    shard_index: Optional[int]
    @property
    def data(self) -> Optional[ModelStorageSpec]: ...
    @data.setter
    def data(self, value: Union[ModelStorageSpec, Dict[str, Any], None]) -> None: ...

    def __init__(
        self,
        node_id: Optional[str] = ...,
        shard_index: Optional[int] = ...,
        data: Union[ModelStorageSpec, Dict[str, Any], None] = ...,
    ) -> None: ...
