"""PublicapiEventsResponse model."""

from bacalhau_client.models.base import Field, Model


class PublicapiEventsResponse(Model):
    """The answer of ``POST /events``: the job's events in order."""

    _fields = (
        Field('events', 'events', 'list[ModelJobEvent]', omitempty=False),
    )
