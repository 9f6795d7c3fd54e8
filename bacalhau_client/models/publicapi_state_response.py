"""PublicapiStateResponse model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bacalhau_client.models.base import Model, Nested, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.model_job_state import ModelJobState


class PublicapiStateResponse(Model):
    """The answer of ``POST /states``."""

    state: Nested[ModelJobState] = field("state", omitempty=False)
