"""Types of PublicapiListRequest, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp


class PublicapiListRequest(Model):
    _fields: Tuple[Field, ...]
    id: Optional[str]
    client_id: Optional[str]
    max_jobs: Optional[int]
    return_all: Optional[bool]
    sort_by: Optional[str]
    sort_reverse: Optional[bool]

    def __init__(
        self,
        id: Optional[str] = ...,
        client_id: Optional[str] = ...,
        max_jobs: Optional[int] = ...,
        return_all: Optional[bool] = ...,
        sort_by: Optional[str] = ...,
        sort_reverse: Optional[bool] = ...,
    ) -> None: ...
