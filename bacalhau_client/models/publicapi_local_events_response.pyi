"""Types of PublicapiLocalEventsResponse, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.model_job_local_event import ModelJobLocalEvent


class PublicapiLocalEventsResponse(Model):
    _fields: Tuple[Field, ...]
    local_events: Optional[List[ModelJobLocalEvent]]

    def __init__(
        self,
        local_events: Optional[List[ModelJobLocalEvent]] = ...,
    ) -> None: ...
