"""PublicapiResultsResponse model."""

from bacalhau_client.models.base import Field, Model


class PublicapiResultsResponse(Model):
    """The answer of ``POST /results``: one entry per published shard."""

    _fields = (
        Field('results', 'results', 'list[ModelPublishedResult]', omitempty=False),
    )
