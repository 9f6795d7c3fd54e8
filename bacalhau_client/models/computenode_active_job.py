"""ComputenodeActiveJob model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from bacalhau_client.models.base import Model, Nested, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.model_resource_usage_data import ModelResourceUsageData


class ComputenodeActiveJob(Model):
    """A job a compute node is running, as ``/debug`` reports it."""

    capacity_requirements: Nested[ModelResourceUsageData] = field("CapacityRequirements", omitempty=False)
    shard_id: Optional[str] = field("ShardID", omitempty=False)
    state: Optional[str] = field("State", omitempty=False)
