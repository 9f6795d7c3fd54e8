"""ModelJobSpecLanguage model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from bacalhau_client.models.base import Model, Nested, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.model_storage_spec import ModelStorageSpec


class ModelJobSpecLanguage(Model):
    """The Language engine's settings: a program in a named language and version."""

    language: Optional[str] = field("Language")
    language_version: Optional[str] = field("LanguageVersion")
    deterministic_execution: Optional[bool] = field("DeterministicExecution")
    job_context: Nested[ModelStorageSpec] = field("JobContext")
    command: Optional[str] = field("Command")
    program_path: Optional[str] = field("ProgramPath")
    requirements_path: Optional[str] = field("RequirementsPath")
