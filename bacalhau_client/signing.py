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
from typing import Any, Dict, Optional, Union

from bacalhau_client.canonical import Payload, canonical_json, decode_payload, go_json, go_string, struct_plan
# Keys live in bacalhau_client.keys; these names stay importable from here.
from bacalhau_client.keys import KEY_FILE_NAME, UserKey, client_id_for_modulus, default_key_path  # noqa: F401
from bacalhau_client.models import enums
from bacalhau_client.models.model_job_create_payload import ModelJobCreatePayload
from bacalhau_client.models.publicapi_submit_request import PublicapiSubmitRequest

__all__ = [
    "UserKey", "canonical_json", "client_id_from_public_key", "encode_submit_request",
    "sign_submit_request", "validate_job", "verify_signature",
]


def validate_job(payload: Payload) -> None:
    """Run the node's job validation on ``payload``; raise ``ValueError`` with the field and rule.

    The checks and their order are the node's, so a payload that passes is one
    the node accepts (``Job.Deal.Concurrency: must be >= 1, got 0`` otherwise).
    """
    _validate(decode_payload(payload))


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
    _validate(tree)
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


# ---------------------------------------------------------------------------
# Job validation, in the node's order.
# ---------------------------------------------------------------------------

def _validate(tree: Dict[str, Any]) -> None:
    job = tree.get("Job")
    if job is None:
        raise ValueError("Job: missing")
    spec, deal = job["Spec"], job["Deal"]
    if spec == struct_plan("ModelSpec").zero:
        raise ValueError("Job.Spec: must not be empty")
    if deal == struct_plan("ModelDeal").zero:
        raise ValueError("Job.Deal: must not be empty")
    concurrency, confidence = deal.get("Concurrency", 0), deal.get("Confidence", 0)
    if concurrency < 1:
        raise ValueError("Job.Deal.Concurrency: must be >= 1, got %d" % concurrency)
    if confidence < 0:
        raise ValueError("Job.Deal.Confidence: must be >= 0, got %d" % confidence)
    for key, enum in (("Engine", enums.Engine), ("Verifier", enums.Verifier), ("Publisher", enums.Publisher)):
        _require_enum("Job.Spec.%s" % key, spec.get(key), enum)
    if confidence > concurrency:
        raise ValueError("Job.Deal.Confidence: must be <= Concurrency (%d), got %d" % (concurrency, confidence))
    for index, volume in enumerate(spec.get("inputs") or ()):
        _require_enum("Job.Spec.inputs[%d].StorageSource" % index, volume.get("StorageSource"),
                      enums.StorageSourceType)


def _require_enum(path: str, value: Optional[str], enum: type) -> None:
    # Decoding already refused unknown names, so only "not set" remains to check.
    if not value:
        raise ValueError("%s: must be set to one of %s" % (path, ", ".join(enum.names)))


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
