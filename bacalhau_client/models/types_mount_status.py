"""TypesMountStatus model."""

from bacalhau_client.models.base import Field, Model


class TypesMountStatus(Model):
    """Space on one mount, in bytes."""

    _fields = (
        Field('all', 'All', 'int', omitempty=False),
        Field('free', 'Free', 'int', omitempty=False),
        Field('used', 'Used', 'int', omitempty=False),
    )
