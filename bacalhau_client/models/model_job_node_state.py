"""ModelJobNodeState model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Optional

from bacalhau_client.models.base import Model, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.model_job_shard_state import ModelJobShardState


class ModelJobNodeState(Model):
    """A job's shards on one node, keyed by shard index written as a decimal string."""

    shards: Optional[Dict[str, ModelJobShardState]] = field("Shards", int_keys=True)
