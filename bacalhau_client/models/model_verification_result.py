"""ModelVerificationResult model."""

from bacalhau_client.models.base import Field, Model


class ModelVerificationResult(Model):
    """Whether a shard's results were verified, and the verdict."""

    _fields = (
        Field('complete', 'Complete', 'bool'),
        Field('result', 'Result', 'bool'),
    )
