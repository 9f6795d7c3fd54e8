"""Types of RequesternodeActiveJob, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp


class RequesternodeActiveJob(Model):
    _fields: Tuple[Field, ...]
    bidding_nodes_count: Optional[int]
    completed_nodes_count: Optional[int]
    shard_id: Optional[str]
    state: Optional[str]

    def __init__(
        self,
        bidding_nodes_count: Optional[int] = ...,
        completed_nodes_count: Optional[int] = ...,
        shard_id: Optional[str] = ...,
        state: Optional[str] = ...,
    ) -> None: ...
