"""PublicapiLocalEventsRequest model."""

from bacalhau_client.models.base import Field, Model


class PublicapiLocalEventsRequest(Model):
    """The body of ``POST /local_events``."""

    _fields = (
        Field('client_id', 'client_id', 'str', omitempty=False),
        Field('job_id', 'job_id', 'str', omitempty=False),
    )
