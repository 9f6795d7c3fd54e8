"""ModelJobShardingConfig model."""

from __future__ import annotations

from typing import Optional

from bacalhau_client.models.base import Model, field


class ModelJobShardingConfig(Model):
    """How input files are split into shards (glob pattern and batch size)."""

    glob_pattern: Optional[str] = field("GlobPattern")
    batch_size: Optional[int] = field("BatchSize")
    glob_pattern_base_path: Optional[str] = field("GlobPatternBasePath")
