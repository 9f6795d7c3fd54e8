"""TypesFreeSpace model."""

from bacalhau_client.models.base import Field, Model


class TypesFreeSpace(Model):
    """Free disk space of the node's mounts, from ``/healthz``."""

    _fields = (
        Field('ipfs_mount', 'IPFSMount', 'TypesMountStatus', omitempty=False),
        Field('root', 'root', 'TypesMountStatus', omitempty=False),
        Field('tmp', 'tmp', 'TypesMountStatus', omitempty=False),
    )
