"""ModelJobExecutionPlan model."""

from __future__ import annotations

from typing import Optional

from bacalhau_client.models.base import Model, field


class ModelJobExecutionPlan(Model):
    """How a job is split: the number of shards."""

    shards_total: Optional[int] = field("ShardsTotal")
