"""Types of PublicapiResultsResponse, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.model_published_result import ModelPublishedResult


class PublicapiResultsResponse(Model):
    _fields: Tuple[Field, ...]
    results: Optional[List[ModelPublishedResult]]

    def __init__(
        self,
        results: Optional[List[ModelPublishedResult]] = ...,
    ) -> None: ...
