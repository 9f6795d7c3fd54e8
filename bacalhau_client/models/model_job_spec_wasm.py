"""ModelJobSpecWasm model."""

from bacalhau_client.models.base import Field, Model


class ModelJobSpecWasm(Model):
    """The Wasm engine's settings: entry point, parameters, environment and imported modules."""

    _fields = (
        Field('entry_point', 'EntryPoint', 'str'),
        Field('parameters', 'Parameters', 'list[str]'),
        Field('environment_variables', 'EnvironmentVariables', 'dict(str, str)'),
        Field('import_modules', 'ImportModules', 'list[ModelStorageSpec]'),
    )
