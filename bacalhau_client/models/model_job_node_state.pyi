"""Types of ModelJobNodeState, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.model_job_shard_state import ModelJobShardState


class ModelJobNodeState(Model):
    _fields: Tuple[Field, ...]
    shards: Optional[Dict[str, ModelJobShardState]]

    def __init__(
        self,
        shards: Optional[Dict[str, ModelJobShardState]] = ...,
    ) -> None: ...
