"""Types of ModelStorageSpec, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp


class ModelStorageSpec(Model):
    _fields: Tuple[Field, ...]
    storage_source: Optional[str]
    name: Optional[str]
    cid: Optional[str]
    url: Optional[str]
    path: Optional[str]
    metadata: Optional[Dict[str, str]]

    def __init__(
        self,
        storage_source: Optional[str] = ...,
        name: Optional[str] = ...,
        cid: Optional[str] = ...,
        url: Optional[str] = ...,
        path: Optional[str] = ...,
        metadata: Optional[Dict[str, str]] = ...,
    ) -> None: ...
