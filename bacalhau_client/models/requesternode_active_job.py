"""RequesternodeActiveJob model."""

from bacalhau_client.models.base import Field, Model


class RequesternodeActiveJob(Model):
    """A job a requester node is coordinating, as ``/debug`` reports it."""

    _fields = (
        Field('bidding_nodes_count', 'BiddingNodesCount', 'int', omitempty=False),
        Field('completed_nodes_count', 'CompletedNodesCount', 'int', omitempty=False),
        Field('shard_id', 'ShardID', 'str', omitempty=False),
        Field('state', 'State', 'str', omitempty=False),
    )
