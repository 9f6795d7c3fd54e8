"""PublicapiEventsResponse model."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

from bacalhau_client.models.base import Model, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.model_job_event import ModelJobEvent


class PublicapiEventsResponse(Model):
    """The answer of ``POST /events``: the job's events in order."""

    events: Optional[List[ModelJobEvent]] = field("events", omitempty=False)
