"""PublicapiResultsResponse model."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

from bacalhau_client.models.base import Model, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.model_published_result import ModelPublishedResult


class PublicapiResultsResponse(Model):
    """The answer of ``POST /results``: one entry per published shard."""

    results: Optional[List[ModelPublishedResult]] = field("results", omitempty=False)
