"""Types of ModelSpec, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.model_job_sharding_config import ModelJobShardingConfig
from bacalhau_client.models.model_job_spec_docker import ModelJobSpecDocker
from bacalhau_client.models.model_job_spec_language import ModelJobSpecLanguage
from bacalhau_client.models.model_job_spec_wasm import ModelJobSpecWasm
from bacalhau_client.models.model_resource_usage_config import ModelResourceUsageConfig
from bacalhau_client.models.model_storage_spec import ModelStorageSpec


class ModelSpec(Model):
    _fields: Tuple[Field, ...]
    engine: Optional[str]
    verifier: Optional[str]
    publisher: Optional[str]
    @property
    def docker(self) -> Optional[ModelJobSpecDocker]: ...
    @docker.setter
    def docker(self, value: Union[ModelJobSpecDocker, Dict[str, Any], None]) -> None: ...
    @property
    def language(self) -> Optional[ModelJobSpecLanguage]: ...
    @language.setter
    def language(self, value: Union[ModelJobSpecLanguage, Dict[str, Any], None]) -> None: ...
    @property
    def wasm(self) -> Optional[ModelJobSpecWasm]: ...
    @wasm.setter
    def wasm(self, value: Union[ModelJobSpecWasm, Dict[str, Any], None]) -> None: ...
    @property
    def resources(self) -> Optional[ModelResourceUsageConfig]: ...
    @resources.setter
    def resources(self, value: Union[ModelResourceUsageConfig, Dict[str, Any], None]) -> None: ...
    timeout: Optional[float]
    inputs: Optional[List[ModelStorageSpec]]
    contexts: Optional[List[ModelStorageSpec]]
    outputs: Optional[List[ModelStorageSpec]]
    annotations: Optional[List[str]]
    @property
    def sharding(self) -> Optional[ModelJobShardingConfig]: ...
    @sharding.setter
    def sharding(self, value: Union[ModelJobShardingConfig, Dict[str, Any], None]) -> None: ...
    do_not_track: Optional[bool]

    def __init__(
        self,
        engine: Optional[str] = ...,
        verifier: Optional[str] = ...,
        publisher: Optional[str] = ...,
        docker: Union[ModelJobSpecDocker, Dict[str, Any], None] = ...,
        language: Union[ModelJobSpecLanguage, Dict[str, Any], None] = ...,
        wasm: Union[ModelJobSpecWasm, Dict[str, Any], None] = ...,
        resources: Union[ModelResourceUsageConfig, Dict[str, Any], None] = ...,
        timeout: Optional[float] = ...,
        inputs: Optional[List[ModelStorageSpec]] = ...,
        contexts: Optional[List[ModelStorageSpec]] = ...,
        outputs: Optional[List[ModelStorageSpec]] = ...,
        annotations: Optional[List[str]] = ...,
        sharding: Union[ModelJobShardingConfig, Dict[str, Any], None] = ...,
        do_not_track: Optional[bool] = ...,
    ) -> None: ...
