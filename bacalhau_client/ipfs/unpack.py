"""Writing the UnixFS tree of a CAR stream to disk, verifying every block before any of its bytes are written.

:func:`unpack_car` walks the DAG depth-first from the CID that was asked for
(the CAR header's roots are ignored), pulling blocks from the stream as the
walk needs them. A gateway sending ``order=dfs`` delivers them in exactly that
order, so file bytes go straight from the socket to their file and memory
stays bounded; blocks that come early (``order=unk``) wait in a spool file
beside the tree, not in memory. A block repeated in the DAG (``dups=n``) is
sent once: folders and file nodes are kept (in memory up to a budget, then in
the spool), and leaves are re-read from the file they were first written to.

Refused, with a :class:`~bacalhau_client.ipfs.car.CarError` (a ``ValueError``)
naming the CID: a block that does not match its CID, a missing block, a block
that is not part of the DAG, a codec other than dag-pb and raw, a hash other
than sha2-256 and identity, a HAMT-sharded folder, sizes that disagree with
UnixFS ``filesize``/``blocksizes``, and entry names that are empty, ``.``,
``..``, or hold ``/`` or NUL, or repeat in one folder. Symlinks are created as
symlinks (their target is stored, never followed); nothing is written outside
the destination, and every file and folder is created new (``O_EXCL``).
"""

import os
from pathlib import Path
from typing import BinaryIO, Dict, Iterator, List, Optional, Set, Tuple, Union

from bacalhau_client.ipfs.car import CarError
from bacalhau_client.ipfs.dagpb import (
    DIRECTORY, FILE, HAMT_SHARD, RAW as UNIXFS_RAW, SYMLINK, TYPE_NAMES, decode_node, decode_unixfs,
)
from bacalhau_client.ipfs.multiformats import CID, DAG_PB, HASH_NAMES, IDENTITY, RAW, SHA2_256

# Folders and file nodes kept in memory for reuse, at most this many bytes; more go to the spool file.
MEMORY_BUDGET = 8 * 1024 * 1024
MAX_ENTRIES = 10_000_000
_COPY_CHUNK = 1024 * 1024
_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
_FORBIDDEN_NAMES = (b"", b".", b"..")


class _Slice(tuple):
    """File bytes already written and verified: ``(path, offset, length)``."""


class _BlockSource:
    """Blocks by CID, from the stream in the order it has them, or from what was kept of earlier ones."""

    def __init__(self, sections: Iterator[Tuple[CID, memoryview]], spool_path: Path):
        self.sections = sections
        self.spool_path = spool_path
        self.spool: Optional[BinaryIO] = None
        self.spooled: Dict[bytes, Tuple[int, int]] = {}
        self.kept: Dict[bytes, bytes] = {}
        self.kept_bytes = 0
        self.written: Dict[bytes, _Slice] = {}
        self.used: Set[bytes] = set()

    def get(self, cid: CID, where: str) -> Union[memoryview, bytes, _Slice]:
        """The block (or the written bytes of the leaf) ``cid`` names; ``where`` says where it is linked from."""
        key = cid.binary
        self.used.add(key)
        if cid.hash_code == IDENTITY:
            return cid.digest
        for store in (self.kept, self.written):
            if key in store:
                return store[key]
        if key in self.spooled:
            offset, length = self.spooled[key]
            self.spool.seek(offset)
            return self.spool.read(length)
        for section_cid, block in self.sections:
            if section_cid.binary == key:
                return block
            if section_cid.binary not in self.spooled and section_cid.binary not in self.used:
                self._spool(section_cid.binary, block)
        raise CarError("block %s (%s) is missing from the CAR" % (cid, where))

    def keep(self, cid: CID, block) -> None:
        """Remember a folder or file node that the DAG may link to again."""
        key = cid.binary
        if key in self.kept or key in self.spooled or cid.hash_code == IDENTITY:
            return
        if self.kept_bytes + len(block) <= MEMORY_BUDGET:
            self.kept[key] = bytes(block)
            self.kept_bytes += len(block)
        else:
            self._spool(key, block)

    def wrote(self, cid: CID, path: Path, offset: int, length: int) -> None:
        """Remember where a leaf's bytes went, to copy them if the DAG links to it again."""
        self.written.setdefault(cid.binary, _Slice((path, offset, length)))

    def _spool(self, key: bytes, block) -> None:
        if self.spool is None:
            self.spool = open(self.spool_path, "w+b")
        self.spool.seek(0, os.SEEK_END)
        self.spooled[key] = (self.spool.tell(), len(block))
        self.spool.write(block)

    def check_nothing_left(self, root: CID) -> None:
        """Refuse blocks that are not part of the DAG: left in the spool, or still to come in the stream."""
        for key in self.spooled:
            if key not in self.used:
                raise CarError("the CAR holds block %s, which is not part of %s" % (CID.from_bytes(key), root))
        for section_cid, _ in self.sections:
            if section_cid.binary not in self.used:
                raise CarError("the CAR holds block %s, which is not part of %s" % (section_cid, root))

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()


def unpack_car(sections: Iterator[Tuple[CID, memoryview]], root: CID, dest: Path, spool_path: Path) -> None:
    """Write the tree (or file) ``root`` names to ``dest`` (which must not exist), from verified CAR sections."""
    source = _BlockSource(sections, spool_path)
    try:
        _Walker(source, dest).walk(root)
        source.check_nothing_left(root)
    finally:
        source.close()


class _Walker:
    """A depth-first walk that creates each entry as its block arrives."""

    def __init__(self, source: _BlockSource, dest: Path):
        self.source = source
        self.dest = dest
        self.entries = 0

    def walk(self, root: CID) -> None:
        stack: List[tuple] = [("entry", root, self.dest, "the root")]
        while stack:
            task = stack.pop()
            if task[0] == "entry":
                self._entry(stack, *task[1:])
            elif task[0] == "chunk":
                self._chunk(stack, *task[1:])
            else:
                self._close(*task[1:])

    def _entry(self, stack: List[tuple], cid: CID, path: Path, where: str) -> None:
        self.entries += 1
        if self.entries > MAX_ENTRIES:
            raise CarError("the DAG of %s has more than %d entries" % (cid, MAX_ENTRIES))
        _check_codec(cid, where)
        item = self.source.get(cid, where)
        if isinstance(item, _Slice):
            out = _create_file(path)
            try:
                _copy_slice(item, out)
            finally:
                out.close()
            return
        if cid.codec == RAW:
            out = _create_file(path)
            try:
                out.write(item)
            finally:
                out.close()
            self.source.wrote(cid, path, 0, len(item))
            return
        links, data = _decode(cid, item)
        node = _unixfs(cid, data)
        if node.type == DIRECTORY:
            names = _checked_names(cid, links, where)
            os.mkdir(path)
            self.source.keep(cid, item)
            for link, name in reversed(list(zip(links, names))):
                stack.append(("entry", _link_cid(link.cid, cid), path / name, "%s/%s" % (where, name)))
        elif node.type in (FILE, UNIXFS_RAW):
            sizes = _checked_sizes(cid, links, node, None)
            out = _create_file(path)
            out.write(node.data)
            if links:
                self.source.keep(cid, item)
                stack.append(("close", out, cid, sizes, where))
                for link, size in reversed(list(zip(links, node.blocksizes))):
                    stack.append(("chunk", _link_cid(link.cid, cid), out, path, size, where))
            else:
                out.close()
                self.source.wrote(cid, path, 0, len(node.data))
        elif node.type == SYMLINK:
            target = bytes(node.data)
            if not target or b"\0" in target:
                raise CarError("symlink %s (%s) has an empty target or one with NUL" % (cid, where))
            os.symlink(os.fsdecode(target), path)
            self.source.keep(cid, item)
        elif node.type == HAMT_SHARD:
            raise CarError("%s (%s) is a HAMT-sharded folder, which this SDK does not read" % (cid, where))
        else:
            raise CarError("%s (%s) is a UnixFS %s node, which is neither a file, a folder nor a symlink"
                           % (cid, where, TYPE_NAMES.get(node.type, "type %d" % node.type)))

    def _chunk(self, stack: List[tuple], cid: CID, out, path: Path, expected: int, where: str) -> None:
        _check_codec(cid, where)
        item = self.source.get(cid, where)
        if isinstance(item, _Slice):
            if item[2] != expected:
                raise CarError("block %s of %s holds %d bytes, its parent says %d" % (cid, where, item[2], expected))
            _copy_slice(item, out)
            return
        offset = out.tell()
        if cid.codec == RAW:
            if len(item) != expected:
                raise CarError("block %s of %s holds %d bytes, its parent says %d"
                               % (cid, where, len(item), expected))
            out.write(item)
            self.source.wrote(cid, path, offset, len(item))
            return
        links, data = _decode(cid, item)
        node = _unixfs(cid, data)
        if node.type not in (FILE, UNIXFS_RAW):
            raise CarError("block %s of file %s is a UnixFS %s node, not file data"
                           % (cid, where, TYPE_NAMES.get(node.type, "type %d" % node.type)))
        _checked_sizes(cid, links, node, expected)
        out.write(node.data)
        if links:
            self.source.keep(cid, item)
            for link, size in reversed(list(zip(links, node.blocksizes))):
                stack.append(("chunk", _link_cid(link.cid, cid), out, path, size, where))
        else:
            self.source.wrote(cid, path, offset, len(node.data))

    @staticmethod
    def _close(out, cid: CID, expected: int, where: str) -> None:
        written = out.tell()
        out.close()
        if written != expected:
            raise CarError("file %s (%s) has %d bytes, its UnixFS filesize says %d" % (cid, where, written, expected))


def _check_codec(cid: CID, where: str) -> None:
    if cid.codec not in (DAG_PB, RAW):
        raise CarError("%s (%s) uses the codec %s: only dag-pb and raw are supported" % (cid, where, cid.codec_name))
    if cid.hash_code not in (SHA2_256, IDENTITY):
        raise CarError("%s (%s) uses the hash %s: only sha2-256 and identity are supported"
                       % (cid, where, HASH_NAMES.get(cid.hash_code, hex(cid.hash_code))))


def _link_cid(binary: bytes, parent: CID) -> CID:
    try:
        return CID.from_bytes(binary)
    except ValueError as error:
        raise CarError("block %s links to an invalid CID: %s" % (parent, error)) from None


def _decode(cid: CID, block):
    try:
        return decode_node(block)
    except ValueError as error:
        raise CarError("block %s is not valid dag-pb: %s" % (cid, error)) from None


def _unixfs(cid: CID, data):
    try:
        return decode_unixfs(data)
    except ValueError as error:
        raise CarError("block %s: %s" % (cid, error)) from None


def _checked_sizes(cid: CID, links, node, expected: Optional[int]) -> int:
    """The file size under a File node, after checking it against its own parts and its parent."""
    if len(node.blocksizes) != len(links):
        raise CarError("file node %s has %d links but %d blocksizes" % (cid, len(links), len(node.blocksizes)))
    total = len(node.data) + sum(node.blocksizes)
    if node.filesize is not None and node.filesize != total:
        raise CarError("file node %s says filesize %d, its parts hold %d" % (cid, node.filesize, total))
    if expected is not None and total != expected:
        raise CarError("file node %s holds %d bytes, its parent says %d" % (cid, total, expected))
    return total


def _checked_names(cid: CID, links, where: str) -> List[str]:
    names, seen = [], set()
    for link in links:
        name = link.name
        if name in _FORBIDDEN_NAMES or b"/" in name or b"\0" in name or (os.sep == "\\" and b"\\" in name):
            raise CarError("folder %s (%s) has an entry named %r, which is not allowed" % (cid, where, name))
        if name in seen:
            raise CarError("folder %s (%s) has two entries named %r" % (cid, where, name))
        seen.add(name)
        names.append(os.fsdecode(name))
    return names


def _create_file(path: Path):
    """A new file, never an existing one and never through a symlink; mode 0666 before umask, as Go writes."""
    return os.fdopen(os.open(path, _FILE_FLAGS, 0o666), "wb")


def _copy_slice(item: _Slice, out) -> None:
    path, offset, length = item
    out.flush()  # the bytes may come from the file being written
    with open(path, "rb") as source:
        source.seek(offset)
        while length > 0:
            data = source.read(min(_COPY_CHUNK, length))
            if not data:
                raise CarError("%s changed while it was being written" % path)
            out.write(data)
            length -= len(data)
