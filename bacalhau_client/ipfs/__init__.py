"""IPFS results without an IPFS node: compute UnixFS CIDs, and fetch verified CARs from trustless gateways.

- :func:`unixfs_add` gives the CID ``ipfs add -r`` (kubo defaults) prints for a file or folder.
- :func:`fetch` downloads a CID from a gateway as a CAR and writes the file or
  folder only after every block matched its CID.
- :class:`CarWriter`, :func:`read_car` write and read CARv1 streams; :class:`CID`
  parses and prints CIDs.

This module needs nothing beyond the SDK's own dependencies. The gateway client
(:mod:`bacalhau_client.ipfs.gateway`, which brings the HTTP transport) loads on
first use of its names, so the codec alone (the local node's side) stays light.
"""

import importlib
from typing import TYPE_CHECKING

from bacalhau_client.ipfs.car import (
    CAR_ACCEPT, CarError, CarTruncatedError, CarWriter, encode_header, encode_section, read_car,
)
from bacalhau_client.ipfs.importer import unixfs_add
from bacalhau_client.ipfs.multiformats import CID
from bacalhau_client.ipfs.unpack import unpack_car

if TYPE_CHECKING:  # the lazy names below, for type checkers and editors
    from bacalhau_client.ipfs.gateway import DEFAULT_GATEWAY, GATEWAY_ENV, fetch, resolve_gateway  # noqa: F401

_GATEWAY_NAMES = ("DEFAULT_GATEWAY", "GATEWAY_ENV", "fetch", "resolve_gateway")

__all__ = ["CAR_ACCEPT", "CID", "CarError", "CarTruncatedError", "CarWriter", "DEFAULT_GATEWAY", "GATEWAY_ENV",
           "encode_header", "encode_section", "fetch", "read_car", "resolve_gateway", "unixfs_add", "unpack_car"]


def __getattr__(name: str):
    if name in _GATEWAY_NAMES:
        value = getattr(importlib.import_module("bacalhau_client.ipfs.gateway"), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


def __dir__():
    return sorted(set(globals()) | set(__all__))
