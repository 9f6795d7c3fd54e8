"""RequesternodeActiveJob model."""

from bacalhau_client.models.base import Field, Model


class RequesternodeActiveJob(Model):
    """A job a requester node is coordinating, as ``/debug`` reports it."""

    _fields = (
        Field('bidding_nodes_count', 'BiddingNodesCount', 'int'),
        Field('completed_nodes_count', 'CompletedNodesCount', 'int'),
        Field('shard_id', 'ShardID', 'str'),
        Field('state', 'State', 'str'),
    )
