"""The local requester node, checked through the SDK over real loopback HTTP."""

import base64
import gzip
import io
import json
import re
import socket
import subprocess
import sys
import tarfile
import threading
import time
import uuid

import pytest
import urllib3

from bacalhau_client import (
    ApiClient, ApiException, BadRequestError, Configuration, HealthApi, JobApi, MiscApi, NotFoundError,
    PublicapiEventsRequest, PublicapiListRequest, PublicapiLocalEventsRequest, PublicapiStateRequest,
)
from bacalhau_client.devserver import MAX_OUTPUT_BYTES, LocalRequesterNode
from bacalhau_client.canonical import encode_model
from bacalhau_client.devserver.ids import compute_node_ids
from bacalhau_client.jobs import MAX_CONTEXT_FILE_BYTES, docker_job
from bacalhau_client.models import ModelJob, ModelJobCreatePayload, ModelSpec
from bacalhau_client.signing import UserKey, client_id_from_public_key, sign_submit_request

FAST = 0.001
FINISH_TIMEOUT = 10.0


@pytest.fixture(scope="module")
def key():
    return UserKey.generate()


@pytest.fixture
def node():
    with LocalRequesterNode(step_delay=FAST) as running:
        yield running


def job_api(node):
    return JobApi(ApiClient(Configuration(host=node.url, retries=0)))


@pytest.fixture
def api(node):
    client = job_api(node)
    yield client
    client.api_client.close()


def submit(api, key, job=None):
    return api.submit(sign_submit_request(job or docker_job("ubuntu", ["echo", "hello"]), key)).job


def state_request(key, job_id):
    return PublicapiStateRequest(client_id=key.client_id, job_id=job_id)


def wait_finished(api, key, job_id):
    deadline = time.monotonic() + FINISH_TIMEOUT
    while time.monotonic() < deadline:
        job = api.list(PublicapiListRequest(id=job_id, max_jobs=1)).jobs[0]
        shards = [shard for node_state in (job.job_state.nodes or {}).values()
                  for shard in (node_state.shards or {}).values()]
        live = [shard.state for shard in shards if shard.state != "Cancelled"]
        if live and all(state in ("Completed", "Error") for state in live):
            return job
        time.sleep(0.005)
    raise AssertionError("job %s did not finish within %s s" % (job_id, FINISH_TIMEOUT))


def only_shard(job):
    (node_state,) = job.job_state.nodes.values()
    return node_state.shards["0"]


def raw_post(node, path, body):
    """POST raw bytes, bypassing the SDK (works with urllib3 1.26 and 2.x)."""
    with urllib3.PoolManager() as pool:
        return pool.request("POST", node.url + path, body=body, retries=False)


# --- start, stop, identity ---------------------------------------------------------------------

def test_node_listens_on_an_ephemeral_loopback_port(node):
    assert node.port > 0
    assert node.url == "http://127.0.0.1:%d" % node.port


def test_loading_the_node_leaves_out_the_http_client_and_the_gateway_client():
    code = ("import sys, bacalhau_client.devserver\n"
            "print(sorted(name for name in ('urllib3', 'bacalhau_client.ipfs.gateway', 'bacalhau_client.configuration')"
            " if name in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.PIPE, universal_newlines=True)
    assert loaded.stdout.strip() == "[]"


def test_url_before_start_raises_runtime_error():
    with pytest.raises(RuntimeError, match="not running"):
        LocalRequesterNode().url


def test_stop_ends_every_thread_and_closes_the_port(key):
    before = set(threading.enumerate())
    node = LocalRequesterNode(step_delay=FAST).start()
    api = job_api(node)
    job = submit(api, key)
    wait_finished(api, key, job.id)  # leaves a keep-alive connection open in the pool
    port = node.port
    node.stop()
    api.api_client.close()
    assert set(threading.enumerate()) - before == set()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_stop_interrupts_jobs_waiting_between_steps(key):
    node = LocalRequesterNode(step_delay=30).start()
    api = job_api(node)
    submit(api, key)
    started = time.monotonic()
    node.stop()
    api.api_client.close()
    assert time.monotonic() - started < 30


def test_compute_node_ids_are_distinct_and_the_same_for_every_node():
    first, second = LocalRequesterNode(compute_nodes=3), LocalRequesterNode(compute_nodes=3)
    assert first.compute_node_ids == second.compute_node_ids == compute_node_ids(3)
    assert len(set(first.compute_node_ids)) == 3
    assert all(re.fullmatch(r"QmCompute[1-9A-HJ-NP-Za-km-z]{37}", node_id) for node_id in first.compute_node_ids)


def test_each_node_has_its_own_key_and_peer_id():
    first, second = LocalRequesterNode(), LocalRequesterNode()
    assert first.public_key != second.public_key
    assert first.node_id != second.node_id
    assert first.node_id.startswith("QmLocal") and len(first.node_id) == 46
    assert len(client_id_from_public_key(first.public_key)) == 64


@pytest.mark.parametrize("options, message", [
    ({"compute_nodes": 0}, "compute_nodes: must be an integer from 1 to 1000, got 0"),
    ({"step_delay": -1}, "step_delay: must be a number of seconds >= 0, got -1"),
    ({"port": 70000}, "port: must be an integer from 0 to 65535, got 70000"),
    ({"executor": "echo"}, "executor: must be callable as executor(spec, shard_index), got 'echo'"),
])
def test_invalid_options_raise_value_error(options, message):
    with pytest.raises(ValueError) as error:
        LocalRequesterNode(**options)
    assert str(error.value) == message


# --- /submit -----------------------------------------------------------------------------------

def test_signed_submit_is_stored_as_the_go_node_stores_it(node, api, key):
    job = submit(api, key)
    assert uuid.UUID(job.id).version == 4
    assert job.requester_node_id == node.node_id
    assert job.requester_public_key == node.public_key
    assert job.client_id == key.client_id
    assert job.api_version == "V1beta1"
    assert job.execution_plan.shards_total == 1
    assert job.spec.docker.entrypoint == ["echo", "hello"]
    assert job.deal.concurrency == 1
    assert job.job_state.to_wire() == {}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z", job.created_at)


def test_go_signed_request_from_the_fixtures_is_accepted(node, fixtures_dir):
    body = (fixtures_dir / "keys" / "go_signed_submit_request.json").read_bytes()
    response = raw_post(node, "/submit", body)
    assert response.status == 200
    job = json.loads(response.data)["job"]
    assert job["ClientID"] == json.loads(body)["data"]["ClientID"]


def test_submit_answer_is_written_like_go(node, key):
    job = docker_job("ubuntu", ["echo", "<a&b>"])
    response = raw_post(node, "/submit", _encoded(sign_submit_request(job, key)))
    text = response.data.decode("utf-8")
    assert response.headers["Content-Type"] == "application/json"
    assert text.endswith("}\n") and text.count("\n") == 1
    assert '"Entrypoint":["echo","\\u003ca\\u0026b\\u003e"]' in text
    stored = json.loads(text)["job"]
    assert list(stored) == ["APIVersion", "ID", "RequesterNodeID", "RequesterPublicKey", "ClientID", "Spec",
                            "Deal", "ExecutionPlan", "CreatedAt", "JobState"]
    assert stored["Spec"]["Resources"] == {"GPU": ""} and stored["JobState"] == {}


def _encoded(request):
    from bacalhau_client.signing import encode_submit_request

    return encode_submit_request(request)


def test_timeout_of_zero_is_stored_as_1800_seconds(api, key):
    job = docker_job("ubuntu", ["true"])
    job.spec.timeout = 0
    assert submit(api, key, job).spec.timeout == 1800


def test_context_is_appended_as_an_ipfs_volume_at_job(api, key):
    payload = ModelJobCreatePayload(job=docker_job("ubuntu", ["ls", "/job"]), context="H4sIAAAAAAAA/wMAAAAAAAAAAAA=")
    stored = api.submit(sign_submit_request(payload, key)).job
    (context,) = stored.spec.contexts
    assert (context.storage_source, context.path) == ("IPFS", "/job")
    assert re.fullmatch(r"Qm[1-9A-HJ-NP-Za-km-z]{44}", context.cid)


def test_line_breaks_in_the_context_are_skipped_as_go_s_base64_decoder_skips_them(api, key):
    def context_cid(context):
        payload = ModelJobCreatePayload(job=docker_job("ubuntu", ["ls", "/job"]), context=context)
        return api.submit(sign_submit_request(payload, key)).job.spec.contexts[0].cid

    assert context_cid("H4sIAAAA\r\nAAAA/wMA\nAAAAAAAA\r\nAAA=\n") == context_cid("H4sIAAAAAAAA/wMAAAAAAAAAAAA=")


def test_a_context_file_over_go_s_10_mb_is_refused_with_go_s_500(node, key):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("big.bin")
        info.size = MAX_CONTEXT_FILE_BYTES + 1
        archive.addfile(info, io.BytesIO(bytes(info.size)))
    context = base64.b64encode(gzip.compress(buffer.getvalue())).decode()
    payload = ModelJobCreatePayload(job=docker_job("ubuntu", ["true"]), context=context)
    response = raw_post(node, "/submit", _encoded(sign_submit_request(payload, key)))
    assert (response.status, json.loads(response.data)["Message"]) == (500, "file big.bin bigger than max size 10.0 MB")
    assert node.jobs() == []


@pytest.mark.parametrize("context, offset", [("QUJD\r\nQUJ!", 9), ("QUJD\r\nQ", 6), ("Q===", 1)])
def test_a_context_that_is_not_base64_is_refused_at_go_s_offset(node, key, context, offset):
    payload = ModelJobCreatePayload(job=docker_job("ubuntu", ["true"]), context=context)
    response = raw_post(node, "/submit", _encoded(sign_submit_request(payload, key)))
    assert response.status == 500
    assert json.loads(response.data)["Message"] == "illegal base64 data at input byte %d" % offset


def refused(api, request):
    with pytest.raises(BadRequestError) as error:
        api.submit(request)
    return error.value


def test_tampered_signature_is_refused_with_the_error_envelope(api, key):
    request = sign_submit_request(docker_job("ubuntu", ["echo", "hello"]), key)
    request.data.job.spec.docker.entrypoint = ["echo", "tampered"]
    error = refused(api, request)
    assert (error.status, error.code) == (400, "error-unknown-server-error")
    assert error.message == "client's signature is invalid: crypto/rsa: verification error"
    assert error.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert json.loads(error.body) == {"Code": "error-unknown-server-error", "Message": error.message,
                                      "Details": {}, "Err": error.message}


def test_client_id_of_another_key_is_refused(api, key):
    request = sign_submit_request(docker_job("ubuntu", ["true"]), key)
    request.client_public_key = UserKey.generate().public_key
    assert refused(api, request).message == "client's public key does not match client ID"


def test_missing_signature_is_refused(node, key):
    request = json.loads(_encoded(sign_submit_request(docker_job("ubuntu", ["true"]), key)))
    request["signature"] = ""
    error = _raw_refusal(node, json.dumps(request).encode())
    assert error["Message"] == "client's signature is required"


def test_missing_client_id_is_refused(node, key):
    request = json.loads(_encoded(sign_submit_request(docker_job("ubuntu", ["true"]), key)))
    del request["data"]["ClientID"]
    assert _raw_refusal(node, json.dumps(request).encode())["Message"] == "job deal must contain a client ID"


def test_unparseable_public_key_is_refused(node, key):
    request = json.loads(_encoded(sign_submit_request(docker_job("ubuntu", ["true"]), key)))
    request["client_public_key"] = "bm90IGEga2V5"
    assert _raw_refusal(node, json.dumps(request).encode())["Message"].startswith("error verifying client ID: ")


def _raw_refusal(node, body):
    response = raw_post(node, "/submit", body)
    assert response.status == 400
    assert response.data.endswith(b"}\n")
    return json.loads(response.data)


def test_concurrency_zero_is_refused_by_job_validation(node, key):
    request = json.loads(_encoded(sign_submit_request(docker_job("ubuntu", ["true"]), key)))
    request["data"]["Job"]["Deal"] = {"Concurrency": 0, "MinBids": 1}
    _resign(request, key)
    envelope = _raw_refusal(node, json.dumps(request).encode())
    assert envelope["Code"] == "error-unknown-server-error"
    assert envelope["Message"] == "Job.Deal.Concurrency: must be >= 1, got 0"


def test_empty_deal_is_refused_by_job_validation(node, key):
    request = json.loads(_encoded(sign_submit_request(docker_job("ubuntu", ["true"]), key)))
    request["data"]["Job"]["Deal"] = {}
    _resign(request, key)
    assert _raw_refusal(node, json.dumps(request).encode())["Message"] == "Job.Deal: must not be empty"


def test_unknown_engine_is_refused(node, key):
    request = json.loads(_encoded(sign_submit_request(docker_job("ubuntu", ["true"]), key)))
    request["data"]["Job"]["Spec"]["Engine"] = "Podman"
    envelope = _raw_refusal(node, json.dumps(request).encode())
    assert envelope["Message"] == "data.Job.Spec.Engine: unknown engine 'Podman'"


def _resign(request, key):
    from bacalhau_client.signing import canonical_json

    request["signature"] = key.sign(canonical_json(request["data"]))


@pytest.mark.parametrize("body, message", [
    (b"", "EOF"),
    (b"{not json", "invalid character 'n' looking for beginning of object key string"),
    (b"[1, 2]", "json: cannot unmarshal array into Go value of type publicapi.submitRequest"),
    (b'{"data": "text"}',
     "json: cannot unmarshal string into Go struct field submitRequest.data of type model.JobCreatePayload"),
])
def test_undecodable_submit_body_is_refused_with_the_envelope(node, body, message):
    api = job_api(node)
    with pytest.raises(BadRequestError) as error:
        api.api_client.call_api("/submit", "POST", body, "PublicapiSubmitResponse")
    api.api_client.close()
    assert (error.value.status, error.value.code) == (400, "error-unknown-server-error")
    assert error.value.message == message


def test_payload_go_cannot_decode_is_refused(node, key):
    request = json.loads(_encoded(sign_submit_request(docker_job("ubuntu", ["true"]), key)))
    request["data"]["Job"]["Deal"]["Concurrency"] = 1.5
    envelope = _raw_refusal(node, json.dumps(request).encode())
    assert envelope["Message"] == "data.Job.Deal.Concurrency: cannot use 1.5 as an integer"


def test_a_context_that_is_not_text_is_a_400_before_any_unpacking(node, key):
    request = json.loads(_encoded(sign_submit_request(docker_job("ubuntu", ["true"]), key)))
    request["data"]["Context"] = 5
    envelope = _raw_refusal(node, json.dumps(request).encode())
    assert envelope["Message"] == "data.Context: expected a string, got number 5"
    assert node.jobs() == []


# --- /list -------------------------------------------------------------------------------------

def test_list_by_id_returns_that_job_with_its_state(api, key):
    job = submit(api, key)
    wait_finished(api, key, job.id)
    (listed,) = api.list(PublicapiListRequest(id=job.id)).jobs
    assert listed.id == job.id
    assert only_shard(listed).state == "Completed"


def test_list_by_short_id_finds_the_job(api, key):
    job = submit(api, key)
    (listed,) = api.list(PublicapiListRequest(id=job.id[:8])).jobs
    assert listed.id == job.id


def test_list_by_unknown_id_is_a_400_job_not_found_envelope(api):
    with pytest.raises(NotFoundError) as error:
        api.list(PublicapiListRequest(id="no-such-job"))
    assert (error.value.status, error.value.code) == (400, "error-job-not-found")
    assert error.value.message == "Job not found. ID: no-such-job"
    assert error.value.details == {"id": "no-such-job"}


def test_list_returns_only_the_clients_jobs_unless_return_all(api, key):
    other = UserKey.generate()
    mine, theirs = submit(api, key), submit(api, other)
    assert [job.id for job in api.list(PublicapiListRequest(client_id=key.client_id)).jobs] == [mine.id]
    everything = api.list(PublicapiListRequest(return_all=True)).jobs
    assert {job.id for job in everything} == {mine.id, theirs.id}


def test_list_sorts_by_created_at_and_reverses(api, key):
    ids = [submit(api, key).id for _ in range(3)]
    request = PublicapiListRequest(client_id=key.client_id, sort_by="created_at")
    assert [job.id for job in api.list(request).jobs] == ids
    request.sort_reverse = True
    assert [job.id for job in api.list(request).jobs] == ids[::-1]


def test_list_sorts_by_id(api, key):
    ids = [submit(api, key).id for _ in range(3)]
    request = PublicapiListRequest(client_id=key.client_id, sort_by="id")
    assert [job.id for job in api.list(request).jobs] == sorted(ids)


def test_list_truncates_to_max_jobs(api, key):
    for _ in range(3):
        submit(api, key)
    assert len(api.list(PublicapiListRequest(client_id=key.client_id, max_jobs=2)).jobs) == 2


def test_list_with_max_jobs_zero_is_empty(api, key):
    submit(api, key)
    assert api.list({"client_id": key.client_id, "max_jobs": 0}).jobs == []


def test_list_with_a_wrongly_typed_field_is_a_400(api):
    with pytest.raises(BadRequestError) as error:
        api.list({"max_jobs": "ten"})
    assert error.value.message == ("json: cannot unmarshal string into Go struct field listRequest.max_jobs "
                                   "of type int")


# --- /states, /events, /local_events, /results ----------------------------------------------------

@pytest.mark.parametrize("method", ["states", "events", "local_events", "results"])
def test_unknown_job_is_a_500_with_the_bare_message(api, method):
    with pytest.raises(NotFoundError) as error:
        getattr(api, method)({"client_id": "", "job_id": "no-such-job"})
    assert error.value.status == 500
    assert error.value.body == "Job not found. ID: no-such-job\n"
    assert error.value.message == "Job not found. ID: no-such-job"


def test_undecodable_states_body_is_a_400(node):
    api = job_api(node)
    with pytest.raises(BadRequestError) as error:
        api.api_client.call_api("/states", "POST", b"{oops", "PublicapiStateResponse")
    api.api_client.close()
    assert (error.value.status, error.value.code) == (400, None)
    assert error.value.body == "invalid character 'o' looking for beginning of object key string\n"


def test_lifecycle_events_come_in_the_go_order(api, key, node):
    job = submit(api, key)
    wait_finished(api, key, job.id)
    events = api.events(PublicapiEventsRequest(client_id=key.client_id, job_id=job.id)).events
    assert [event.event_name for event in events] == [
        "Created", "Bid", "BidAccepted", "ResultsProposed", "ResultsAccepted", "ResultsPublished"]
    compute = node.compute_node_ids[0]
    assert [(event.source_node_id, event.target_node_id) for event in events] == [
        (node.node_id, None), (compute, None), (node.node_id, compute), (compute, None),
        (node.node_id, compute), (compute, None)]
    assert events[0].client_id == key.client_id and events[0].spec.docker.image == "ubuntu"


def test_completed_shard_carries_output_verification_and_published_results(api, key, node):
    job = wait_finished(api, key, submit(api, key).id)
    shard = only_shard(job)
    compute = node.compute_node_ids[0]
    assert shard.node_id == compute and shard.state == "Completed"
    assert shard.run_output.to_wire() == {"stdout": "", "stdouttruncated": False, "stderr": "",
                                          "stderrtruncated": False, "exitCode": 0, "runnerError": ""}
    assert shard.verification_result.to_wire() == {"Complete": True, "Result": True}
    assert shard.published_results.storage_source == "IPFS"
    assert shard.published_results.name == "job-%s-shard-0-host-%s" % (job.id, compute)
    assert re.fullmatch(r"Qm[1-9A-HJ-NP-Za-km-z]{44}", shard.published_results.cid)


def test_results_list_one_entry_per_published_shard(api, key, node):
    job = wait_finished(api, key, submit(api, key).id)
    (result,) = api.results(state_request(key, job.id)).results
    assert result.node_id == node.compute_node_ids[0]
    assert result.data.to_wire() == only_shard(job).published_results.to_wire()


def test_local_events_record_what_the_node_decided(api, key, node):
    job = wait_finished(api, key, submit(api, key).id)
    events = api.local_events(PublicapiLocalEventsRequest(client_id=key.client_id, job_id=job.id)).local_events
    assert [event.event_name for event in events] == ["Selected", "Bid", "BidAccepted", "Verified"]
    assert {event.target_node_id for event in events} == {node.compute_node_ids[0]}


def test_shard_states_advance_in_order_through_running(key):
    release = threading.Event()
    seen = []

    def blocking_executor(spec, shard_index):
        release.wait(FINISH_TIMEOUT)
        return "done\n", "", 0

    with LocalRequesterNode(step_delay=FAST, executor=blocking_executor) as node:
        api = job_api(node)
        job = submit(api, key)
        deadline = time.monotonic() + FINISH_TIMEOUT
        while time.monotonic() < deadline and (not seen or seen[-1] != "Completed"):
            shards = [shard for node_state in (api.states(state_request(key, job.id)).state.nodes or {}).values()
                      for shard in node_state.shards.values()]
            if shards and (not seen or seen[-1] != shards[0].state):
                seen.append(shards[0].state)
            if seen and seen[-1] == "Running":
                release.set()
        api.api_client.close()
    order = ["Bidding", "Waiting", "Running", "Verifying", "Completed"]
    assert "Running" in seen and seen[-1] == "Completed"
    assert seen == sorted(seen, key=order.index)


def test_bids_beyond_concurrency_end_cancelled(key):
    with LocalRequesterNode(step_delay=FAST, compute_nodes=3) as node:
        api = job_api(node)
        job = docker_job("ubuntu", ["true"])
        job.deal.concurrency = 2
        job = wait_finished(api, key, submit(api, key, job).id)
        events = api.events(PublicapiEventsRequest(job_id=job.id)).events
        api.api_client.close()
    states = {node_id: state.shards["0"].state for node_id, state in job.job_state.nodes.items()}
    accepted, rejected = node.compute_node_ids[:2], node.compute_node_ids[2]
    assert states == {accepted[0]: "Completed", accepted[1]: "Completed", rejected: "Cancelled"}
    assert [(event.event_name, event.target_node_id) for event in events if event.event_name == "BidRejected"] == [
        ("BidRejected", rejected)]


def test_executor_error_gives_compute_error_and_shard_error(key):
    def failing_executor(spec, shard_index):
        raise RuntimeError("image not found: ubuntu:nope")

    with LocalRequesterNode(step_delay=FAST, executor=failing_executor) as node:
        api = job_api(node)
        job = wait_finished(api, key, submit(api, key).id)
        events = api.events(PublicapiEventsRequest(job_id=job.id)).events
        results = api.results(state_request(key, job.id)).results
        api.api_client.close()
    shard = only_shard(job)
    assert (shard.state, shard.status) == ("Error", "image not found: ubuntu:nope")
    assert shard.run_output.runner_error == "image not found: ubuntu:nope"
    assert [event.event_name for event in events][-1] == "ComputeError"
    assert events[-1].status == "image not found: ubuntu:nope"
    assert results == []


def test_non_zero_exit_code_still_completes_with_that_code(key):
    with LocalRequesterNode(step_delay=FAST, executor=lambda spec, index: ("", "boom\n", 3)) as node:
        api = job_api(node)
        shard = only_shard(wait_finished(api, key, submit(api, key).id))
        api.api_client.close()
    assert shard.state == "Completed"
    assert (shard.run_output.exit_code, shard.run_output.stderr) == (3, "boom\n")


def test_executor_receives_the_spec_and_shard_index(key):
    calls = []
    with LocalRequesterNode(step_delay=FAST, executor=lambda spec, index: calls.append((spec, index)) or
                            ("", "", 0)) as node:
        api = job_api(node)
        wait_finished(api, key, submit(api, key).id)
        api.api_client.close()
    ((spec, index),) = calls
    assert isinstance(spec, ModelSpec) and spec.docker.entrypoint == ["echo", "hello"] and index == 0


def test_output_beyond_the_limit_is_truncated_and_flagged(key):
    long_output = "x" * (MAX_OUTPUT_BYTES + 10)
    with LocalRequesterNode(step_delay=FAST, executor=lambda spec, index: (long_output, "", 0)) as node:
        api = job_api(node)
        output = only_shard(wait_finished(api, key, submit(api, key).id)).run_output
        api.api_client.close()
    assert (len(output.stdout), output.stdouttruncated, output.stderrtruncated) == (MAX_OUTPUT_BYTES, True, False)


def test_jobs_returns_the_stored_jobs_for_assertions(node, api, key):
    job = submit(api, key)
    (stored,) = node.jobs()
    assert isinstance(stored, ModelJob) and stored.id == job.id


# --- health and misc -----------------------------------------------------------------------------

@pytest.fixture
def api_client(node):
    client = ApiClient(Configuration(host=node.url, retries=0))
    yield client
    client.close()


def test_health_endpoints_answer_like_the_go_node(api_client, api, key):
    submit(api, key)
    health = HealthApi(api_client)
    assert (health.livez(), health.readyz(), health.varz()) == ("OK", "READY", {})
    assert health.healthz().free_space.root.all > 0
    assert "submitted" in health.logz()
    assert health.debug().available_compute_capacity.to_wire() == {}


def test_misc_endpoints_name_the_node_and_its_peers(api_client, node, key):
    misc = MiscApi(api_client)
    assert misc.id() == node.node_id
    assert misc.peers() == {"bacalhau-job-event": node.compute_node_ids}
    info = misc.version().build_version_info
    assert (info.major, info.minor) == ("0", "3") and info.goos and info.goarch


def test_any_method_reaches_the_endpoint_as_in_go_s_mux(api_client):
    # Go's ServeMux routes by path only: GET /submit runs the submit handler, whose decoder finds no body.
    with pytest.raises(BadRequestError) as error:
        api_client.call_api("/submit", "GET", response_type="object")
    assert error.value.status == 400 and error.value.message == "EOF"
    assert api_client.call_api("/livez", "POST", response_type="str") == "OK"


def test_unknown_path_is_a_404(api_client):
    with pytest.raises(ApiException) as error:
        api_client.call_api("/nothing-here", "GET", response_type="object")
    assert error.value.status == 404 and error.value.message == "404 page not found"


def test_body_over_the_limit_is_go_s_400_body_too_large():
    with LocalRequesterNode(max_body_bytes=1000) as node:
        client = ApiClient(Configuration(host=node.url, retries=0))
        with pytest.raises(ApiException) as error:
            client.call_api("/list", "POST", b" " * 2000, "PublicapiListResponse")
        client.close()
    assert error.value.status == 400 and error.value.message == "http: request body too large"


# --- concurrency ---------------------------------------------------------------------------------

def test_twenty_clients_submitting_at_once_each_list_only_their_own_jobs(node):
    keys = [UserKey.generate() for _ in range(20)]
    outcomes = {}

    def client_run(key):
        api = job_api(node)
        try:
            submitted = {submit(api, key).id for _ in range(2)}
            listed = {job.id for job in api.list(PublicapiListRequest(client_id=key.client_id)).jobs}
            outcomes[key.client_id] = (submitted, listed)
        finally:
            api.api_client.close()

    threads = [threading.Thread(target=client_run, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(outcomes) == 20
    assert all(submitted == listed for submitted, listed in outcomes.values())
    assert len(node.jobs()) == 40


# --- Go-formatted JSON -------------------------------------------------------------------------------

def test_node_encoder_reproduces_every_go_canonical_vector(canonical_vectors):
    for vector in canonical_vectors:
        if "canonical" in vector:
            assert encode_model("ModelJobCreatePayload", json.loads(vector["canonical"])) == vector["canonical"]


def test_max_body_bytes_is_read_only_after_the_node_is_made():
    node = LocalRequesterNode(max_body_bytes=5)
    assert node.max_body_bytes == 5
    with pytest.raises(AttributeError, match=r"^max_body_bytes is set when the node is made: "
                                             r"LocalRequesterNode\(max_body_bytes=9\)$"):
        node.max_body_bytes = 9
    assert node.server_settings.max_body_bytes == 5
