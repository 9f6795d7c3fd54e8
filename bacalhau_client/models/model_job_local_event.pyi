"""Types of ModelJobLocalEvent, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp


class ModelJobLocalEvent(Model):
    _fields: Tuple[Field, ...]
    event_name: Optional[str]
    job_id: Optional[str]
    shard_index: Optional[int]
    target_node_id: Optional[str]

    def __init__(
        self,
        event_name: Optional[str] = ...,
        job_id: Optional[str] = ...,
        shard_index: Optional[int] = ...,
        target_node_id: Optional[str] = ...,
    ) -> None: ...
