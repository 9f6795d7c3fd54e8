"""CARv1 streams: writing them, and reading them section by section with every block checked against its CID.

A CARv1 is ``varint(n) ‖ n bytes of DAG-CBOR {"roots": [CID, ...], "version": 1}``
followed by sections ``varint(len(CID) + len(block)) ‖ CID ‖ block`` to the end
of the stream (IPLD CARv1 specification).

>>> import io
>>> from bacalhau_client.ipfs.multiformats import CID, RAW
>>> block = b"hello"
>>> root = CID.for_block(block, codec=RAW, version=1)   # one raw block, its own root
>>> out = io.BytesIO()                                  # or a file opened with "wb"
>>> CarWriter(out, [root]).add(root, block)
>>> [(str(cid), bytes(data)) for cid, data in read_car(io.BytesIO(out.getvalue()))]   # each block verified
[('bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq', b'hello')]
"""

from typing import BinaryIO, Iterator, List, Tuple

from bacalhau_client.ipfs.multiformats import CID, encode_varint, read_varint

# Far above any block kubo or a gateway makes (chunks are 256 KiB, bitswap refuses > 2 MiB).
MAX_SECTION_BYTES = 4 * 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024
# The media type of a CAR, and the variant a trustless gateway sends and is asked for (IPIP-412):
# depth-first, each block once.
CAR_MEDIA_TYPE = "application/vnd.ipld.car"
CAR_ACCEPT = CAR_MEDIA_TYPE + "; version=1; order=dfs; dups=n"
_CID_TAG = 42
_MAX_CBOR_DEPTH = 8


class CarError(ValueError):
    """A CAR stream that is malformed, or whose blocks do not verify."""


class CarTruncatedError(CarError):
    """The stream ended inside the header or a section: a truncated answer."""


def encode_header(roots: List[CID]) -> bytes:
    """The CARv1 header (with its length varint) for ``roots``: DAG-CBOR, keys in canonical order."""
    parts = [b"\xa2", _cbor_text("roots"), _cbor_head(4, len(roots))]
    for root in roots:
        parts += [b"\xd8\x2a", _cbor_head(2, len(root.binary) + 1), b"\x00", root.binary]
    parts += [_cbor_text("version"), b"\x01"]
    header = b"".join(parts)
    return encode_varint(len(header)) + header


def encode_section(cid: CID, block) -> List[bytes]:
    """One section as parts to write in turn (the block is not copied)."""
    return [encode_varint(len(cid.binary) + len(block)), cid.binary, block]


class CarWriter:
    """Writes a CARv1 to a binary stream: the header at once, then one section per :meth:`add`."""

    def __init__(self, stream: BinaryIO, roots: List[CID]):
        self.stream = stream
        self.stream.write(encode_header(roots))

    def add(self, cid: CID, block) -> None:
        """Append one block (the caller vouches that ``cid`` names it)."""
        for part in encode_section(cid, block):
            self.stream.write(part)


def read_header(stream: BinaryIO) -> List[CID]:
    """Read and check the header; returns its roots."""
    try:
        length = read_varint(stream)
    except (EOFError, ValueError) as error:
        raise CarTruncatedError("CAR header: %s" % error) from None
    if length is None:
        raise CarTruncatedError("CAR: the stream is empty (no header)")
    if not 0 < length <= MAX_HEADER_BYTES:
        raise CarError("CAR header: length %d is not between 1 and %d" % (length, MAX_HEADER_BYTES))
    data = bytes(_read_exactly(stream, length, "the CAR header"))
    try:
        header, end = _decode_cbor(data, 0, 0)
    except (ValueError, IndexError) as error:
        raise CarError("CAR header: not DAG-CBOR: %s" % error) from None
    if end != len(data) or not isinstance(header, dict):
        raise CarError("CAR header: not a single DAG-CBOR map")
    if header.get("version") != 1:
        raise CarError("CAR header: version %r is not supported (only CARv1)" % (header.get("version"),))
    roots = header.get("roots")
    if not isinstance(roots, list) or not all(isinstance(root, CID) for root in roots):
        raise CarError("CAR header: roots is not a list of CIDs")
    return roots


def read_sections(stream: BinaryIO) -> Iterator[Tuple[CID, memoryview]]:
    """Each ``(cid, block)`` after the header, each block checked against its CID before it is yielded."""
    for cid, block in read_unverified_sections(stream):
        verify_block(cid, block)
        yield cid, block


def read_unverified_sections(stream: BinaryIO) -> Iterator[Tuple[CID, memoryview]]:
    """Each ``(cid, block)`` after the header, NOT yet checked: the caller must :func:`verify_block` each one.

    Split from :func:`read_sections` so that a download can hash blocks in
    one thread while another receives the next ones.
    """
    while True:
        try:
            length = read_varint(stream)
        except EOFError:
            raise CarTruncatedError("CAR: the stream ends inside a section's length") from None
        except ValueError as error:
            raise CarError("CAR: bad section length: %s" % error) from None
        if length is None:
            return
        if not 0 < length <= MAX_SECTION_BYTES:
            raise CarError("CAR: a section of %d bytes (the limit is %d)" % (length, MAX_SECTION_BYTES))
        section = _read_exactly(stream, length, "a section")
        try:
            cid, end = CID.decode(section)
        except ValueError as error:
            raise CarError("CAR: a section's CID is not valid: %s" % error) from None
        yield cid, section[end:]


def verify_block(cid: CID, block) -> None:
    """Check ``block`` against ``cid``; :class:`CarError` naming the CID when it does not match."""
    try:
        cid.verify(block)
    except ValueError as error:
        raise CarError(str(error)) from None


def read_car(stream: BinaryIO) -> Iterator[Tuple[CID, memoryview]]:
    """Every verified ``(cid, block)`` of a CARv1 stream (the header is checked and its roots ignored)."""
    read_header(stream)
    return read_sections(stream)


def _read_exactly(stream: BinaryIO, length: int, what: str) -> memoryview:
    """``length`` bytes of ``stream``, received straight into one new buffer (``readinto``: no copies)."""
    data = memoryview(bytearray(length))
    received = 0
    while received < length:
        count = stream.readinto(data[received:])
        if not count:
            raise CarTruncatedError("CAR: the stream ends inside %s (%d of %d bytes)" % (what, received, length))
        received += count
    return data


def _cbor_head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | extra]) + value.to_bytes(size, "big")
    raise ValueError("CBOR value too large")


def _cbor_text(text: str) -> bytes:
    data = text.encode("utf-8")
    return _cbor_head(3, len(data)) + data


def _decode_cbor(data: bytes, position: int, depth: int):
    """The DAG-CBOR value at ``position`` (the subset a CAR header uses) and the position after it."""
    if depth > _MAX_CBOR_DEPTH:
        raise ValueError("nested too deeply")
    initial = data[position]
    major, info = initial >> 5, initial & 0x1F
    position += 1
    if info < 24:
        argument = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        if position + size > len(data):
            raise ValueError("ends inside a value")
        argument = int.from_bytes(data[position:position + size], "big")
        position += size
    else:
        raise ValueError("indefinite lengths and simple values other than false/true/null are not DAG-CBOR")
    if major == 0:
        return argument, position
    if major in (2, 3):
        end = position + argument
        if end > len(data):
            raise ValueError("ends inside a string")
        raw = data[position:end]
        return (raw if major == 2 else raw.decode("utf-8")), end
    if major == 4:
        items = []
        for _ in range(argument):
            item, position = _decode_cbor(data, position, depth + 1)
            items.append(item)
        return items, position
    if major == 5:
        result = {}
        for _ in range(argument):
            key, position = _decode_cbor(data, position, depth + 1)
            value, position = _decode_cbor(data, position, depth + 1)
            if not isinstance(key, str):
                raise ValueError("map keys must be strings")
            result[key] = value
        return result, position
    if major == 6 and argument == _CID_TAG:
        raw, position = _decode_cbor(data, position, depth + 1)
        if not isinstance(raw, bytes) or not raw.startswith(b"\x00"):
            raise ValueError("tag 42 must hold a byte string starting with 0x00")
        return CID.from_bytes(raw[1:]), position
    raise ValueError("CBOR major type %d (argument %d) is not expected in a CAR header" % (major, argument))
