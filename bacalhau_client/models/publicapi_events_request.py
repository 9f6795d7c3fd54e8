"""PublicapiEventsRequest model."""

from bacalhau_client.models.base import Field, Model


class PublicapiEventsRequest(Model):
    """The body of ``POST /events``."""

    _fields = (
        Field('client_id', 'client_id', 'str', omitempty=False),
        Field('job_id', 'job_id', 'str', omitempty=False),
    )
