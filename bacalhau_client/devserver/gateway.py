"""The local node's trustless gateway: ``GET``/``HEAD /ipfs/{cid}`` as a CAR or a raw block (RESULTS.md §4).

It serves every block the node holds (published results, pinned contexts):

- ``?format=car`` or ``Accept: application/vnd.ipld.car``: the DAG under the CID,
  depth-first, each block once (``order=dfs; dups=n``), with its length known up front;
- ``?format=raw`` or ``Accept: application/vnd.ipld.raw``: the one block;
- anything else: 406, since this gateway does not render files or folders;
- an unknown CID: 404; a malformed one, or a path below the CID: 400.
"""

from typing import List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

from bacalhau_client.ipfs import CID, encode_header
from bacalhau_client.ipfs.multiformats import encode_varint

PATH_PREFIX = "/ipfs/"
CAR_TYPE = "application/vnd.ipld.car"
RAW_TYPE = "application/vnd.ipld.raw"
CAR_CONTENT_TYPE = CAR_TYPE + "; version=1; order=dfs; dups=n"
TEXT_TYPE = "text/plain; charset=utf-8"


def serve(handler, store) -> None:
    """Answer one ``/ipfs/`` request on ``handler`` (a :class:`BaseHTTPRequestHandler`) from ``store``."""
    parts = urlsplit(handler.path)
    text = parts.path[len(PATH_PREFIX):]
    if handler.command not in ("GET", "HEAD"):
        return _error(handler, 405, "method not allowed: the gateway answers GET and HEAD", {"Allow": "GET, HEAD"})
    if "/" in text.rstrip("/"):
        return _error(handler, 400, "paths below a CID are not served: ask for the CID itself")
    try:
        cid = CID.parse(text.rstrip("/"))
    except ValueError as error:
        return _error(handler, 400, "invalid CID: %s" % error)
    wanted = _wanted_format(parse_qs(parts.query).get("format", [""])[0], handler.headers.get("Accept", ""))
    if wanted is None:
        return _error(handler, 406, "this gateway serves only %s (?format=car) and %s (?format=raw)"
                      % (CAR_TYPE, RAW_TYPE))
    if store.size(cid) is None:
        return _error(handler, 404, "block %s not found" % cid)
    if wanted == "raw":
        block = store.get(cid)
        return _send(handler, 200, RAW_TYPE, [block], len(block), {
            "Content-Disposition": 'attachment; filename="%s.bin"' % cid})
    try:
        plan = _car_plan(store, cid)
    except KeyError as missing:
        return _error(handler, 404, "block %s of %s not found" % (missing.args[0], cid))
    header = encode_header([cid])
    length = len(header) + sum(len(prefix) + size for _, prefix, size in plan)
    _send(handler, 200, CAR_CONTENT_TYPE, _car_body(store, header, plan), length, {
        "Content-Disposition": 'attachment; filename="%s.car"' % cid, "X-Content-Type-Options": "nosniff"})


def _wanted_format(query_format: str, accept: str) -> Optional[str]:
    if query_format in ("car", "raw"):
        return query_format
    if query_format:
        return None
    media_types = [item.split(";")[0].strip().lower() for item in accept.split(",")]
    if CAR_TYPE in media_types:
        return "car"
    if RAW_TYPE in media_types:
        return "raw"
    return None


def _car_plan(store, root: CID) -> List[Tuple[CID, bytes, int]]:
    """Each block of the CAR: its CID, the section's prefix (length varint and CID) and the block's size."""
    plan = []
    for cid in store.dag_order(root):
        size = store.size(cid)
        if size is None:
            raise KeyError(str(cid))
        plan.append((cid, encode_varint(len(cid.binary) + size) + cid.binary, size))
    return plan


def _car_body(store, header: bytes, plan):
    yield header
    for cid, prefix, _ in plan:
        yield prefix
        yield store.get(cid)


def _send(handler, status: int, content_type: str, body, length: int, headers: dict) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(length))
    for name, value in headers.items():
        handler.send_header(name, value)
    if handler.close_connection:
        handler.send_header("Connection", "close")
    handler.end_headers()
    if handler.command == "HEAD":
        return
    for part in body:
        handler.wfile.write(part)


def _error(handler, status: int, line: str, headers: Optional[dict] = None) -> None:
    body = (line + "\n").encode("utf-8")
    _send(handler, status, TEXT_TYPE, [body], len(body), dict(headers or {}, **{"X-Content-Type-Options": "nosniff"}))
