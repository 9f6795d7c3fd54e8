"""ModelResourceUsageConfig model."""

from bacalhau_client.models.base import Field, Model


class ModelResourceUsageConfig(Model):
    """Resources a job asks for, as strings such as ``500m`` or ``1Gb``."""

    _fields = (
        Field('cpu', 'CPU', 'str'),
        Field('memory', 'Memory', 'str'),
        Field('disk', 'Disk', 'str'),
        Field('gpu', 'GPU', 'str', omitempty=False),
    )
