"""The small multiformats a UnixFS download needs: unsigned varints, base58btc, base32, multihashes, CIDs.

Only what IPFS results use is supported, and everything else is refused with
a ``ValueError`` naming it: CIDv0 and CIDv1, the codecs dag-pb and raw, the
hashes sha2-256 and identity (see the multiformats specifications).
"""

import base64
import hashlib
from typing import BinaryIO, Optional, Tuple

DAG_PB = 0x70
RAW = 0x55
SHA2_256 = 0x12
IDENTITY = 0x00
CODEC_NAMES = {DAG_PB: "dag-pb", RAW: "raw", 0x71: "dag-cbor", 0x0129: "dag-json"}
HASH_NAMES = {SHA2_256: "sha2-256", IDENTITY: "identity", 0x13: "sha2-512", 0x1e: "blake3"}
# Identity multihashes embed the data itself; longer ones are refused so a CID stays small.
MAX_IDENTITY_LENGTH = 128
_MAX_VARINT_BYTES = 9  # the multiformats unsigned varint is at most 63 bits

_BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {char: index for index, char in enumerate(_BASE58_ALPHABET)}


def encode_varint(value: int) -> bytes:
    """The unsigned varint of ``value``: 7 bits a byte, least significant first."""
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def decode_varint(data, offset: int = 0) -> Tuple[int, int]:
    """``(value, offset after it)`` of the varint at ``offset`` in ``data``; ``ValueError`` if cut or too long."""
    if offset < len(data) and data[offset] < 0x80:  # one byte: most protobuf keys and lengths
        return data[offset], offset + 1
    value = shift = 0
    for index in range(offset, min(len(data), offset + _MAX_VARINT_BYTES)):
        byte = data[index]
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            if byte == 0 and index > offset:
                raise ValueError("varint at offset %d is not minimally encoded" % offset)
            return value, index + 1
        shift += 7
    if len(data) - offset >= _MAX_VARINT_BYTES:
        raise ValueError("varint at offset %d is longer than 9 bytes" % offset)
    raise ValueError("data ends inside a varint at offset %d" % offset)


def read_varint(stream: BinaryIO) -> Optional[int]:
    """The next varint of ``stream``; ``None`` at a clean end of stream, ``EOFError`` when it ends inside one."""
    value = shift = 0
    for position in range(_MAX_VARINT_BYTES):
        byte = stream.read(1)
        if not byte:
            if position == 0:
                return None
            raise EOFError("the stream ends inside a varint")
        value |= (byte[0] & 0x7F) << shift
        if not byte[0] & 0x80:
            return value
        shift += 7
    raise ValueError("varint longer than 9 bytes")


def base58_encode(data: bytes) -> str:
    """Bitcoin-alphabet base58, as IPFS writes CIDv0s and peer IDs."""
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(_BASE58_ALPHABET[remainder])
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading_zeros + "".join(reversed(digits))


def base58_decode(text: str) -> bytes:
    """The bytes of a base58btc string; ``ValueError`` for a character outside the alphabet."""
    number = 0
    for char in text:
        if char not in _BASE58_INDEX:
            raise ValueError("%r is not a base58btc character" % char)
        number = number * 58 + _BASE58_INDEX[char]
    leading_zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading_zeros + body


def base32_encode(data: bytes) -> str:
    """RFC 4648 base32, lower case, no padding (multibase ``b``)."""
    return base64.b32encode(data).decode("ascii").lower().rstrip("=")


def base32_decode(text: str) -> bytes:
    """Bytes of lower-case unpadded base32; ``ValueError`` when it is not."""
    if text != text.lower():
        raise ValueError("base32 text must be lower case")
    try:
        return base64.b32decode(text.upper() + "=" * (-len(text) % 8))
    except (ValueError, base64.binascii.Error) as error:
        raise ValueError("not base32: %s" % error) from None


class CID:
    """A content identifier: version, codec and multihash (hash code and digest).

    ``CID.parse("Qm...")`` reads the text forms (CIDv0 base58btc, CIDv1 base32
    ``b...`` or base58btc ``z...``); ``CID.from_bytes`` the binary form;
    ``str(cid)`` gives CIDv0 as ``Qm...`` and CIDv1 as base32. Two CIDs are
    equal when their binary forms are.
    """

    __slots__ = ("version", "codec", "hash_code", "digest", "binary")

    def __init__(self, version: int, codec: int, hash_code: int, digest: bytes):
        if version == 0 and (codec != DAG_PB or hash_code != SHA2_256 or len(digest) != 32):
            raise ValueError("a CIDv0 is always dag-pb with a 32-byte sha2-256 digest")
        if version not in (0, 1):
            raise ValueError("CID version %d is not supported (only 0 and 1)" % version)
        self.version = version
        self.codec = codec
        self.hash_code = hash_code
        self.digest = bytes(digest)
        multihash = encode_varint(hash_code) + encode_varint(len(digest)) + self.digest
        self.binary = multihash if version == 0 else encode_varint(1) + encode_varint(codec) + multihash

    @classmethod
    def for_block(cls, block: bytes, codec: int = DAG_PB, version: int = 0) -> "CID":
        """The sha2-256 CID of a block."""
        return cls(version, codec, SHA2_256, hashlib.sha256(block).digest())

    @classmethod
    def parse(cls, text: str) -> "CID":
        """A CID from its text; ``ValueError`` saying why when it is not one."""
        if not isinstance(text, str) or not text:
            raise ValueError("CID: expected a CID string such as Qm... or bafy..., got %r" % (text,))
        try:
            if len(text) == 46 and text.startswith("Qm"):
                data = base58_decode(text)
            elif text[0] == "b":
                data = base32_decode(text[1:])
            elif text[0] == "z":
                data = base58_decode(text[1:])
            else:
                raise ValueError("unknown multibase prefix %r (expected Qm..., b... or z...)" % text[0])
            cid, end = cls.decode(data)
            if end != len(data):
                raise ValueError("%d bytes after the CID" % (len(data) - end))
        except ValueError as error:
            raise ValueError("CID %r: %s" % (text, error)) from None
        return cid

    @classmethod
    def from_bytes(cls, data: bytes) -> "CID":
        """A CID from exactly its binary form."""
        cid, end = cls.decode(data)
        if end != len(data):
            raise ValueError("%d bytes after the CID" % (len(data) - end))
        return cid

    @classmethod
    def decode(cls, data, offset: int = 0) -> Tuple["CID", int]:
        """The binary CID at ``offset`` and the offset after it."""
        if data[offset:offset + 2] == b"\x12\x20":
            end = offset + 34
            if len(data) < end:
                raise ValueError("data ends inside a CIDv0")
            return cls(0, DAG_PB, SHA2_256, data[offset + 2:end]), end
        version, position = decode_varint(data, offset)
        if version != 1:
            raise ValueError("CID version %d is not supported (only 0 and 1)" % version)
        codec, position = decode_varint(data, position)
        hash_code, position = decode_varint(data, position)
        length, position = decode_varint(data, position)
        if hash_code == IDENTITY and length > MAX_IDENTITY_LENGTH:
            raise ValueError("identity multihash of %d bytes is longer than %d" % (length, MAX_IDENTITY_LENGTH))
        if hash_code == SHA2_256 and length != 32:
            raise ValueError("sha2-256 digest of %d bytes (expected 32)" % length)
        end = position + length
        if len(data) < end:
            raise ValueError("data ends inside a CID's digest")
        return cls(1, codec, hash_code, data[position:end]), end

    def verify(self, block) -> None:
        """Check that ``block`` is what this CID names; ``ValueError`` naming the CID when not."""
        if self.hash_code == SHA2_256:
            if hashlib.sha256(block).digest() != self.digest:
                raise ValueError("block %s does not match its CID: the sha2-256 of its %d bytes differs"
                                 % (self, len(block)))
        elif self.hash_code == IDENTITY:
            if bytes(block) != self.digest:
                raise ValueError("block %s does not match its identity CID" % self)
        else:
            raise ValueError("block %s uses the hash %s: only sha2-256 and identity are supported"
                             % (self, HASH_NAMES.get(self.hash_code, hex(self.hash_code))))

    @property
    def codec_name(self) -> str:
        return CODEC_NAMES.get(self.codec, hex(self.codec))

    def __str__(self) -> str:
        if self.version == 0:
            return base58_encode(self.binary)
        return "b" + base32_encode(self.binary)

    def __repr__(self) -> str:
        return "CID(%r)" % str(self)

    def __eq__(self, other) -> bool:
        return isinstance(other, CID) and other.binary == self.binary

    def __hash__(self) -> int:
        return hash(self.binary)
