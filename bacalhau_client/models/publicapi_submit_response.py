"""PublicapiSubmitResponse model."""

from bacalhau_client.models.base import Field, Model


class PublicapiSubmitResponse(Model):
    """The answer of ``POST /submit``: the job as the node stored it."""

    _fields = (
        Field('job', 'job', 'ModelJob', omitempty=False),
    )
