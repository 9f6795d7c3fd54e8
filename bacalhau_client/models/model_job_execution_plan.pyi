"""Types of ModelJobExecutionPlan, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp


class ModelJobExecutionPlan(Model):
    _fields: Tuple[Field, ...]
    shards_total: Optional[int]

    def __init__(
        self,
        shards_total: Optional[int] = ...,
    ) -> None: ...
