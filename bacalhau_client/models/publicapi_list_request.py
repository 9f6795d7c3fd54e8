"""PublicapiListRequest model."""

from bacalhau_client.models.base import Field, Model


class PublicapiListRequest(Model):
    """The body of ``POST /list``. Note that ``max_jobs`` 0 returns no jobs."""

    _fields = (
        Field('id', 'id', 'str'),
        Field('client_id', 'client_id', 'str'),
        Field('max_jobs', 'max_jobs', 'int'),
        Field('return_all', 'return_all', 'bool'),
        Field('sort_by', 'sort_by', 'str'),
        Field('sort_reverse', 'sort_reverse', 'bool'),
    )
