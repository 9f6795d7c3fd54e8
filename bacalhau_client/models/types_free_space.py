"""TypesFreeSpace model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from bacalhau_client.models.base import Model, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.types_mount_status import TypesMountStatus


class TypesFreeSpace(Model):
    """Free disk space of the node's mounts, from ``/healthz``."""

    ipfs_mount: Optional[TypesMountStatus] = field("IPFSMount", omitempty=False)
    root: Optional[TypesMountStatus] = field("root", omitempty=False)
    tmp: Optional[TypesMountStatus] = field("tmp", omitempty=False)
