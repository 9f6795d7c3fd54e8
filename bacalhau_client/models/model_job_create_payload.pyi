"""Types of ModelJobCreatePayload, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.model_job import ModelJob


class ModelJobCreatePayload(Model):
    _fields: Tuple[Field, ...]
    client_id: Optional[str]
    @property
    def job(self) -> Optional[ModelJob]: ...
    @job.setter
    def job(self, value: Union[ModelJob, Dict[str, Any], None]) -> None: ...
    context: Optional[str]

    def __init__(
        self,
        client_id: Optional[str] = ...,
        job: Union[ModelJob, Dict[str, Any], None] = ...,
        context: Optional[str] = ...,
    ) -> None: ...
