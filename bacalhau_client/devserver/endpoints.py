"""What each endpoint of the local node answers, status code and bytes as the Go node writes them.

Every function takes the node and the request body and returns an
:class:`Answer`; a refused request raises :class:`RequestError` carrying its
answer. The HTTP layer (:mod:`.http_handler`) only routes and writes.
"""

import json
import platform
import shutil
import sys
import tempfile
import uuid
from typing import Any, Dict, List, NamedTuple, Optional

from bacalhau_client._go import marshal as encode_value, sorted_map
from bacalhau_client.canonical import encode_model
from bacalhau_client.devserver.decoding import decode_request, go_base64_text
from bacalhau_client.devserver.publisher import publish_context
from bacalhau_client.devserver.record import JobRecord
from bacalhau_client.models.enums import JobStateType, StorageSourceType
from bacalhau_client.models.job_state import JOB_NOT_FOUND_CODE, job_not_found_message
from bacalhau_client.models.timestamp import Timestamp

JSON_TYPE = "application/json"
TEXT_TYPE = "text/plain; charset=utf-8"
UNKNOWN_ERROR_CODE = "error-unknown-server-error"
DEFAULT_TIMEOUT_SECONDS = 1800
CONTEXT_MOUNT_PATH = "/job"
JOB_EVENT_TOPIC = "bacalhau-job-event"
BUILD_VERSION = {"major": "0", "minor": "3", "gitversion": "v0.3.0-local", "gitcommit": "local"}


class Answer(NamedTuple):
    """An HTTP answer: status, ``Content-Type`` and body."""

    status: int
    content_type: str
    body: bytes


class RequestError(Exception):
    """The node refuses the request with ``answer``."""

    def __init__(self, answer: Answer):
        super().__init__(answer.body.decode("utf-8", errors="replace").strip())
        self.answer = answer


def json_answer(text: str) -> Answer:
    """200 with JSON text, newline-terminated as Go's ``json.Encoder`` writes it."""
    return Answer(200, JSON_TYPE, (text + "\n").encode("utf-8"))


def text_answer(text: str, status: int = 200) -> Answer:
    """Plain text as Go's ``ResponseWriter`` sends it."""
    return Answer(status, TEXT_TYPE, text.encode("utf-8"))


def error_answer(status: int, line: str) -> Answer:
    """Go's ``http.Error``: one line of text and a newline."""
    return text_answer(line + "\n", status)


def envelope_answer(status: int, code: str, message: str, details: Optional[Dict[str, Any]] = None) -> Answer:
    """``http.Error`` whose line is the node's JSON error envelope."""
    envelope = {"Code": code, "Message": message, "Details": sorted_map(details or {}), "Err": message}
    return error_answer(status, encode_value(envelope))


def bad_request(message: str) -> Answer:
    """How the endpoints other than ``/submit`` refuse a body: 400 with the decoder's (or body reader's) line."""
    return error_answer(400, message)


def bad_submit(message: str) -> Answer:
    """How ``/submit`` refuses a request, its body included: 400 with the line in the JSON error envelope."""
    return envelope_answer(400, UNKNOWN_ERROR_CODE, message)


def _decode(body: bytes, class_name: str) -> Dict[str, Any]:
    """The request's fields; a bad body is a 400 with Go's decoder message."""
    try:
        return decode_request(body, class_name)
    except ValueError as error:
        raise RequestError(bad_request(str(error))) from None


def submit(node, body: bytes) -> Answer:
    """``POST /submit``: check the signature and the job (§5.2, §5.5), store it, start its life."""
    from bacalhau_client.signing import client_id_from_public_key, validate_job, verify_signature

    def refuse(message: str) -> RequestError:
        return RequestError(bad_submit(message))

    try:
        request = decode_request(body, "PublicapiSubmitRequest")
    except ValueError as error:
        raise refuse(str(error)) from None
    canonical = encode_value(request["data"]).encode("utf-8")  # what Go's json.Marshal makes of data
    payload = json.loads(canonical)
    client_id = payload.get("ClientID", "")
    if not client_id:
        raise refuse("job deal must contain a client ID")
    if not request["signature"]:
        raise refuse("client's signature is required")
    if not request["client_public_key"]:
        raise refuse("client's public key is required")
    public_key = go_base64_text(request["client_public_key"])
    try:
        key_client_id = client_id_from_public_key(public_key)
    except ValueError as error:
        raise refuse("error verifying client ID: %s" % error) from None
    if key_client_id != client_id:
        raise refuse("client's public key does not match client ID")
    if not verify_signature(public_key, canonical, go_base64_text(request["signature"])):
        raise refuse("client's signature is invalid: crypto/rsa: verification error")
    try:
        validate_job(payload, first_only=True)
    except ValueError as error:
        raise refuse(str(error)) from None
    context_cid = _pinned_context(node, payload.get("Context"))
    job = _stored_job(node, payload, context_cid)
    node.accept_job(job)
    return json_answer('{"job":%s}' % encode_model("ModelJob", job))  # as stored: no state yet


def _pinned_context(node, context: Optional[str]) -> Optional[str]:
    """The CID of a payload's ``Context`` once unpacked and published, as the Go node pins it to IPFS.

    ``context`` is text: :func:`decode_request` refused any other type with a
    400. Refused after the signature and job checks, as Go refuses it: a 500
    carrying the base64, gzip, tar or path error.
    """
    if not context:
        return None
    try:
        return publish_context(node.blocks, context)
    except ValueError as error:
        raise RequestError(envelope_answer(500, UNKNOWN_ERROR_CODE, str(error))) from None


def _stored_job(node, payload: Dict[str, Any], context_cid: Optional[str] = None) -> Dict[str, Any]:
    """The job the node stores for a verified payload (§6)."""
    submitted = payload.get("Job") or {}
    spec = dict(submitted.get("Spec") or {})
    if not spec.get("Timeout") or spec["Timeout"] <= 0:
        spec["Timeout"] = DEFAULT_TIMEOUT_SECONDS
    if context_cid:
        context = {"StorageSource": StorageSourceType.IPFS, "CID": context_cid, "path": CONTEXT_MOUNT_PATH}
        spec["Contexts"] = list(spec.get("Contexts") or []) + [context]
    return {
        "APIVersion": submitted.get("APIVersion", ""),
        "ID": str(uuid.uuid4()),
        "RequesterNodeID": node.node_id,
        "RequesterPublicKey": node.public_key,
        "ClientID": payload["ClientID"],
        "Spec": spec,
        "Deal": dict(submitted.get("Deal") or {}),
        "ExecutionPlan": {"ShardsTotal": 1},  # the local node does not split jobs into shards
        "CreatedAt": Timestamp.now(),
    }


def list_jobs(node, body: bytes) -> Answer:
    """``POST /list``: one job by ID or short ID, else the client's (or all) jobs, sorted, truncated."""
    request = _decode(body, "PublicapiListRequest")
    store = node.store
    with store.lock:
        if request["id"]:
            record = store.get_by_id_or_short_id(request["id"])
            if record is None:
                raise RequestError(envelope_answer(400, JOB_NOT_FOUND_CODE, job_not_found_message(request["id"]),
                                                   {"id": request["id"]}))
            records = [record]
        elif request["return_all"]:
            records = store.all()
        else:
            records = [record for record in store.all() if record.job.get("ClientID") == request["client_id"]]
        records = _sorted(records, request["sort_by"], request["sort_reverse"])[:max(request["max_jobs"], 0)]
        return _list_answer("jobs", "ModelJob", [record.stored_job() for record in records])


def _sorted(records: List[JobRecord], sort_by: str, reverse: bool) -> List[JobRecord]:
    if sort_by == "created_at":
        return sorted(records, key=lambda record: record.sequence, reverse=reverse)
    if sort_by == "id":
        return sorted(records, key=lambda record: record.job_id, reverse=reverse)
    return records


def _job_record(node, job_id: str) -> JobRecord:
    """The job a /states, /events, /local_events or /results request names (caller holds the lock)."""
    record = node.store.get(job_id)
    if record is None:
        raise RequestError(error_answer(500, job_not_found_message(job_id)))
    return record


def states(node, body: bytes) -> Answer:
    """``POST /states``: the job's current state."""
    job_id = _decode(body, "PublicapiStateRequest")["job_id"]  # decoded before taking the lock
    with node.store.lock:
        record = _job_record(node, job_id)
        return json_answer('{"state":%s}' % encode_model("ModelJobState", record.job_state()))


def events(node, body: bytes) -> Answer:
    """``POST /events``: the job's events in the order they happened."""
    job_id = _decode(body, "PublicapiEventsRequest")["job_id"]
    with node.store.lock:
        record = _job_record(node, job_id)
        return _list_answer("events", "ModelJobEvent", record.events)


def local_events(node, body: bytes) -> Answer:
    """``POST /local_events``: what this node decided about the job (``[]`` before anything, as Go's store)."""
    job_id = _decode(body, "PublicapiLocalEventsRequest")["job_id"]
    with node.store.lock:
        record = _job_record(node, job_id)
        return _list_answer("localEvents", "ModelJobLocalEvent", record.local_events)


def results(node, body: bytes) -> Answer:
    """``POST /results``: one entry per shard whose results were published."""
    job_id = _decode(body, "PublicapiStateRequest")["job_id"]
    with node.store.lock:
        record = _job_record(node, job_id)
        return _list_answer("results", "ModelPublishedResult", record.results)


def _list_answer(key: str, class_name: str, items: List[Dict[str, Any]]) -> Answer:
    """``{"<key>":[...]}``, each item written as Go writes ``class_name``."""
    return json_answer('{"%s":[%s]}' % (key, ",".join(encode_model(class_name, item) for item in items)))


def version(node, body: bytes) -> Answer:
    """``POST /version``: this node's build."""
    _decode(body, "PublicapiVersionRequest")
    info = dict(BUILD_VERSION, builddate=node.started_at, goos=_go_os(), goarch=_go_arch())
    return json_answer('{"build_version_info":%s}' % encode_model("ModelBuildVersionInfo", info))


def livez(node, body: bytes) -> Answer:
    """``GET /livez``."""
    return text_answer("OK")


def readyz(node, body: bytes) -> Answer:
    """``GET /readyz``."""
    return text_answer("READY")


def healthz(node, body: bytes) -> Answer:
    """``GET /healthz``: free space of the disks the node would use (no IPFS mount: zeros)."""
    free_space = {"IPFSMount": _mount_status(None), "root": _mount_status("/"),
                  "tmp": _mount_status(tempfile.gettempdir())}
    return json_answer(encode_value({"FreeSpace": free_space}))


def _mount_status(path: Optional[str]) -> Dict[str, int]:
    if path is None:
        return {"All": 0, "Used": 0, "Free": 0}
    usage = shutil.disk_usage(path)
    return {"All": usage.total, "Used": usage.used, "Free": usage.free}


def logz(node, body: bytes) -> Answer:
    """``GET /logz``: the node's recent log lines."""
    return text_answer(node.store.log_text())


def varz(node, body: bytes) -> Answer:
    """``GET /varz``: ``{}``, as v0.3 nodes answer."""
    return json_answer("{}")


def debug(node, body: bytes) -> Answer:
    """``GET /debug``: the jobs still in progress, as the requester sees them."""
    with node.store.lock:
        active = [record for record in node.store.all() if not record.is_finished()]
        requester_jobs = [{"ShardID": "%s:0" % record.job_id,
                           "State": "Running" if record.shards else "Bidding",
                           "BiddingNodesCount": len(record.shards),
                           "CompletedNodesCount": sum(1 for shards in record.shards.values() for shard in
                                                      shards.values() if shard.get("State") == JobStateType.COMPLETED)}
                          for record in active]
    return json_answer(encode_value({"AvailableComputeCapacity": {}, "ComputeJobs": None,
                                     "RequesterJobs": requester_jobs or None}))


def peer_id(node, body: bytes) -> Answer:
    """``GET /id``: the node's peer ID, a JSON string."""
    return json_answer(encode_value(node.node_id))


def peers(node, body: bytes) -> Answer:
    """``GET /peers``: the compute nodes, under the job event topic."""
    return json_answer(encode_value(sorted_map({JOB_EVENT_TOPIC: list(node.compute_node_ids)})))


def _go_os() -> str:
    return {"win32": "windows", "darwin": "darwin"}.get(sys.platform, "linux" if sys.platform.startswith("linux")
                                                          else sys.platform)


def _go_arch() -> str:
    machine = platform.machine().lower()
    return {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
