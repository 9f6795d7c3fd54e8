"""Types of ModelJobShardState, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.model_run_command_result import ModelRunCommandResult
from bacalhau_client.models.model_storage_spec import ModelStorageSpec
from bacalhau_client.models.model_verification_result import ModelVerificationResult


class ModelJobShardState(Model):
    _fields: Tuple[Field, ...]
    node_id: Optional[str]
    shard_index: Optional[int]
    state: Optional[str]
    status: Optional[str]
    verification_proposal: Optional[str]
    @property
    def verification_result(self) -> Optional[ModelVerificationResult]: ...
    @verification_result.setter
    def verification_result(self, value: Union[ModelVerificationResult, Dict[str, Any], None]) -> None: ...
    @property
    def published_results(self) -> Optional[ModelStorageSpec]: ...
    @published_results.setter
    def published_results(self, value: Union[ModelStorageSpec, Dict[str, Any], None]) -> None: ...
    @property
    def run_output(self) -> Optional[ModelRunCommandResult]: ...
    @run_output.setter
    def run_output(self, value: Union[ModelRunCommandResult, Dict[str, Any], None]) -> None: ...

    def __init__(
        self,
        node_id: Optional[str] = ...,
        shard_index: Optional[int] = ...,
        state: Optional[str] = ...,
        status: Optional[str] = ...,
        verification_proposal: Optional[str] = ...,
        verification_result: Union[ModelVerificationResult, Dict[str, Any], None] = ...,
        published_results: Union[ModelStorageSpec, Dict[str, Any], None] = ...,
        run_output: Union[ModelRunCommandResult, Dict[str, Any], None] = ...,
    ) -> None: ...
