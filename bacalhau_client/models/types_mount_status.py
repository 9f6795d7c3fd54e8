"""TypesMountStatus model."""

from __future__ import annotations

from typing import Optional

from bacalhau_client.models.base import Model, field


class TypesMountStatus(Model):
    """Space on one mount, in bytes."""

    all: Optional[int] = field("All", omitempty=False)
    free: Optional[int] = field("Free", omitempty=False)
    used: Optional[int] = field("Used", omitempty=False)
