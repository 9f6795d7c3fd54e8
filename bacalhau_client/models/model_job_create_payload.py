"""ModelJobCreatePayload model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from bacalhau_client.models.base import Model, Nested, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.model_job import ModelJob


class ModelJobCreatePayload(Model):
    """The signed part of a submission (``data``): the client's ID and the job."""

    client_id: Optional[str] = field("ClientID")
    job: Nested[ModelJob] = field("Job", pointer=True)
    context: Optional[str] = field("Context")
