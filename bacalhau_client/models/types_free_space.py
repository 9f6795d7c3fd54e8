"""TypesFreeSpace model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bacalhau_client.models.base import Model, Nested, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.types_mount_status import TypesMountStatus


class TypesFreeSpace(Model):
    """Free disk space of the node's mounts, from ``/healthz``."""

    ipfs_mount: Nested[TypesMountStatus] = field("IPFSMount", omitempty=False)
    root: Nested[TypesMountStatus] = field("root", omitempty=False)
    tmp: Nested[TypesMountStatus] = field("tmp", omitempty=False)
