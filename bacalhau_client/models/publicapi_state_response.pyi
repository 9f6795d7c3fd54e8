"""Types of PublicapiStateResponse, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.model_job_state import ModelJobState


class PublicapiStateResponse(Model):
    _fields: Tuple[Field, ...]
    @property
    def state(self) -> Optional[ModelJobState]: ...
    @state.setter
    def state(self, value: Union[ModelJobState, Dict[str, Any], None]) -> None: ...

    def __init__(
        self,
        state: Union[ModelJobState, Dict[str, Any], None] = ...,
    ) -> None: ...
