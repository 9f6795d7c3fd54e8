"""Identifiers that look like the real network's: peer IDs and CIDs (``Qm...``), all derived from hashes.

Nothing here is resolvable on IPFS or libp2p; the values only need the right
shape (so code that parses or shortens them works) and to be deterministic
(so tests can predict them).
"""

import hashlib
from typing import List

from bacalhau_client.ipfs.multiformats import base58_encode as base58

# A CIDv0 is base58 of a sha2-256 multihash: 0x12 (sha2-256), 0x20 (32 bytes), the digest.
_MULTIHASH_SHA256_PREFIX = b"\x12\x20"
_CID_LENGTH = 46


def fake_cid(*parts: object) -> str:
    """A CIDv0-shaped ``Qm...`` string determined by ``parts``."""
    digest = hashlib.sha256("\0".join(str(part) for part in parts).encode("utf-8")).digest()
    return base58(_MULTIHASH_SHA256_PREFIX + digest)


def fake_peer_id(label: str, *parts: object) -> str:
    """A 46-character ``Qm<label>...`` peer ID determined by ``label`` and ``parts``."""
    prefix = "Qm" + label
    return prefix + fake_cid(label, *parts)[len(prefix):_CID_LENGTH]


def compute_node_ids(count: int) -> List[str]:
    """The peer IDs of ``count`` simulated compute nodes: ``QmCompute...``, the same for every node."""
    return [fake_peer_id("Compute", "compute-node", index) for index in range(count)]
