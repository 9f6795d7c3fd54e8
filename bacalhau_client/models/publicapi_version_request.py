"""PublicapiVersionRequest model."""

from bacalhau_client.models.base import Field, Model


class PublicapiVersionRequest(Model):
    """The body of ``POST /version``."""

    _fields = (
        Field('client_id', 'client_id', 'str', omitempty=False),
    )
