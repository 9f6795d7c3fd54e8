"""PublicapiStateRequest model."""

from bacalhau_client.models.base import Field, Model


class PublicapiStateRequest(Model):
    """The body of ``POST /states`` and ``POST /results``."""

    _fields = (
        Field('client_id', 'client_id', 'str', omitempty=False),
        Field('job_id', 'job_id', 'str', omitempty=False),
    )
