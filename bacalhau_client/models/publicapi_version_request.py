"""PublicapiVersionRequest model."""

from __future__ import annotations

from typing import Optional

from bacalhau_client.models.base import Model, field


class PublicapiVersionRequest(Model):
    """The body of ``POST /version``."""

    client_id: Optional[str] = field("client_id", omitempty=False)
