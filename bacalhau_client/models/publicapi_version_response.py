"""PublicapiVersionResponse model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bacalhau_client.models.base import Model, Nested, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.model_build_version_info import ModelBuildVersionInfo


class PublicapiVersionResponse(Model):
    """The answer of ``POST /version``."""

    build_version_info: Nested[ModelBuildVersionInfo] = field("build_version_info", omitempty=False)
