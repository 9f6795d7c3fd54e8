"""TypesHealthInfo model."""

from bacalhau_client.models.base import Field, Model


class TypesHealthInfo(Model):
    """The body of ``GET /healthz``."""

    _fields = (
        Field('free_space', 'FreeSpace', 'TypesFreeSpace', omitempty=False),
    )
