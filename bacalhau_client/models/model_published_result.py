"""ModelPublishedResult model."""

from bacalhau_client.models.base import Field, Model


class ModelPublishedResult(Model):
    """Where one shard's results were published."""

    _fields = (
        Field('node_id', 'NodeID', 'str'),
        Field('shard_index', 'ShardIndex', 'int'),
        Field('data', 'Data', 'ModelStorageSpec'),
    )
