"""PublicapiLocalEventsResponse model."""

from bacalhau_client.models.base import Field, Model


class PublicapiLocalEventsResponse(Model):
    """The answer of ``POST /local_events``."""

    _fields = (
        Field('local_events', 'localEvents', 'list[ModelJobLocalEvent]', omitempty=False),
    )
