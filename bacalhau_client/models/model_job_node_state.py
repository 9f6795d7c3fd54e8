"""ModelJobNodeState model."""

from bacalhau_client.models.base import Field, Model


class ModelJobNodeState(Model):
    """A job's shards on one node, keyed by shard index written as a decimal string."""

    _fields = (
        Field('shards', 'Shards', 'dict(str, ModelJobShardState)', int_keys=True),
    )
