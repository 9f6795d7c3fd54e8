"""The local node's IPFS side: a block store on disk, publishing folders into it, and unpacking job contexts.

A Go compute node adds each shard's results folder to IPFS (kubo ``ipfs add -r``
defaults) and reports the root CID; the requester pins a submitted job's
``Context`` (base64 of a tar.gz) the same way. The local node does both with
:func:`bacalhau_client.ipfs.unixfs_add`, so its CIDs are the ones kubo would
print, and keeps the blocks in a :class:`BlockStore` that its gateway serves.
"""

import base64
import binascii
import gzip
import io
import os
import shutil
import tarfile
import tempfile
import threading
import zlib
from pathlib import Path, PurePosixPath
from typing import Iterator, Optional, Tuple

from bacalhau_client.ipfs import CID, unixfs_add, unpack_car
from bacalhau_client.ipfs.dagpb import decode_node
from bacalhau_client.ipfs.multiformats import DAG_PB, IDENTITY

# pkg/util/targzip: each file of a context is at most 10 MB (datasize.MB = 1024 * 1024).
CONTEXT_FILE_LIMIT = 10 * 1024 * 1024
# Beyond Go: bounds on the whole unpacked context and its entries, so a small upload cannot fill the disk.
CONTEXT_TOTAL_LIMIT = 100 * 1024 * 1024
CONTEXT_ENTRY_LIMIT = 10000
# pkg/executor/results.go: stdout and stderr files are cut at 1 GiB, exitCode at 4 characters.
MAX_STREAM_FILE_BYTES = 1 << 30
MAX_EXIT_CODE_CHARS = 4


class BlockStore:
    """Blocks by CID in a private temporary folder (one file each), until :meth:`close`."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="bacalhau-local-blocks-"))
        self._lock = threading.Lock()

    def put(self, cid: CID, block: bytes) -> None:
        """Store a block (the caller computed ``cid`` from it); storing it twice is harmless."""
        path = self.root / str(cid)
        if path.exists():
            return
        with self._lock:
            partial = path.with_name(path.name + ".partial")
            partial.write_bytes(block)
            os.replace(partial, path)

    def get(self, cid: CID) -> Optional[bytes]:
        """The block, or ``None`` when the store does not have it."""
        if cid.hash_code == IDENTITY:
            return cid.digest
        try:
            return (self.root / str(cid)).read_bytes()
        except FileNotFoundError:
            return None

    def size(self, cid: CID) -> Optional[int]:
        """The block's length, or ``None`` when the store does not have it."""
        if cid.hash_code == IDENTITY:
            return len(cid.digest)
        try:
            return (self.root / str(cid)).stat().st_size
        except FileNotFoundError:
            return None

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
                block = self.get(cid)
                if block is None:
                    raise KeyError(str(cid))
                links, _ = decode_node(block)
                stack.extend(CID.from_bytes(link.cid) for link in reversed(links))

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
        """Write the DAG ``root`` to ``dest`` from the store, checking every block again on the way."""
        cid = CID.parse(root)
        spool = dest.with_name(dest.name + ".spool")
        try:
            unpack_car(iter(self.sections(cid)), cid, dest, spool)
        finally:
            if spool.exists():
                spool.unlink()

    def close(self) -> None:
        """Delete every block."""
        shutil.rmtree(self.root, ignore_errors=True)


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
        archive = base64.b64decode(context.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
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
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    body = text.rstrip("=")
    for index, char in enumerate(body):
        if char not in alphabet:
            return index
    return len(body) - len(body) % 4 if len(text) % 4 else len(body)


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
                    if member.size > CONTEXT_FILE_LIMIT:
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

