"""PublicapiListResponse model."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

from bacalhau_client.models.base import Model, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.model_job import ModelJob


class PublicapiListResponse(Model):
    """The answer of ``POST /list``."""

    jobs: Optional[List[ModelJob]] = field("jobs", omitempty=False)
