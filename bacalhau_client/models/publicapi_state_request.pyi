"""Types of PublicapiStateRequest, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp


class PublicapiStateRequest(Model):
    _fields: Tuple[Field, ...]
    client_id: Optional[str]
    job_id: Optional[str]

    def __init__(
        self,
        client_id: Optional[str] = ...,
        job_id: Optional[str] = ...,
    ) -> None: ...
