"""PublicapiStateResponse model."""

from bacalhau_client.models.base import Field, Model


class PublicapiStateResponse(Model):
    """The answer of ``POST /states``."""

    _fields = (
        Field('state', 'state', 'ModelJobState', omitempty=False),
    )
