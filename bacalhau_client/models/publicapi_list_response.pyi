"""Types of PublicapiListResponse, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.model_job import ModelJob


class PublicapiListResponse(Model):
    _fields: Tuple[Field, ...]
    jobs: Optional[List[ModelJob]]

    def __init__(
        self,
        jobs: Optional[List[ModelJob]] = ...,
    ) -> None: ...
