"""ModelJobSpecDocker model."""

from bacalhau_client.models.base import Field, Model


class ModelJobSpecDocker(Model):
    """The Docker engine's settings: image, entrypoint, environment, working directory."""

    _fields = (
        Field('image', 'Image', 'str'),
        Field('entrypoint', 'Entrypoint', 'list[str]'),
        Field('environment_variables', 'EnvironmentVariables', 'list[str]'),
        Field('working_directory', 'WorkingDirectory', 'str'),
    )
