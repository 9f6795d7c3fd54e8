"""PublicapiSubmitRequest model."""

from bacalhau_client.models.base import Field, Model


class PublicapiSubmitRequest(Model):
    """The body of ``POST /submit``: the payload, its signature and the signer's public key."""

    _fields = (
        Field('data', 'data', 'ModelJobCreatePayload', omitempty=False),
        Field('signature', 'signature', 'str', omitempty=False),
        Field('client_public_key', 'client_public_key', 'str', omitempty=False),
    )
