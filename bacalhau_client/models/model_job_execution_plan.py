"""ModelJobExecutionPlan model."""

from bacalhau_client.models.base import Field, Model


class ModelJobExecutionPlan(Model):
    """How a job is split: the number of shards."""

    _fields = (
        Field('shards_total', 'ShardsTotal', 'int'),
    )
