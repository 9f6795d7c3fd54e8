"""The local node's IPFS side: a block store on disk, publishing folders into it, and unpacking job contexts.

A Go compute node adds each shard's results folder to IPFS (kubo ``ipfs add -r``
defaults) and reports the root CID; the requester pins a submitted job's
``Context`` (base64 of a tar.gz) the same way. The local node does both with
:func:`bacalhau_client.ipfs.unixfs_add`, so its CIDs are the ones kubo would
print, and keeps the blocks in a :class:`BlockStore` that its gateway serves.
"""

import gzip
import io
import os
import shutil
import tarfile
import tempfile
import threading
import zlib
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Dict, Iterator, List, NamedTuple, Optional, Tuple, Union

from bacalhau_client._go import decode_std_base64
from bacalhau_client.ipfs.car import encode_section
from bacalhau_client.ipfs.dagpb import decode_node
from bacalhau_client.ipfs.importer import unixfs_add
from bacalhau_client.ipfs.multiformats import CID, DAG_PB, IDENTITY
from bacalhau_client.ipfs.unpack import unpack_car
from bacalhau_client.jobs import MAX_CONTEXT_FILE_BYTES

# Beyond Go: bounds on the whole unpacked context and its entries, so a small upload cannot fill the disk.
CONTEXT_TOTAL_LIMIT = 100 * 1024 * 1024
CONTEXT_ENTRY_LIMIT = 10000
# pkg/executor/results.go: stdout and stderr files are cut at 1 GiB, exitCode at 4 characters.
MAX_STREAM_FILE_BYTES = 1 << 30
MAX_EXIT_CODE_CHARS = 4


class FileSpan(NamedTuple):
    """``count`` bytes of the open ``file`` from ``offset``: a piece of an answer sent with ``sendfile``."""

    file: BinaryIO
    offset: int
    count: int


class _Stored(NamedTuple):
    offset: int  # of the block's CAR section in the pack file
    prefix: int  # length of the section's prefix (length varint and CID)
    size: int  # of the block
    links: Optional[Tuple[bytes, ...]]  # binary CIDs a dag-pb block links to (None: decode it when asked)


class BlockStore:
    """Blocks by CID in one pack file in a private temporary folder, until :meth:`close`.

    Each block is appended as the CAR section that carries it (length varint,
    CID, block), and a dag-pb block's links are kept in memory, so the gateway
    plans a CAR without reading a block and sends it straight from the file
    with ``sendfile``; the blocks of a DAG published together sit side by side,
    so most of its CAR is one run of the file.
    """

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="bacalhau-local-blocks-"))
        self.pack = self.root / "blocks.car"
        self._fd = os.open(self.pack, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        self._end = 0
        self._stored: Dict[bytes, _Stored] = {}
        self._lock = threading.Lock()

    def put(self, cid: CID, block: bytes) -> None:
        """Store a block (the caller computed ``cid`` from it); storing it twice is harmless.

        ``RuntimeError`` once the store is closed.
        """
        key = cid.binary
        if key in self._stored:
            return
        links = _links(block) if cid.codec == DAG_PB else ()
        section = b"".join(encode_section(cid, block))
        with self._lock:
            if key in self._stored:
                return
            if self._fd is None:
                raise RuntimeError("the block store %s is closed: the node has stopped" % self.root)
            offset = self._end
            written = 0
            while written < len(section):
                written += os.pwrite(self._fd, section[written:], offset + written)
            self._end += len(section)
            self._stored[key] = _Stored(offset, len(section) - len(block), len(block), links)

    def get(self, cid: CID) -> Optional[bytes]:
        """The block, or ``None`` when the store does not have it."""
        if cid.hash_code == IDENTITY:
            return cid.digest
        stored = self._stored.get(cid.binary)
        if stored is None:
            return None
        block = os.pread(self._fd, stored.size, stored.offset + stored.prefix)
        if len(block) != stored.size:
            raise OSError("block store %s: block %s cut short" % (self.pack, cid))
        return block

    def size(self, cid: CID) -> Optional[int]:
        """The block's length, or ``None`` when the store does not have it."""
        if cid.hash_code == IDENTITY:
            return len(cid.digest)
        stored = self._stored.get(cid.binary)
        return None if stored is None else stored.size

    def dag_order(self, root: CID) -> Iterator[CID]:
        """Every CID of the DAG under ``root``, depth-first, each once; ``KeyError`` naming a missing one."""
        seen = set()
        stack = [root]
        while stack:
            cid = stack.pop()
            if cid.binary in seen:
                continue
            seen.add(cid.binary)
            yield cid
            if cid.codec == DAG_PB:
                stack.extend(CID.from_bytes(link) for link in reversed(self._links_of(cid)))

    def _links_of(self, cid: CID) -> Tuple[bytes, ...]:
        stored = self._stored.get(cid.binary)
        if stored is not None and stored.links is not None:
            return stored.links
        block = self.get(cid)
        if block is None:
            raise KeyError(str(cid))
        links, _ = decode_node(block)
        return tuple(link.cid for link in links)

    def car_sections(self, root: CID) -> List[Union[bytes, Tuple[int, int]]]:
        """The CAR sections of the DAG under ``root`` in depth-first order, each block once.

        Stored sections come as ``(offset, length)`` runs of :attr:`pack`,
        neighbours merged into one run; an identity CID's section (its block is
        the CID itself, never stored) comes as bytes. ``KeyError`` names a
        missing block.
        """
        sections: List[Union[bytes, Tuple[int, int]]] = []
        for cid in self.dag_order(root):
            stored = self._stored.get(cid.binary)
            if stored is not None:
                length = stored.prefix + stored.size
                last = sections[-1] if sections else None
                if isinstance(last, tuple) and last[0] + last[1] == stored.offset:
                    sections[-1] = (last[0], last[1] + length)
                else:
                    sections.append((stored.offset, length))
            elif cid.hash_code == IDENTITY:
                sections.append(b"".join(encode_section(cid, cid.digest)))
            else:
                raise KeyError(str(cid))
        return sections

    def open_pack(self) -> BinaryIO:
        """The pack file, open for reading (its sections stay valid while the store is open)."""
        return open(self.pack, "rb")

    def has_dag(self, root: str) -> bool:
        """Whether the store holds every block under the CID ``root`` (text; a malformed CID is not held)."""
        try:
            for cid in self.dag_order(CID.parse(root)):
                if self.size(cid) is None:
                    return False
        except (KeyError, ValueError):
            return False
        return True

    def sections(self, root: CID) -> Iterator[Tuple[CID, bytes]]:
        """``(cid, block)`` of the DAG under ``root`` in depth-first order, as a CAR carries them."""
        for cid in self.dag_order(root):
            block = self.get(cid)
            if block is None:
                raise KeyError(str(cid))
            yield cid, block

    def publish(self, folder: Path) -> str:
        """Add a folder (or file) as kubo would; its blocks go into the store; returns the root CID."""
        return unixfs_add(folder, put=self.put)

    def unpack(self, root: str, dest: Path) -> None:
        """Write the DAG ``root`` to ``dest`` from the store (its blocks were hashed as they were published;
        the walk checks the tree again: names, sizes, codecs)."""
        cid = CID.parse(root)
        spool = dest.with_name(dest.name + ".spool")
        try:
            unpack_car(iter(self.sections(cid)), cid, dest, spool)
        finally:
            if spool.exists():
                spool.unlink()

    def close(self) -> None:
        """Delete every block (answers already sending from the pack file keep their own handle)."""
        with self._lock:
            self._stored = {}
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
        shutil.rmtree(self.root, ignore_errors=True)


def _links(block: bytes) -> Optional[Tuple[bytes, ...]]:
    """The binary CIDs a dag-pb block links to; ``None`` when it does not decode (the gateway then says why)."""
    try:
        links, _ = decode_node(block)
    except ValueError:
        return None
    return tuple(link.cid for link in links)


def write_results_folder(folder: Path, stdout: bytes, stderr: bytes, exit_code: int) -> None:
    """The three files a compute node writes next to the output volumes (RESULTS.md §1)."""
    (folder / "stdout").write_bytes(stdout[:MAX_STREAM_FILE_BYTES])
    (folder / "stderr").write_bytes(stderr[:MAX_STREAM_FILE_BYTES])
    (folder / "exitCode").write_bytes(str(exit_code)[:MAX_EXIT_CODE_CHARS].encode("ascii"))


def publish_context(store: BlockStore, context: str) -> str:
    """Unpack a submitted ``Context`` (base64 of a tar.gz) and publish it; returns its CID.

    ``ValueError`` with the Go node's text when it is not valid base64, gzip or
    tar, holds an unsafe name (absolute, ``..``, backslash) or a file over 10 MB;
    and when the whole context is over 100 MB or 10,000 entries.
    """
    try:
        archive = decode_std_base64(context)
    except ValueError:
        raise ValueError("illegal base64 data at input byte %d" % _first_bad_base64_byte(context)) from None
    work = Path(tempfile.mkdtemp(prefix="bacalhau-pin-context-"))
    try:
        folder = work / "context"
        folder.mkdir(mode=0o755)
        _extract(archive, folder)
        return store.publish(folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _first_bad_base64_byte(text: str) -> int:
    """Where Go's decoder stops in ``text``, counted in ``text`` itself (the line breaks it skips included)."""
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    kept = [index for index, char in enumerate(text) if char not in "\r\n"]
    data = "".join(text[index] for index in kept)
    body = data.rstrip("=")
    for position, char in enumerate(body):
        if char not in alphabet:
            return kept[position]
    position = len(body) - len(body) % 4 if len(data) % 4 else len(body)
    return kept[position] if position < len(kept) else len(text)


def _extract(archive: bytes, folder: Path) -> None:
    """Go's ``targzip.Decompress``: folders and regular files only, names checked, sizes limited."""
    if len(archive) < 10:
        raise ValueError("unexpected EOF" if archive else "EOF")
    if archive[:2] != b"\x1f\x8b":
        raise ValueError("gzip: invalid header")
    try:
        tar_bytes = gzip.GzipFile(fileobj=io.BytesIO(archive)).read(CONTEXT_TOTAL_LIMIT + 1)
    except (EOFError, OSError, zlib.error) as error:
        raise ValueError(_go_archive_error(error)) from None
    if len(tar_bytes) > CONTEXT_TOTAL_LIMIT:
        raise ValueError("context bigger than max size %d MB" % (CONTEXT_TOTAL_LIMIT >> 20))
    if not tar_bytes:
        return  # Go's tar reader ends cleanly on an empty stream: an empty context
    entries = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(tar_bytes), mode="r|") as tar:
            for member in tar:
                entries += 1
                if entries > CONTEXT_ENTRY_LIMIT:
                    raise ValueError("context holds more than %d entries" % CONTEXT_ENTRY_LIMIT)
                target = _safe_target(folder, member.name)
                if member.isdir():
                    target.mkdir(mode=0o755, parents=True, exist_ok=True)
                elif member.isreg():
                    if member.size > MAX_CONTEXT_FILE_BYTES:  # pkg/util/targzip's 10 MB (of 1024 * 1024)
                        raise ValueError("file %s bigger than max size 10.0 MB" % member.name)
                    source = tar.extractfile(member)
                    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
                    with os.fdopen(os.open(target, flags, member.mode & 0o777 or 0o644), "wb") as out:
                        shutil.copyfileobj(source, out)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise ValueError(_go_archive_error(error)) from None


def _go_archive_error(error: BaseException) -> str:
    if isinstance(error, EOFError) or "unexpected end" in str(error).lower() or "truncated" in str(error).lower():
        return "unexpected EOF"
    if isinstance(error, (tarfile.TarError,)):
        return "archive/tar: invalid tar header"
    if isinstance(error, (gzip.BadGzipFile, zlib.error)):
        return "gzip: invalid header" if isinstance(error, gzip.BadGzipFile) else "flate: corrupt input"
    return str(error)


def _safe_target(folder: Path, name: str) -> Path:
    """Where a tar entry goes; ``ValueError`` (Go's text) for a name that could leave ``folder``."""
    parts = PurePosixPath(name).parts
    if (not name or "\\" in name or "\0" in name or name.startswith("/") or ".." in parts):
        raise ValueError("tar contained invalid name error %s" % _go_quote(name))
    target = folder.joinpath(*[part for part in parts if part != "."]) if parts else folder
    current = folder
    for part in target.relative_to(folder).parts[:-1]:
        current = current / part
        if current.is_symlink():
            raise ValueError("%s: %s" % ("content filepath is tainted", name))
        current.mkdir(mode=0o755, exist_ok=True)
    return target


def _go_quote(text: str) -> str:
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')

