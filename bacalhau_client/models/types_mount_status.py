"""TypesMountStatus model."""

from bacalhau_client.models.base import Field, Model


class TypesMountStatus(Model):
    """Space on one mount, in bytes."""

    _fields = (
        Field('all', 'All', 'int'),
        Field('free', 'Free', 'int'),
        Field('used', 'Used', 'int'),
    )
