"""Types of PublicapiEventsResponse, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.model_job_event import ModelJobEvent


class PublicapiEventsResponse(Model):
    _fields: Tuple[Field, ...]
    events: Optional[List[ModelJobEvent]]

    def __init__(
        self,
        events: Optional[List[ModelJobEvent]] = ...,
    ) -> None: ...
