"""ModelJobShardingConfig model."""

from bacalhau_client.models.base import Field, Model


class ModelJobShardingConfig(Model):
    """How input files are split into shards (glob pattern and batch size)."""

    _fields = (
        Field('glob_pattern', 'GlobPattern', 'str'),
        Field('batch_size', 'BatchSize', 'int'),
        Field('glob_pattern_base_path', 'GlobPatternBasePath', 'str'),
    )
