"""ModelJobState model."""

from bacalhau_client.models.base import Field, Model


class ModelJobState(Model):
    """A job's state across nodes, keyed by node ID."""

    _fields = (
        Field('nodes', 'Nodes', 'dict(str, ModelJobNodeState)'),
    )
