"""JSON written the way the Go node writes its answers.

The node keeps its jobs, events and states as sparse wire dicts (only the keys
that carry a value). :func:`encode_model` writes such a dict as Go writes the
struct behind the model: keys in struct order, ``omitempty`` keys left out
when empty, struct fields always present (``{}`` when empty), zero times as
``0001-01-01T00:00:00Z``, map keys sorted, strings escaped as Go escapes them.
It is the very encoder :func:`bacalhau_client.canonical.canonical_json` uses,
so the node and the signer cannot disagree about a byte.
"""

from typing import Any, Dict

from bacalhau_client.canonical import encode_model, go_json

__all__ = ["encode_map", "encode_model", "encode_value", "sorted_map"]


def encode_value(value: Any) -> str:
    """A plain JSON value (dicts keep their order; see :func:`encode_map` for Go maps)."""
    return go_json(value)


def sorted_map(mapping: Dict[str, Any]) -> Dict[str, Any]:
    """A Go map's key order: sorted by the keys' bytes."""
    return {key: mapping[key] for key in sorted(mapping, key=lambda key: key.encode("utf-8"))}


def encode_map(mapping: Dict[str, Any]) -> str:
    """A Go map, keys sorted by their bytes."""
    return encode_value(sorted_map(mapping))
