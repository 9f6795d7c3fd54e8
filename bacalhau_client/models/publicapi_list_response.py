"""PublicapiListResponse model."""

from bacalhau_client.models.base import Field, Model


class PublicapiListResponse(Model):
    """The answer of ``POST /list``."""

    _fields = (
        Field('jobs', 'jobs', 'list[ModelJob]', omitempty=False),
    )
