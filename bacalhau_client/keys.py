"""The user's RSA key: where the CLI keeps it, loading it safely, creating it atomically.

>>> key = UserKey.default()          # loads, or creates like the CLI, ~/.bacalhau/user_id.pem
>>> key.client_id                    # the ClientID jobs are listed under
'032992becd1b...'

A key file is read only when it is a regular file of at most
:data:`MAX_KEY_FILE_BYTES`, so a FIFO, a device or a huge file given by mistake
fails at once instead of hanging or exhausting memory. ``cryptography`` is
imported only when a key is built.
"""

import base64
import hashlib
import os
import secrets
import stat
from pathlib import Path
from typing import Any, Union

__all__ = ["KEY_FILE_NAME", "MAX_KEY_BITS", "MAX_KEY_FILE_BYTES", "MIN_KEY_BITS", "UserKey", "client_id_for_modulus",
           "default_key_path"]

KEY_FILE_NAME = "user_id.pem"
# A PEM RSA-8192 key is about 6.5 KB; anything far larger is not a key file.
MAX_KEY_FILE_BYTES = 64 * 1024
# Below 2048 bits a key is breakable; above 8192 signing gets slow for no gain (the CLI makes 2048).
MIN_KEY_BITS = 2048
MAX_KEY_BITS = 8192


def default_key_path() -> Path:
    """Where the ``bacalhau`` CLI keeps its key: ``$BACALHAU_DIR/user_id.pem``, else ``~/.bacalhau/user_id.pem``."""
    directory = os.environ.get("BACALHAU_DIR") or os.path.join(os.path.expanduser("~"), ".bacalhau")
    return Path(directory) / KEY_FILE_NAME


def client_id_for_modulus(modulus: int) -> str:
    """The node's client ID for an RSA modulus: hex SHA-256 of its minimal big-endian bytes."""
    return hashlib.sha256(modulus.to_bytes((modulus.bit_length() + 7) // 8, "big")).hexdigest()


class UserKey:
    """The RSA key that identifies a user to the node, the same ``user_id.pem`` the CLI uses.

    >>> key = UserKey.default()          # loads, or creates like the CLI, ~/.bacalhau/user_id.pem
    >>> key.client_id                    # the ClientID jobs are listed under
    '032992becd1b...'

    The private key never appears in ``repr``, logs or errors. Keys of fewer
    than 2048 or more than 8192 bits are refused.
    """

    __slots__ = ("_private_key", "client_id", "public_key")

    def __init__(self, private_key: Any, *, source: str = "UserKey"):
        """Wrap a ``cryptography`` RSA private key; use :meth:`load`, :meth:`default` or :meth:`generate`."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise ValueError("%s: expected an RSA private key, got %s" % (source, type(private_key).__name__))
        if not MIN_KEY_BITS <= private_key.key_size <= MAX_KEY_BITS:
            raise _wrong_size(source, private_key.key_size)
        self._private_key = private_key
        public = private_key.public_key()
        public_der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
        self.public_key = base64.b64encode(public_der).decode("ascii")
        self.client_id = client_id_for_modulus(public.public_numbers().n)

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
        if len(data) > MAX_KEY_FILE_BYTES:
            raise _too_large(source, len(data))
        if b"ENCRYPTED" in data:
            raise ValueError("%s: the private key is encrypted; the bacalhau CLI uses an unencrypted key: "
                             "decrypt it with `openssl rsa -traditional -in <file> -out <new file>`" % source)
        _check_key_size(data, source)
        try:
            private_key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            raise ValueError("%s: not an RSA private key in PEM format (expected '-----BEGIN RSA PRIVATE "
                             "KEY-----'); create a key with UserKey.generate().save(path)" % source) from None
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise ValueError("%s: not an RSA key (found %s); create an RSA key with UserKey.generate().save(path)"
                             % (source, type(private_key).__name__))
        return cls(private_key, source=source)

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"]) -> "UserKey":
        """Load a key file; refuse one that group or others may access, as ssh does.

        Only a regular file of at most :data:`MAX_KEY_FILE_BYTES` is read: a
        directory, FIFO or device is refused before anything is read.
        """
        path = os.fspath(path)
        data, mode = _read_key_file(path)
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
                write_new_file(str(path), cls.generate()._pem())
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
            write_new_file(path, self._pem())
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


def _read_key_file(path: str):
    """``(bytes, mode)`` of a key file: a regular file, read up to the cap plus one byte to detect more.

    The file is opened non-blocking so that a FIFO cannot stall the open, and
    its type is checked on the open descriptor, so nothing is read from
    anything but a regular file.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise ValueError("%s: no such key file; create one with UserKey.generate().save(%r), or use "
                         "UserKey.default()" % (path, path)) from None
    except OSError as error:
        raise _unreadable(path, error) from None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise ValueError("%s: not a regular file (%s); a key file is a PEM file such as ~/.bacalhau/%s"
                             % (path, _file_kind(status.st_mode), KEY_FILE_NAME))
        if status.st_size > MAX_KEY_FILE_BYTES:
            raise _too_large(path, status.st_size)
        chunks = []
        remaining = MAX_KEY_FILE_BYTES + 1
        while remaining > 0:
            chunk = os.read(descriptor, remaining)
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as error:
        raise _unreadable(path, error) from None
    finally:
        os.close(descriptor)
    return b"".join(chunks), status.st_mode


def _check_key_size(data: bytes, source: str) -> None:
    """Refuse a key of the wrong size before it is validated: checking a huge key's primes takes seconds.

    The key is parsed without validation only to read its size (cryptography
    39 and later); the caller then loads it again, validated.
    """
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        unchecked = serialization.load_pem_private_key(data, password=None, unsafe_skip_rsa_key_validation=True)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return  # not parseable this way (or an older cryptography): the validated load reports it
    if isinstance(unchecked, rsa.RSAPrivateKey) and not MIN_KEY_BITS <= unchecked.key_size <= MAX_KEY_BITS:
        raise _wrong_size(source, unchecked.key_size)


def _wrong_size(source: str, bits: int) -> ValueError:
    return ValueError("%s: the RSA key has %d bits; a user key must have %d to %d bits; create one with "
                      "UserKey.generate().save(path)" % (source, bits, MIN_KEY_BITS, MAX_KEY_BITS))


def _unreadable(path: str, error: OSError) -> ValueError:
    return ValueError("%s: cannot read the key file (%s); check the path and that this user may read it"
                      % (path, error.strerror or error))


def _too_large(source: str, size: int) -> ValueError:
    return ValueError("%s: %d bytes is too large for a private key (at most %d); check that it is the key file"
                      % (source, size, MAX_KEY_FILE_BYTES))


def _file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "not a regular file"


def write_new_file(path: str, data: bytes) -> None:
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
