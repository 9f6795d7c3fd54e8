"""ModelResourceUsageConfig model."""

from __future__ import annotations

from typing import Optional

from bacalhau_client.models.base import Model, field


class ModelResourceUsageConfig(Model):
    """Resources a job asks for, as strings such as ``500m`` or ``1Gb``."""

    cpu: Optional[str] = field("CPU")
    memory: Optional[str] = field("Memory")
    disk: Optional[str] = field("Disk")
    gpu: Optional[str] = field("GPU", omitempty=False)
