"""Turning a file or folder into the UnixFS DAG that kubo's ``ipfs add -r`` builds with its defaults.

Defaults of kubo 0.16 (what a Bacalhau compute node publishes with): CIDv0,
dag-pb leaves (no raw leaves), sha2-256, fixed 262144-byte chunks, a balanced
tree of at most 174 links per node, no mode or mtime, entries whose name starts
with ``.`` left out, symlinks stored as UnixFS Symlink nodes.

>>> import os, tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     with open(os.path.join(folder, "hello.txt"), "w") as file:
...         print("hello", file=file)
...     unixfs_add(file.name), unixfs_add(folder)        # the file, then the folder holding it
('QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN', 'QmU5PLEGqjetW4RAmXgHpEFL7nVCL3vFnEyrCKUfRk4MSq')

Blocks are produced as the files are read (one chunk in memory at a time) and
handed to ``put(cid, block)`` when one is given, so a publisher can store them.
"""

import os
import stat
from pathlib import Path
from typing import Callable, List, Optional, Tuple, Union

from bacalhau_client.ipfs.dagpb import DIRECTORY_DATA, encode_link, encode_node, file_leaf, file_parent, symlink_node
from bacalhau_client.ipfs.multiformats import CID

CHUNK_SIZE = 262144
LINKS_PER_NODE = 174
# kubo switches a folder to a HAMT shard when sum(len(name) + len(CID)) over its entries reaches this.
HAMT_SHARDING_BYTES = 262144

Put = Callable[[CID, bytes], None]
# (binary CID, cumulative size of the subtree, file bytes under it)
_Entry = Tuple[bytes, int, int]


def unixfs_add(path: Union[str, "os.PathLike[str]"], put: Optional[Put] = None) -> str:
    """The root CID ``ipfs add -r path`` prints last (kubo defaults), for a file or a folder.

    ``put(cid, block)``, when given, receives every block of the DAG (children
    before parents; a block repeated in the tree is passed each time). Raises
    ``ValueError`` for a path that does not exist, a special file (socket,
    device, FIFO) or a folder so large kubo would shard it (not supported).
    """
    root = Path(path)
    try:
        info = os.lstat(root)
    except OSError as error:
        raise ValueError("unixfs_add: cannot read %s: %s" % (root, error.strerror or error)) from None
    return str(CID.from_bytes(_add(root, info, put)[0]))


def _add(path: Path, info: os.stat_result, put: Optional[Put]) -> _Entry:
    if stat.S_ISDIR(info.st_mode):
        return _add_directory(path, put)
    if stat.S_ISREG(info.st_mode):
        return _add_file(path, put)
    if stat.S_ISLNK(info.st_mode):
        return _store(symlink_node(os.fsencode(os.readlink(path))), put, 0)
    raise ValueError("unixfs_add: %s is neither a file, a folder nor a symlink" % path)


def _store(block: bytes, put: Optional[Put], filesize: int, children_size: int = 0) -> _Entry:
    cid = CID.for_block(block)
    if put is not None:
        put(cid, block)
    return cid.binary, len(block) + children_size, filesize


def _add_file(path: Path, put: Optional[Put]) -> _Entry:
    """A file: its chunks as leaves, grouped 174 to a parent, level by level (kubo's balanced layout)."""
    levels: List[List[_Entry]] = [[]]
    buffer = bytearray(CHUNK_SIZE)
    view = memoryview(buffer)
    try:
        with open(path, "rb", buffering=0) as source:
            while True:
                filled = _fill(source, view)
                if filled == 0 and (levels[0] or len(levels) > 1):
                    break
                levels[0].append(_store(file_leaf(view[:filled]), put, filled))
                _carry(levels, put, full_only=True)
                if filled < CHUNK_SIZE:
                    break
    except OSError as error:
        raise ValueError("unixfs_add: cannot read %s: %s" % (path, error.strerror or error)) from None
    _carry(levels, put, full_only=False)
    return levels[-1][0]


def _fill(source, view: memoryview) -> int:
    """Read until ``view`` is full or the file ends; the number of bytes read."""
    filled = 0
    while filled < len(view):
        count = source.readinto(view[filled:])
        if not count:
            break
        filled += count
    return filled


def _carry(levels: List[List[_Entry]], put: Optional[Put], full_only: bool) -> None:
    """Replace runs of children by their parent: full runs of 174 as they fill, and at the end every
    level below the top, so the tree is balanced and filled left to right."""
    level = 0
    while level < len(levels):
        children = levels[level]
        is_top = level == len(levels) - 1
        if (full_only and len(children) == LINKS_PER_NODE) or (
                not full_only and children and not (is_top and len(children) == 1)):
            if is_top:
                levels.append([])
            levels[level + 1].append(_file_parent(children, put))
            levels[level] = []
        level += 1


def _file_parent(children: List[_Entry], put: Optional[Put]) -> _Entry:
    links = b"".join(encode_link(cid, b"", size) for cid, size, _ in children)
    filesize = sum(child[2] for child in children)
    block = file_parent(links, filesize, [child[2] for child in children])
    return _store(block, put, filesize, sum(child[1] for child in children))


def _add_directory(path: Path, put: Optional[Put]) -> _Entry:
    entries = []
    try:
        with os.scandir(path) as listing:
            names = [(os.fsencode(item.name), item) for item in listing if not item.name.startswith(".")]
    except OSError as error:
        raise ValueError("unixfs_add: cannot list %s: %s" % (path, error.strerror or error)) from None
    estimate = 0
    for name, item in sorted(names, key=lambda pair: pair[0]):
        child = _add(Path(item.path), item.stat(follow_symlinks=False), put)
        estimate += len(name) + len(child[0])
        if estimate >= HAMT_SHARDING_BYTES:
            raise ValueError("unixfs_add: %s has too many entries for a plain UnixFS folder: kubo would "
                             "shard it (HAMT), which this SDK does not build" % path)
        entries.append((name, child))
    links = b"".join(encode_link(cid, name, size) for name, (cid, size, _) in entries)
    return _store(encode_node(links, DIRECTORY_DATA), put, 0, sum(child[1] for _, child in entries))
