"""Identifiers that look like the real network's: peer IDs and CIDs (``Qm...``), all derived from hashes.

Nothing here is resolvable on IPFS or libp2p; the values only need the right
shape (so code that parses or shortens them works) and to be deterministic
(so tests can predict them).
"""

from typing import List

from bacalhau_client.ipfs.multiformats import CID

_CID_LENGTH = 46


def fake_cid(*parts: object) -> str:
    """A CIDv0 ``Qm...`` string determined by ``parts`` (of a block no node holds)."""
    return str(CID.for_block("\0".join(str(part) for part in parts).encode("utf-8")))


def fake_peer_id(label: str, *parts: object) -> str:
    """A 46-character ``Qm<label>...`` peer ID determined by ``label`` and ``parts``."""
    prefix = "Qm" + label
    return prefix + fake_cid(label, *parts)[len(prefix):_CID_LENGTH]


def compute_node_ids(count: int) -> List[str]:
    """The peer IDs of ``count`` simulated compute nodes: ``QmCompute...``, the same for every node."""
    return [fake_peer_id("Compute", "compute-node", index) for index in range(count)]
