"""Types of ModelJobSpecLanguage, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.model_storage_spec import ModelStorageSpec


class ModelJobSpecLanguage(Model):
    _fields: Tuple[Field, ...]
    language: Optional[str]
    language_version: Optional[str]
    deterministic_execution: Optional[bool]
    @property
    def job_context(self) -> Optional[ModelStorageSpec]: ...
    @job_context.setter
    def job_context(self, value: Union[ModelStorageSpec, Dict[str, Any], None]) -> None: ...
    command: Optional[str]
    program_path: Optional[str]
    requirements_path: Optional[str]

    def __init__(
        self,
        language: Optional[str] = ...,
        language_version: Optional[str] = ...,
        deterministic_execution: Optional[bool] = ...,
        job_context: Union[ModelStorageSpec, Dict[str, Any], None] = ...,
        command: Optional[str] = ...,
        program_path: Optional[str] = ...,
        requirements_path: Optional[str] = ...,
    ) -> None: ...
