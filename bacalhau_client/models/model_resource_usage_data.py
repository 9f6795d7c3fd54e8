"""ModelResourceUsageData model."""

from bacalhau_client.models.base import Field, Model


class ModelResourceUsageData(Model):
    """Resources in numbers: CPU cores and bytes of memory and disk, GPUs."""

    _fields = (
        Field('cpu', 'CPU', 'float'),
        Field('memory', 'Memory', 'int', unsigned=True),
        Field('disk', 'Disk', 'int', unsigned=True),
        Field('gpu', 'GPU', 'int', unsigned=True),
    )
