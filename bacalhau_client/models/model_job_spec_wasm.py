"""ModelJobSpecWasm model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Optional

from bacalhau_client.models.base import Model, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.model_storage_spec import ModelStorageSpec


class ModelJobSpecWasm(Model):
    """The Wasm engine's settings: entry point, parameters, environment and imported modules."""

    entry_point: Optional[str] = field("EntryPoint")
    parameters: Optional[List[str]] = field("Parameters")
    environment_variables: Optional[Dict[str, str]] = field("EnvironmentVariables")
    import_modules: Optional[List[ModelStorageSpec]] = field("ImportModules")
