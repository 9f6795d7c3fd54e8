"""Types of ModelDeal, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp


class ModelDeal(Model):
    _fields: Tuple[Field, ...]
    concurrency: Optional[int]
    confidence: Optional[int]
    min_bids: Optional[int]

    def __init__(
        self,
        concurrency: Optional[int] = ...,
        confidence: Optional[int] = ...,
        min_bids: Optional[int] = ...,
    ) -> None: ...
