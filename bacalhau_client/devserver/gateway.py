"""The local node's trustless gateway: ``GET``/``HEAD /ipfs/{cid}`` as a CAR or a raw block (RESULTS.md §4).

It serves every block the node holds (published results, pinned contexts):

- ``?format=car`` or ``Accept: application/vnd.ipld.car``: the DAG under the CID,
  depth-first, each block once (``order=dfs; dups=n``), with its length known up front;
- ``?format=raw`` or ``Accept: application/vnd.ipld.raw``: the one block;
- anything else: 406, since this gateway does not render files or folders;
- an unknown CID: 404; a malformed one, one whose DAG does not decode, or a path below the CID: 400.
"""

from typing import List, Optional, Tuple, Union
from urllib.parse import parse_qs

from bacalhau_client.devserver.endpoints import error_answer
from bacalhau_client.devserver.publisher import BlockStore, FileSpan
from bacalhau_client.ipfs.car import CAR_ACCEPT, CAR_MEDIA_TYPE, encode_header
from bacalhau_client.ipfs.multiformats import CID

PATH_PREFIX = "/ipfs/"
RAW_TYPE = "application/vnd.ipld.raw"


def serve(exchange) -> None:
    """Answer one ``/ipfs/`` request from the blocks the node holds (a route of the node's HTTP server)."""
    request = exchange.request
    store = exchange.node.blocks
    text = request.path[len(PATH_PREFIX):]
    if request.method not in ("GET", "HEAD"):
        return _error(exchange, 405, "method not allowed: the gateway answers GET and HEAD", {"Allow": "GET, HEAD"})
    if "/" in text.rstrip("/"):
        return _error(exchange, 400, "paths below a CID are not served: ask for the CID itself")
    try:
        cid = CID.parse(text.rstrip("/"))
    except ValueError as error:
        return _error(exchange, 400, "invalid CID: %s" % error)
    wanted = _wanted_format(parse_qs(request.query).get("format", [""])[0], request.header("Accept") or "")
    if wanted is None:
        return _error(exchange, 406, "this gateway serves only %s (?format=car) and %s (?format=raw)"
                      % (CAR_MEDIA_TYPE, RAW_TYPE))
    if store.size(cid) is None:
        return _error(exchange, 404, "block %s not found" % cid)
    if wanted == "raw":
        block = store.get(cid)
        return exchange.stream(200, {"Content-Type": RAW_TYPE,
                                     "Content-Disposition": 'attachment; filename="%s.bin"' % cid}, [block], len(block))
    try:
        sections = store.car_sections(cid)
    except KeyError as missing:
        return _error(exchange, 404, "block %s of %s not found" % (missing.args[0], cid))
    except ValueError as error:  # a dag-pb block that does not decode, such as one inlined in an identity CID
        return _error(exchange, 400, "the DAG under %s does not decode as dag-pb: %s" % (cid, error))
    header = encode_header([cid])
    length = len(header) + sum(len(section) if isinstance(section, bytes) else section[1] for section in sections)
    exchange.stream(200, {"Content-Type": CAR_ACCEPT, "X-Content-Type-Options": "nosniff",
                          "Content-Disposition": 'attachment; filename="%s.car"' % cid},
                    _car_body(store, header, sections), length)


def _wanted_format(query_format: str, accept: str) -> Optional[str]:
    if query_format in ("car", "raw"):
        return query_format
    if query_format:
        return None
    media_types = [item.split(";")[0].strip().lower() for item in accept.split(",")]
    if CAR_MEDIA_TYPE in media_types:
        return "car"
    if RAW_TYPE in media_types:
        return "raw"
    return None


def _car_body(store: BlockStore, header: bytes, sections: List[Union[bytes, Tuple[int, int]]]):
    """The CAR's bytes: the header, then the sections as runs of the store's pack file (sent with ``sendfile``)."""
    yield header
    with store.open_pack() as pack:
        for section in sections:
            yield section if isinstance(section, bytes) else FileSpan(pack, *section)


def _error(exchange, status: int, line: str, headers: Optional[dict] = None) -> None:
    exchange.send(error_answer(status, line), headers)
