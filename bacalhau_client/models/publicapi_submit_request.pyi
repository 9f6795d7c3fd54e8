"""Types of PublicapiSubmitRequest, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.model_job_create_payload import ModelJobCreatePayload


class PublicapiSubmitRequest(Model):
    _fields: Tuple[Field, ...]
    @property
    def data(self) -> Optional[ModelJobCreatePayload]: ...
    @data.setter
    def data(self, value: Union[ModelJobCreatePayload, Dict[str, Any], None]) -> None: ...
    signature: Optional[str]
    client_public_key: Optional[str]

    def __init__(
        self,
        data: Union[ModelJobCreatePayload, Dict[str, Any], None] = ...,
        signature: Optional[str] = ...,
        client_public_key: Optional[str] = ...,
    ) -> None: ...
