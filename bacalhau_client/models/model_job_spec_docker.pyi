"""Types of ModelJobSpecDocker, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp


class ModelJobSpecDocker(Model):
    _fields: Tuple[Field, ...]
    image: Optional[str]
    entrypoint: Optional[List[str]]
    environment_variables: Optional[List[str]]
    working_directory: Optional[str]

    def __init__(
        self,
        image: Optional[str] = ...,
        entrypoint: Optional[List[str]] = ...,
        environment_variables: Optional[List[str]] = ...,
        working_directory: Optional[str] = ...,
    ) -> None: ...
