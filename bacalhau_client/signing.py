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
import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import Any, Dict, Union

from bacalhau_client.canonical import Payload, canonical_json, decode_payload, go_json, go_string, struct_plan
from bacalhau_client.models.model_job_create_payload import ModelJobCreatePayload
from bacalhau_client.models.publicapi_submit_request import PublicapiSubmitRequest
from bacalhau_client.validation import validate_job  # re-exported: its home used to be here

__all__ = [
    "UserKey", "canonical_json", "client_id_from_public_key", "encode_submit_request",
    "sign_submit_request", "validate_job", "verify_signature",
]


def sign_submit_request(payload: Payload, key: "UserKey") -> PublicapiSubmitRequest:
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


# ---------------------------------------------------------------------------
# Keys: the CLI's user_id.pem.
# ---------------------------------------------------------------------------

KEY_FILE_NAME = "user_id.pem"


def default_key_path() -> Path:
    """Where the ``bacalhau`` CLI keeps its key: ``$BACALHAU_DIR/user_id.pem``, else ``~/.bacalhau/user_id.pem``."""
    directory = os.environ.get("BACALHAU_DIR") or os.path.join(os.path.expanduser("~"), ".bacalhau")
    return Path(directory) / KEY_FILE_NAME


class UserKey:
    """The RSA key that identifies a user to the node, the same ``user_id.pem`` the CLI uses.

    >>> key = UserKey.default()          # loads, or creates like the CLI, ~/.bacalhau/user_id.pem
    >>> key.client_id                    # the ClientID jobs are listed under
    'ac13188e93c9...'

    The private key never appears in ``repr``, logs or errors.
    """

    __slots__ = ("_private_key", "client_id", "public_key")

    def __init__(self, private_key: Any):
        """Wrap a ``cryptography`` RSA private key; use :meth:`load`, :meth:`default` or :meth:`generate`."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise ValueError("UserKey: expected an RSA private key, got %s" % type(private_key).__name__)
        self._private_key = private_key
        public_der = private_key.public_key().public_bytes(serialization.Encoding.DER,
                                                           serialization.PublicFormat.PKCS1)
        self.public_key = base64.b64encode(public_der).decode("ascii")
        self.client_id = _client_id(private_key.public_key().public_numbers().n)

    def __repr__(self) -> str:
        return "UserKey(client_id=%r)" % self.client_id

    @classmethod
    def generate(cls) -> "UserKey":
        """A new RSA-2048 key, as the CLI generates one."""
        from cryptography.hazmat.primitives.asymmetric import rsa

        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @classmethod
    def from_pem(cls, data: bytes, source: str = "PEM data") -> "UserKey":
        """A key from PEM bytes: PKCS#1 (``RSA PRIVATE KEY``, as the CLI writes) or PKCS#8, unencrypted."""
        from cryptography.exceptions import UnsupportedAlgorithm
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        if isinstance(data, str):
            data = data.encode("utf-8")
        if b"ENCRYPTED" in data:
            raise ValueError("%s: the private key is encrypted; the bacalhau CLI uses an unencrypted key: "
                             "decrypt it with `openssl rsa -traditional -in <file> -out <new file>`" % source)
        try:
            private_key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            raise ValueError("%s: not an RSA private key in PEM format (expected '-----BEGIN RSA PRIVATE "
                             "KEY-----'); create a key with UserKey.generate().save(path)" % source) from None
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise ValueError("%s: not an RSA key (found %s); create an RSA key with UserKey.generate().save(path)"
                             % (source, type(private_key).__name__))
        return cls(private_key)

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"]) -> "UserKey":
        """Load a key file; refuse one that group or others may access, as ssh does."""
        path = os.fspath(path)
        try:
            with open(path, "rb") as key_file:
                mode = os.fstat(key_file.fileno()).st_mode
                data = key_file.read()
        except FileNotFoundError:
            raise ValueError("%s: no such key file; create one with UserKey.generate().save(%r), or use "
                             "UserKey.default()" % (path, path)) from None
        except OSError as error:
            raise ValueError("%s: cannot read the key file (%s); check the path and that this user may "
                             "read it" % (path, error.strerror or error)) from None
        if os.name == "posix" and mode & 0o077:
            raise ValueError("%s: the private key is accessible by group or others (mode %04o); "
                             "fix it with: chmod 600 %s" % (path, mode & 0o777, path))
        return cls.from_pem(data, source=path)

    @classmethod
    def default(cls) -> "UserKey":
        """The CLI's key (``$BACALHAU_DIR`` or ``~/.bacalhau``), created like the CLI does when missing."""
        path = default_key_path()
        if not path.exists():
            try:
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                _write_new_file(str(path), cls.generate()._pem())
            except FileExistsError:
                pass  # another process created it first: use theirs
            except OSError as error:
                raise ValueError("%s: cannot create the key file (%s); set BACALHAU_DIR to a writable "
                                 "directory" % (path, error.strerror or error)) from None
        return cls.load(path)

    def save(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Write the key as PKCS#1 PEM (as the CLI does), mode 0600; never overwrites an existing file."""
        path = os.fspath(path)
        try:
            _write_new_file(path, self._pem())
        except FileExistsError:
            raise ValueError("%s: a file already exists there; refusing to overwrite it" % path) from None
        except OSError as error:
            raise ValueError("%s: cannot write the key file (%s)" % (path, error.strerror or error)) from None

    def _pem(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self._private_key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.TraditionalOpenSSL,
                                               serialization.NoEncryption())

    def sign(self, data: bytes) -> str:
        """Base64 of the RSASSA-PKCS1-v1_5 SHA-256 signature of ``data``, as the node verifies it."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        if not isinstance(data, bytes):
            raise ValueError("sign: expected bytes (the canonical JSON), got %s" % type(data).__name__)
        return base64.b64encode(self._private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")


def _write_new_file(path: str, data: bytes) -> None:
    """Create ``path`` with mode 0600 holding ``data``; FileExistsError if it exists.

    The file appears complete or not at all: it is written under a temporary
    name (created exclusively, mode 0600) and hard-linked into place, which
    fails rather than replaces when ``path`` exists.
    """
    partial = "%s.%s.partial" % (path, secrets.token_hex(8))
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as new_file:
            new_file.write(data)
            new_file.flush()
            os.fsync(new_file.fileno())
        os.link(partial, path)
    finally:
        os.unlink(partial)


def _client_id(modulus: int) -> str:
    """The node's client ID: hex SHA-256 of the modulus' minimal big-endian bytes."""
    return hashlib.sha256(modulus.to_bytes((modulus.bit_length() + 7) // 8, "big")).hexdigest()


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
    return _client_id(_load_public_key(public_key_b64).public_numbers().n)


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
