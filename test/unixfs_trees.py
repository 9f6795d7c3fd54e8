"""The UnixFS fixture trees (test/fixtures/unixfs): their descriptions, rebuilt on disk, and CAR helpers."""

import base64
import hashlib
import io
import json
from pathlib import Path
from typing import Dict, List, Tuple

from bacalhau_client.ipfs import CID, encode_header, encode_section
from bacalhau_client.ipfs.car import read_car

UNIXFS = Path(__file__).resolve().parent / "fixtures" / "unixfs"
TREE_NAMES = sorted(path.stem for path in UNIXFS.glob("*.json") if path.name != "index.json")
KUBO_TREES = [name for name in TREE_NAMES if "cidv1" not in name]


def description(name: str) -> dict:
    return json.loads((UNIXFS / (name + ".json")).read_text(encoding="utf-8"))


def prng_bytes(seed: str, size: int) -> bytes:
    """The fixture generator's bytes: SHA-256(seed || uint64_be(i)) concatenated, cut to ``size``."""
    out, index = bytearray(), 0
    while len(out) < size:
        out += hashlib.sha256(seed.encode() + index.to_bytes(8, "big")).digest()
        index += 1
    return bytes(out[:size])


def file_bytes(entry: dict) -> bytes:
    if "content_b64" in entry:
        return base64.b64decode(entry["content_b64"])
    return prng_bytes(entry["prng"]["seed"], entry["prng"]["size"])


def build_tree(name: str, root: Path) -> Path:
    """Write the tree ``name`` describes under ``root`` (created); returns ``root``."""
    tree = description(name)
    root.mkdir(parents=True)
    for folder in tree["dirs"]:
        (root / folder).mkdir(parents=True, exist_ok=True)
    for path, entry in tree["files"].items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(file_bytes(entry))
    return root


def expected_files(name: str) -> Dict[str, bytes]:
    """The files the fixture tree ``name`` holds: relative POSIX path -> bytes (as :func:`tree_files` reads them)."""
    return {path: file_bytes(entry) for path, entry in description(name)["files"].items()}


def tree_files(root: Path) -> Dict[str, bytes]:
    """Every regular file below ``root``: relative POSIX path -> bytes."""
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def tree_dirs(root: Path) -> List[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_dir())


def car_bytes(name: str, variant: str = "") -> bytes:
    return (UNIXFS / ("%s%s.car" % (name, variant))).read_bytes()


def car_blocks(data: bytes) -> List[Tuple[CID, bytes]]:
    """The verified sections of a CAR."""
    return [(cid, bytes(block)) for cid, block in read_car(io.BytesIO(data))]


def make_car(roots: List[CID], blocks: List[Tuple[CID, bytes]]) -> bytes:
    """A CARv1 with these roots and sections, as given (the tests use it to tamper)."""
    return encode_header(roots) + b"".join(b"".join(encode_section(cid, block)) for cid, block in blocks)

