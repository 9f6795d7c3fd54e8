"""PublicapiLocalEventsResponse model."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

from bacalhau_client.models.base import Model, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.model_job_local_event import ModelJobLocalEvent


class PublicapiLocalEventsResponse(Model):
    """The answer of ``POST /local_events``."""

    local_events: Optional[List[ModelJobLocalEvent]] = field("localEvents", omitempty=False)
