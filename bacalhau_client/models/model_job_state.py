"""ModelJobState model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Optional

from bacalhau_client.models.base import Model, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.model_job_node_state import ModelJobNodeState


class ModelJobState(Model):
    """A job's state across nodes, keyed by node ID."""

    nodes: Optional[Dict[str, ModelJobNodeState]] = field("Nodes")
