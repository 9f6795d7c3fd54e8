"""Signing submissions exactly as the requester node checks them.

The node decodes ``data`` into its Go structs, re-encodes it with Go's
``json.Marshal`` and verifies the RSA signature over *those* bytes. So the SDK
signs the bytes Go would produce, and sends those very bytes as ``data``:

>>> from bacalhau_client.jobs import docker_job
>>> key = UserKey.default()                          # ~/.bacalhau/user_id.pem, as the CLI
>>> request = sign_submit_request(docker_job("ubuntu", ["date"]), key)
>>> JobApi().submit(request)

:func:`canonical_json` (from :mod:`bacalhau_client.canonical`) gives those
bytes. ``cryptography`` is imported only when a key is used.
"""

import base64
import binascii
import json
from typing import Any, Dict, Union

from bacalhau_client.canonical import Payload, canonical_json, decode_payload, go_json, go_string, struct_plan
# Keys live in bacalhau_client.keys; these names stay importable from here.
from bacalhau_client.keys import KEY_FILE_NAME, UserKey, client_id_for_modulus, default_key_path  # noqa: F401
from bacalhau_client.models.model_job_create_payload import ModelJobCreatePayload
from bacalhau_client.models.publicapi_submit_request import PublicapiSubmitRequest
from bacalhau_client.validation import validate_job  # re-exported: its home used to be here

__all__ = [
    "UserKey", "canonical_json", "client_id_from_public_key", "encode_submit_request",
    "sign_submit_request", "validate_job", "verify_signature",
]


def sign_submit_request(payload: Payload, key: UserKey) -> PublicapiSubmitRequest:
    """Sign ``payload`` with ``key`` into a request for ``JobApi.submit``.

    ``payload`` is a :class:`ModelJobCreatePayload`, a :class:`ModelJob` (the
    payload is then ``{"Job": job}``) or a payload dict in wire form. The
    payload's ``ClientID`` is set to the key's client ID when absent; a different
    one is refused, because the node would refuse it. Decoding and validation
    errors surface here, before anything is sent. The request's ``data`` holds
    exactly the signed canonical bytes.
    """
    tree = decode_payload(payload)
    client_id = tree.get("ClientID")
    if not client_id:
        tree = struct_plan("ModelJobCreatePayload").order(dict(tree, ClientID=key.client_id))
    elif client_id != key.client_id:
        raise ValueError("ClientID: the payload says %r but the signing key's client ID is %r; "
                         "leave ClientID out to use the key's" % (client_id, key.client_id))
    validate_job(tree)
    canonical = go_json(tree).encode("utf-8")
    return PublicapiSubmitRequest(data=ModelJobCreatePayload.from_wire(json.loads(canonical)),
                                  signature=key.sign(canonical), client_public_key=key.public_key)


def encode_submit_request(request: Union[PublicapiSubmitRequest, Dict[str, Any]]) -> bytes:
    """The body of ``POST /submit``: ``data`` as canonical bytes, then the signature and public key.

    Sending the canonical bytes themselves makes the request valid both for
    nodes that re-encode ``data`` and for nodes that verify the raw bytes.
    """
    if isinstance(request, PublicapiSubmitRequest):
        data, signature, public_key = request.data, request.signature, request.client_public_key
    elif isinstance(request, dict):
        data, signature, public_key = (request.get(name) for name in ("data", "signature", "client_public_key"))
    else:
        raise ValueError("submit request: expected a PublicapiSubmitRequest or a dict, got %s"
                         % type(request).__name__)
    if data is None:
        raise ValueError("submit request: data is missing; build the request with sign_submit_request()")
    for name, value in (("signature", signature), ("client_public_key", public_key)):
        if not isinstance(value, str) or not value:
            raise ValueError("submit request: %s is missing or empty; build the request with "
                             "sign_submit_request()" % name)
    return b"".join((b'{"data":', canonical_json(data), b',"signature":', go_json(go_string(signature)).encode(),
                     b',"client_public_key":', go_json(go_string(public_key)).encode(), b"}"))


def _load_public_key(public_key_b64: str) -> Any:
    """Parse a wire public key: base64 of a PKCS#1 ``RSAPublicKey`` (as Go's ParsePKCS1PublicKey)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    problem = "client_public_key: not a base64 PKCS#1 RSA public key"
    try:
        der = base64.b64decode(public_key_b64, validate=True)
        key = serialization.load_der_public_key(der)
    except (binascii.Error, ValueError, TypeError):
        raise ValueError(problem) from None
    if not isinstance(key, rsa.RSAPublicKey) or \
            key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1) != der:
        raise ValueError(problem)
    return key


def client_id_from_public_key(public_key_b64: str) -> str:
    """The client ID that belongs to a wire public key (``ValueError`` if it is not one)."""
    return client_id_for_modulus(_load_public_key(public_key_b64).public_numbers().n)


def verify_signature(public_key_b64: str, data: bytes, signature_b64: str) -> bool:
    """Whether ``signature_b64`` is the key's PKCS#1 v1.5 SHA-256 signature of ``data``.

    A malformed public key raises ``ValueError``; a malformed or wrong signature gives ``False``.
    """
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    key = _load_public_key(public_key_b64)
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except (binascii.Error, ValueError, TypeError, InvalidSignature):
        return False
    return True
