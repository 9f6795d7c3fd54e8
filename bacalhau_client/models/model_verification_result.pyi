"""Types of ModelVerificationResult, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp


class ModelVerificationResult(Model):
    _fields: Tuple[Field, ...]
    complete: Optional[bool]
    result: Optional[bool]

    def __init__(
        self,
        complete: Optional[bool] = ...,
        result: Optional[bool] = ...,
    ) -> None: ...
