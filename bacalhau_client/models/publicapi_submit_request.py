"""PublicapiSubmitRequest model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from bacalhau_client.models.base import Model, Nested, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.model_job_create_payload import ModelJobCreatePayload


class PublicapiSubmitRequest(Model):
    """The body of ``POST /submit``: the payload, its signature and the signer's public key."""

    data: Nested[ModelJobCreatePayload] = field("data", omitempty=False)
    signature: Optional[str] = field("signature", omitempty=False)
    client_public_key: Optional[str] = field("client_public_key", omitempty=False)
