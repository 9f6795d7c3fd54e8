"""ModelStorageSpec model."""

from bacalhau_client.models.base import Field, Model


class ModelStorageSpec(Model):
    """A volume: where its data lives (CID or URL) and where it is mounted."""

    _fields = (
        Field('storage_source', 'StorageSource', 'str', enum='StorageSourceType'),
        Field('name', 'Name', 'str'),
        Field('cid', 'CID', 'str'),
        Field('url', 'URL', 'str'),
        Field('path', 'path', 'str'),
        Field('metadata', 'Metadata', 'dict(str, str)'),
    )
