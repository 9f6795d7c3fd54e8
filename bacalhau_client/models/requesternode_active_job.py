"""RequesternodeActiveJob model."""

from __future__ import annotations

from typing import Optional

from bacalhau_client.models.base import Model, field


class RequesternodeActiveJob(Model):
    """A job a requester node is coordinating, as ``/debug`` reports it."""

    bidding_nodes_count: Optional[int] = field("BiddingNodesCount", omitempty=False)
    completed_nodes_count: Optional[int] = field("CompletedNodesCount", omitempty=False)
    shard_id: Optional[str] = field("ShardID", omitempty=False)
    state: Optional[str] = field("State", omitempty=False)
