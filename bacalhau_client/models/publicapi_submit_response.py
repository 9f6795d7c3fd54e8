"""PublicapiSubmitResponse model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bacalhau_client.models.base import Model, Nested, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.model_job import ModelJob


class PublicapiSubmitResponse(Model):
    """The answer of ``POST /submit``: the job as the node stored it."""

    job: Nested[ModelJob] = field("job", omitempty=False)
