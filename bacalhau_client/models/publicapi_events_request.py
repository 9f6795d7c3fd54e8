"""PublicapiEventsRequest model."""

from __future__ import annotations

from typing import Optional

from bacalhau_client.models.base import Model, field


class PublicapiEventsRequest(Model):
    """The body of ``POST /events``."""

    client_id: Optional[str] = field("client_id", omitempty=False)
    job_id: Optional[str] = field("job_id", omitempty=False)
