"""ModelResourceUsageData model."""

from __future__ import annotations

from typing import Optional

from bacalhau_client.models.base import Model, field


class ModelResourceUsageData(Model):
    """Resources in numbers: CPU cores and bytes of memory and disk, GPUs."""

    cpu: Optional[float] = field("CPU")
    memory: Optional[int] = field("Memory", unsigned=True)
    disk: Optional[int] = field("Disk", unsigned=True)
    gpu: Optional[int] = field("GPU", unsigned=True)
