"""PublicapiListRequest model."""

from bacalhau_client.models.base import Field, Model


class PublicapiListRequest(Model):
    """The body of ``POST /list``. Note that ``max_jobs`` 0 returns no jobs."""

    _fields = (
        Field('id', 'id', 'str', omitempty=False),
        Field('client_id', 'client_id', 'str', omitempty=False),
        Field('max_jobs', 'max_jobs', 'int', omitempty=False),
        Field('return_all', 'return_all', 'bool', omitempty=False),
        Field('sort_by', 'sort_by', 'str', omitempty=False),
        Field('sort_reverse', 'sort_reverse', 'bool', omitempty=False),
    )
