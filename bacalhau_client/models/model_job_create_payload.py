"""ModelJobCreatePayload model."""

from bacalhau_client.models.base import Field, Model


class ModelJobCreatePayload(Model):
    """The signed part of a submission (``data``): the client's ID and the job."""

    _fields = (
        Field('client_id', 'ClientID', 'str'),
        Field('job', 'Job', 'ModelJob', pointer=True),
        Field('context', 'Context', 'str'),
    )
