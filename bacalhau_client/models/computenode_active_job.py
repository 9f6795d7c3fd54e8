"""ComputenodeActiveJob model."""

from bacalhau_client.models.base import Field, Model


class ComputenodeActiveJob(Model):
    """A job a compute node is running, as ``/debug`` reports it."""

    _fields = (
        Field('capacity_requirements', 'CapacityRequirements', 'ModelResourceUsageData'),
        Field('shard_id', 'ShardID', 'str'),
        Field('state', 'State', 'str'),
    )
