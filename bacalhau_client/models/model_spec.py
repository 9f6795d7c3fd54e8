"""ModelSpec model."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

from bacalhau_client.models.base import Model, Nested, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.model_job_sharding_config import ModelJobShardingConfig
    from bacalhau_client.models.model_job_spec_docker import ModelJobSpecDocker
    from bacalhau_client.models.model_job_spec_language import ModelJobSpecLanguage
    from bacalhau_client.models.model_job_spec_wasm import ModelJobSpecWasm
    from bacalhau_client.models.model_resource_usage_config import ModelResourceUsageConfig
    from bacalhau_client.models.model_storage_spec import ModelStorageSpec


class ModelSpec(Model):
    """What to run and how: engine, verifier, publisher, engine settings, volumes and limits."""

    engine: Optional[str] = field("Engine", enum="Engine")
    verifier: Optional[str] = field("Verifier", enum="Verifier")
    publisher: Optional[str] = field("Publisher", enum="Publisher")
    docker: Nested[ModelJobSpecDocker] = field("Docker")
    language: Nested[ModelJobSpecLanguage] = field("Language")
    wasm: Nested[ModelJobSpecWasm] = field("Wasm")
    resources: Nested[ModelResourceUsageConfig] = field("Resources")
    timeout: Optional[float] = field("Timeout")
    inputs: Optional[List[ModelStorageSpec]] = field("inputs")
    contexts: Optional[List[ModelStorageSpec]] = field("Contexts")
    outputs: Optional[List[ModelStorageSpec]] = field("outputs")
    annotations: Optional[List[str]] = field("Annotations")
    sharding: Nested[ModelJobShardingConfig] = field("Sharding")
    do_not_track: Optional[bool] = field("DoNotTrack")
