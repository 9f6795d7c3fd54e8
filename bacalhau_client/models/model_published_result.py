"""ModelPublishedResult model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from bacalhau_client.models.base import Model, Nested, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.model_storage_spec import ModelStorageSpec


class ModelPublishedResult(Model):
    """Where one shard's results were published."""

    node_id: Optional[str] = field("NodeID")
    shard_index: Optional[int] = field("ShardIndex")
    data: Nested[ModelStorageSpec] = field("Data")
