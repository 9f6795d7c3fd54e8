"""ModelDeal model."""

from bacalhau_client.models.base import Field, Model


class ModelDeal(Model):
    """What the submitter asks for: how many nodes run the job and how many must agree."""

    _fields = (
        Field('concurrency', 'Concurrency', 'int'),
        Field('confidence', 'Confidence', 'int'),
        Field('min_bids', 'MinBids', 'int'),
    )
