"""IPFS results without an IPFS node: compute UnixFS CIDs, and fetch verified CARs from trustless gateways.

- :func:`unixfs_add` gives the CID ``ipfs add -r`` (kubo defaults) prints for a file or folder.
- :func:`fetch` downloads a CID from a gateway as a CAR and writes the file or
  folder only after every block matched its CID.
- :class:`CarWriter`, :func:`read_car` write and read CARv1 streams; :class:`CID`
  parses and prints CIDs.

This module needs nothing beyond the SDK's own dependencies.
"""

from bacalhau_client.ipfs.car import CarError, CarTruncatedError, CarWriter, encode_header, encode_section, read_car
from bacalhau_client.ipfs.gateway import CAR_ACCEPT, DEFAULT_GATEWAY, GATEWAY_ENV, fetch, resolve_gateway
from bacalhau_client.ipfs.importer import unixfs_add
from bacalhau_client.ipfs.multiformats import CID
from bacalhau_client.ipfs.unpack import unpack_car

__all__ = ["CAR_ACCEPT", "CID", "CarError", "CarTruncatedError", "CarWriter", "DEFAULT_GATEWAY", "GATEWAY_ENV",
           "encode_header", "encode_section", "fetch", "read_car", "resolve_gateway", "unixfs_add", "unpack_car"]
