"""ModelSpec model."""

from bacalhau_client.models.base import Field, Model


class ModelSpec(Model):
    """What to run and how: engine, verifier, publisher, engine settings, volumes and limits."""

    _fields = (
        Field('engine', 'Engine', 'str', enum='Engine'),
        Field('verifier', 'Verifier', 'str', enum='Verifier'),
        Field('publisher', 'Publisher', 'str', enum='Publisher'),
        Field('docker', 'Docker', 'ModelJobSpecDocker'),
        Field('language', 'Language', 'ModelJobSpecLanguage'),
        Field('wasm', 'Wasm', 'ModelJobSpecWasm'),
        Field('resources', 'Resources', 'ModelResourceUsageConfig'),
        Field('timeout', 'Timeout', 'float'),
        Field('inputs', 'inputs', 'list[ModelStorageSpec]'),
        Field('contexts', 'Contexts', 'list[ModelStorageSpec]'),
        Field('outputs', 'outputs', 'list[ModelStorageSpec]'),
        Field('annotations', 'Annotations', 'list[str]'),
        Field('sharding', 'Sharding', 'ModelJobShardingConfig'),
        Field('do_not_track', 'DoNotTrack', 'bool'),
    )
