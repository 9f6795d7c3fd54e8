"""PublicapiVersionResponse model."""

from bacalhau_client.models.base import Field, Model


class PublicapiVersionResponse(Model):
    """The answer of ``POST /version``."""

    _fields = (
        Field('build_version_info', 'build_version_info', 'ModelBuildVersionInfo', omitempty=False),
    )
