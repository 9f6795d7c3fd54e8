"""Types of ModelJobSpecWasm, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.model_storage_spec import ModelStorageSpec


class ModelJobSpecWasm(Model):
    _fields: Tuple[Field, ...]
    entry_point: Optional[str]
    parameters: Optional[List[str]]
    environment_variables: Optional[Dict[str, str]]
    import_modules: Optional[List[ModelStorageSpec]]

    def __init__(
        self,
        entry_point: Optional[str] = ...,
        parameters: Optional[List[str]] = ...,
        environment_variables: Optional[Dict[str, str]] = ...,
        import_modules: Optional[List[ModelStorageSpec]] = ...,
    ) -> None: ...
