"""ComputenodeActiveJob model."""

from bacalhau_client.models.base import Field, Model


class ComputenodeActiveJob(Model):
    """A job a compute node is running, as ``/debug`` reports it."""

    _fields = (
        Field('capacity_requirements', 'CapacityRequirements', 'ModelResourceUsageData', omitempty=False),
        Field('shard_id', 'ShardID', 'str', omitempty=False),
        Field('state', 'State', 'str', omitempty=False),
    )
