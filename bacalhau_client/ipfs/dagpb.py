"""dag-pb nodes and the UnixFS ``Data`` message inside them: reading any valid one, writing kubo's form.

A dag-pb block is a protobuf ``PBNode {Links = 2 (repeated PBLink), Data = 1}``
with ``PBLink {Hash = 1, Name = 2, Tsize = 3}``; its ``Data`` holds a UnixFS
``Data {Type = 1, Data = 2, filesize = 3, blocksizes = 4, ...}`` (the IPLD DAG-PB
and UnixFS specifications). Writers emit the canonical form kubo writes: links
first, each with hash, name and size, then the data.
"""

from typing import List, NamedTuple, Optional, Tuple

from bacalhau_client.ipfs.multiformats import decode_varint, encode_varint

RAW, DIRECTORY, FILE, METADATA, SYMLINK, HAMT_SHARD = range(6)
TYPE_NAMES = {RAW: "Raw", DIRECTORY: "Directory", FILE: "File", METADATA: "Metadata", SYMLINK: "Symlink",
              HAMT_SHARD: "HAMTShard"}
_VARINT, _FIXED64, _BYTES, _FIXED32 = 0, 1, 2, 5

DIRECTORY_DATA = b"\x08\x01"


class Link(NamedTuple):
    """A link of a dag-pb node: the binary CID it points to, its name (bytes) and the subtree's size."""

    cid: bytes
    name: bytes
    tsize: Optional[int]


class UnixFSData(NamedTuple):
    """The UnixFS message: the node's type, its own bytes, the file size and each child's file size."""

    type: int
    data: memoryview
    filesize: Optional[int]
    blocksizes: List[int]


def _fields(buffer: memoryview):
    """Each ``(field number, wire type, value)`` of a protobuf message; bytes values as memoryviews."""
    position, end = 0, len(buffer)
    while position < end:
        key, position = decode_varint(buffer, position)
        number, wire_type = key >> 3, key & 7
        if wire_type == _VARINT:
            value, position = decode_varint(buffer, position)
        elif wire_type == _BYTES:
            length, position = decode_varint(buffer, position)
            if position + length > end:
                raise ValueError("a length-delimited field runs past the end of the message")
            value, position = buffer[position:position + length], position + length
        elif wire_type == _FIXED64:
            value, position = buffer[position:position + 8], position + 8
        elif wire_type == _FIXED32:
            value, position = buffer[position:position + 4], position + 4
        else:
            raise ValueError("protobuf wire type %d is not allowed" % wire_type)
        if position > end:
            raise ValueError("a field runs past the end of the message")
        yield number, wire_type, value


def decode_node(block) -> Tuple[List[Link], Optional[memoryview]]:
    """``(links, data)`` of a dag-pb block; ``ValueError`` when it is not one."""
    links: List[Link] = []
    data = None
    for number, wire_type, value in _fields(memoryview(block)):
        if number == 2 and wire_type == _BYTES:
            links.append(_decode_link(value))
        elif number == 1 and wire_type == _BYTES and data is None:
            data = value
        else:
            raise ValueError("dag-pb: unexpected field %d (wire type %d) in PBNode" % (number, wire_type))
    return links, data


def _decode_link(buffer: memoryview) -> Link:
    cid = name = tsize = None
    for number, wire_type, value in _fields(buffer):
        if number == 1 and wire_type == _BYTES and cid is None:
            cid = bytes(value)
        elif number == 2 and wire_type == _BYTES and name is None:
            name = bytes(value)
        elif number == 3 and wire_type == _VARINT and tsize is None:
            tsize = value
        else:
            raise ValueError("dag-pb: unexpected field %d (wire type %d) in PBLink" % (number, wire_type))
    if cid is None:
        raise ValueError("dag-pb: a link has no Hash")
    return Link(cid, b"" if name is None else name, tsize)


def decode_unixfs(data: Optional[memoryview]) -> UnixFSData:
    """The UnixFS message in a dag-pb node's ``Data``; fields this SDK does not use are skipped."""
    if data is None:
        raise ValueError("UnixFS: the dag-pb node has no Data")
    kind, own, filesize, blocksizes = None, memoryview(b""), None, []
    for number, wire_type, value in _fields(data):
        if number == 1 and wire_type == _VARINT:
            kind = value
        elif number == 2 and wire_type == _BYTES:
            own = value
        elif number == 3 and wire_type == _VARINT:
            filesize = value
        elif number == 4 and wire_type == _VARINT:
            blocksizes.append(value)
        elif number == 4 and wire_type == _BYTES:  # the packed form
            position = 0
            while position < len(value):
                size, position = decode_varint(value, position)
                blocksizes.append(size)
    if kind is None:
        raise ValueError("UnixFS: Data has no Type")
    return UnixFSData(kind, own, filesize, blocksizes)


def encode_link(cid: bytes, name: bytes, tsize: int) -> bytes:
    """One ``PBLink`` as field 2 of a ``PBNode``: hash, name (even empty) and size."""
    body = b"".join((b"\x0a", encode_varint(len(cid)), cid, b"\x12", encode_varint(len(name)), name,
                     b"\x18", encode_varint(tsize)))
    return b"\x12" + encode_varint(len(body)) + body


def encode_node(links: bytes, unixfs: bytes) -> bytes:
    """A ``PBNode`` of already-encoded links and a UnixFS message."""
    return b"".join((links, b"\x0a", encode_varint(len(unixfs)), unixfs))


def file_leaf(chunk) -> bytes:
    """The dag-pb block of one file chunk (or of a whole small file): UnixFS File with its bytes."""
    size = len(chunk)
    if not size:
        return b"\x0a\x04\x08\x02\x18\x00"
    length = encode_varint(size)
    unixfs_length = 1 + 1 + 1 + len(length) + size + 1 + len(length)
    return b"".join((b"\x0a", encode_varint(unixfs_length), b"\x08\x02\x12", length, chunk, b"\x18", length))


def file_parent(links: bytes, filesize: int, blocksizes: List[int]) -> bytes:
    """A file node above chunks: its links and a UnixFS File with the sizes, no bytes of its own."""
    unixfs = b"\x08\x02\x18" + encode_varint(filesize) + b"".join(b"\x20" + encode_varint(size)
                                                                  for size in blocksizes)
    return encode_node(links, unixfs)


def symlink_node(target: bytes) -> bytes:
    """A UnixFS Symlink node whose data is the link's target."""
    return encode_node(b"", b"\x08\x04\x12" + encode_varint(len(target)) + target)
