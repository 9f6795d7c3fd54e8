"""Types of TypesMountStatus, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp


class TypesMountStatus(Model):
    _fields: Tuple[Field, ...]
    all: Optional[int]
    free: Optional[int]
    used: Optional[int]

    def __init__(
        self,
        all: Optional[int] = ...,
        free: Optional[int] = ...,
        used: Optional[int] = ...,
    ) -> None: ...
