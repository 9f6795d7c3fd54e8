"""Results end to end on the local node: executors write files, the node publishes real UnixFS results and
contexts and serves them as a trustless gateway, and Client.download lays them out as ``bacalhau get``."""

import base64
import io
import os
import tarfile
import threading

import pytest
import urllib3

from bacalhau_client import Client
from bacalhau_client.devserver import LocalRequesterNode, echo_executor
from bacalhau_client.exceptions import ApiException, ServerError
from bacalhau_client.ipfs import CID, read_car, unixfs_add
from bacalhau_client.jobs import docker_job, input_cid, output_volume
from bacalhau_client.models import ModelJobCreatePayload
from bacalhau_client.results import default_dest
from bacalhau_client.signing import UserKey
from loopback import LoopbackServer
from unixfs_trees import tree_files

FAST = 0.001


@pytest.fixture(scope="module")
def key():
    return UserKey.generate()


def writing_executor(spec, shard_index, volumes):
    outputs = volumes.outputs["outputs"]
    (outputs / "result.csv").write_text("a,b\n1,2\n")
    (outputs / "nested").mkdir()
    (outputs / "nested" / "data.bin").write_bytes(bytes(range(256)) * 2000)
    (outputs / "stdout").write_text("an ordinary file")
    return "hello\n", "warning\n", 3


def run_job(client, job=None):
    job = client.submit(job or docker_job("ubuntu", ["run"]))
    client.wait(job.id, timeout=30, poll_interval=0.01)
    return job


def test_download_round_trip_gives_the_executor_files_byte_for_byte(tmp_path, key):
    with LocalRequesterNode(step_delay=FAST, executor=writing_executor) as node, Client(node.url, key) as client:
        job = run_job(client)
        (result,) = client.results(job.id)
        dest = client.download(job.id, tmp_path / "job")
    cid = result.data.cid
    shard = "0_node_%s" % result.node_id[:8]
    files = tree_files(dest)
    expected_raw = {"stdout": b"hello\n", "stderr": b"warning\n", "exitCode": b"3",
                    "outputs/result.csv": b"a,b\n1,2\n", "outputs/nested/data.bin": bytes(range(256)) * 2000,
                    "outputs/stdout": b"an ordinary file"}
    expected = {"raw/%s/%s" % (cid, path): data for path, data in expected_raw.items()}
    expected.update({"per_shard/%s/%s" % (shard, path): data for path, data in expected_raw.items()})
    expected.update({"combined_results/%s" % path: data for path, data in expected_raw.items() if path != "exitCode"})
    assert files == expected
    assert sorted(os.listdir(tmp_path)) == ["job"]


def test_the_published_cid_is_the_one_kubo_gives_for_the_results_folder(tmp_path, key):
    with LocalRequesterNode(step_delay=FAST, executor=writing_executor) as node, Client(node.url, key) as client:
        job = run_job(client)
        (result,) = client.results(job.id)
        ((_, shard),) = [(node_id, shards["0"]) for node_id, shards in
                         ((n, s.shards) for n, s in client.states(job.id).nodes.items())]
        dest = client.download(job.id, tmp_path / "job")
    assert unixfs_add(dest / "raw" / result.data.cid) == result.data.cid
    assert shard.published_results.cid == result.data.cid
    assert result.data.name == "job-%s-shard-0-host-%s" % (job.id, result.node_id)


def test_two_nodes_append_streams_in_order_and_the_first_file_wins(tmp_path, key):
    calls = []
    lock = threading.Lock()

    def executor(spec, shard_index, volumes):
        with lock:
            calls.append(1)
            number = len(calls)
        (volumes.outputs["outputs"] / "same.txt").write_text("run %d" % number)
        (volumes.outputs["outputs"] / ("only-%d.txt" % number)).write_text("x")
        return "out %d\n" % number, "err %d\n" % number, 0

    job = docker_job("ubuntu", ["run"], concurrency=2, outputs=[output_volume("outputs", "/outputs"),
                                                                 output_volume("unused", "/unused")])
    with LocalRequesterNode(step_delay=FAST, executor=executor, compute_nodes=2) as node, \
            Client(node.url, key) as client:
        job = run_job(client, job)
        results = sorted(client.results(job.id), key=lambda result: result.node_id)
        dest = client.download(job.id, tmp_path / "job")
    raw = [tree_files(dest / "raw" / result.data.cid) for result in results]
    combined = tree_files(dest / "combined_results")
    assert combined["stdout"] == raw[0]["stdout"] + raw[1]["stdout"]
    assert combined["stderr"] == raw[0]["stderr"] + raw[1]["stderr"]
    assert combined["outputs/same.txt"] == raw[0]["outputs/same.txt"] != raw[1]["outputs/same.txt"]
    assert {"outputs/only-1.txt", "outputs/only-2.txt"} <= set(combined)
    assert "exitCode" not in combined
    assert (dest / "combined_results" / "unused").is_dir()
    # The local node's compute IDs share their first 8 characters: the second keeps its whole ID.
    assert sorted(os.listdir(dest / "per_shard")) == ["0_node_%s" % results[0].node_id[:8],
                                                      "0_node_%s" % results[1].node_id]


def test_download_defaults_to_job_short_id_in_the_current_folder(tmp_path, key, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with LocalRequesterNode(step_delay=FAST, executor=echo_executor) as node, Client(node.url, key) as client:
        job = run_job(client, docker_job("ubuntu", ["echo", "hi", "there"]))
        dest = client.download(job.id[:8])
    assert dest == default_dest(job.id) == tmp_path / ("job-" + job.id[:8])
    assert (dest / "combined_results" / "stdout").read_text() == "hi there\n"
    assert (dest / "combined_results" / "outputs" / "echo.txt").read_text() == "hi there\n"


def test_an_existing_non_empty_dest_is_refused_and_kept(tmp_path, key):
    (tmp_path / "job").mkdir()
    (tmp_path / "job" / "mine").write_text("keep me")
    with LocalRequesterNode(step_delay=FAST, executor=writing_executor) as node, Client(node.url, key) as client:
        job = run_job(client)
        with pytest.raises(ValueError, match="job already exists and is not an empty folder: nothing was overwritten"):
            client.download(job.id, tmp_path / "job")
        (tmp_path / "empty").mkdir()
        client.download(job.id, tmp_path / "empty")
    assert tree_files(tmp_path / "job") == {"mine": b"keep me"}
    assert (tmp_path / "empty" / "combined_results" / "stdout").read_bytes() == b"hello\n"


def test_a_job_without_results_is_an_error_and_creates_nothing(tmp_path, key):
    def failing(spec, shard_index):
        raise RuntimeError("image not found")

    with LocalRequesterNode(step_delay=FAST, executor=failing) as node, Client(node.url, key) as client:
        job = client.submit(docker_job("ubuntu", ["run"]))
        with pytest.raises(Exception):
            client.wait(job.id, timeout=30, poll_interval=0.01)
        with pytest.raises(ValueError, match="no results found for job %s" % job.id):
            client.download(job.id, tmp_path / "job")
    assert os.listdir(tmp_path) == []


def test_a_gateway_that_lacks_the_cid_fails_and_leaves_nothing(tmp_path, key):
    with LocalRequesterNode(step_delay=FAST, executor=writing_executor) as node, Client(node.url, key) as client, \
            LoopbackServer(lambda request: (404, {"Content-Type": "text/plain"}, b"not found\n")) as gateway:
        job = run_job(client)
        with pytest.raises(ApiException) as caught:
            client.download(job.id, tmp_path / "job", gateway=gateway.url)
    assert caught.value.status == 404
    assert os.listdir(tmp_path) == []


def test_without_a_gateway_the_local_node_serves_its_own_results(tmp_path, key, monkeypatch):
    monkeypatch.delenv("BACALHAU_IPFS_GATEWAY", raising=False)
    with LocalRequesterNode(step_delay=FAST, executor=writing_executor) as node, Client(node.url, key) as client:
        job = run_job(client)
        client.download(job.id, tmp_path / "job")
        assert node.gateway_url == node.url
    assert (tmp_path / "job" / "combined_results" / "outputs" / "result.csv").exists()


def test_old_two_argument_executors_still_publish_their_streams(tmp_path, key):
    with LocalRequesterNode(step_delay=FAST, executor=lambda spec, index: ("out\n", "", 0)) as node, \
            Client(node.url, key) as client:
        job = run_job(client)
        dest = client.download(job.id, tmp_path / "job")
        (result,) = client.results(job.id)
    assert tree_files(dest / "raw" / result.data.cid) == {"stdout": b"out\n", "stderr": b"", "exitCode": b"0"}
    assert (dest / "raw" / result.data.cid / "outputs").is_dir()


# ------------------------------------------------------------------ the node's gateway

@pytest.fixture
def published(tmp_path, key):
    with LocalRequesterNode(step_delay=FAST, executor=writing_executor) as node, Client(node.url, key) as client:
        job = run_job(client)
        (result,) = client.results(job.id)
        yield node, result.data.cid


def get(url, method="GET", headers=None):
    return urllib3.PoolManager().request(method, url, headers=headers or {}, retries=False)


def test_the_gateway_serves_a_verifiable_car_in_dfs_order(published):
    node, cid = published
    response = get("%s/ipfs/%s?format=car" % (node.gateway_url, cid))
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/vnd.ipld.car; version=1; order=dfs; dups=n"
    assert response.headers["Content-Disposition"] == 'attachment; filename="%s.car"' % cid
    blocks = list(read_car(io.BytesIO(response.data)))
    assert str(blocks[0][0]) == cid
    assert len({block[0] for block in blocks}) == len(blocks)
    head = get("%s/ipfs/%s" % (node.gateway_url, cid), "HEAD", {"Accept": "application/vnd.ipld.car"})
    assert (head.status, head.data, head.headers["Content-Length"]) == (200, b"", str(len(response.data)))


def test_the_gateway_serves_one_raw_block(published):
    node, cid = published
    response = get("%s/ipfs/%s" % (node.gateway_url, cid), headers={"Accept": "application/vnd.ipld.raw"})
    assert response.headers["Content-Type"] == "application/vnd.ipld.raw"
    CID.parse(cid).verify(response.data)


@pytest.mark.parametrize("path, status, line", [
    ("/ipfs/QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn?format=car", 404,
     "block QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn not found"),
    ("/ipfs/nonsense?format=car", 400, "invalid CID: CID 'nonsense': unknown multibase prefix 'n' "
                                       "(expected Qm..., b... or z...)"),
    ("/ipfs/{cid}/stdout?format=car", 400, "paths below a CID are not served: ask for the CID itself"),
    ("/ipfs/{cid}", 406, "this gateway serves only application/vnd.ipld.car (?format=car) and "
                         "application/vnd.ipld.raw (?format=raw)"),
])
def test_the_gateway_refuses_what_it_cannot_serve(published, path, status, line):
    node, cid = published
    response = get(node.gateway_url + path.format(cid=cid))
    assert (response.status, response.data.decode()) == (status, line + "\n")


def test_the_probe_cid_is_served(published):
    node, _ = published
    assert get("%s/ipfs/bafkqaaa?format=car" % node.gateway_url).status == 200


# ------------------------------------------------------------------ Context

def tar_gz(files):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(data))
    return base64.b64encode(buffer.getvalue()).decode()


def test_a_context_is_published_mounted_at_job_and_served(tmp_path, key):
    seen = {}

    def executor(spec, shard_index, volumes):
        seen.update(tree_files(volumes.inputs["/job"]))
        return "", "", 0

    files = {"src/main.py": b"print(42)\n", "README": b"context\n"}
    expected = tmp_path / "expected"
    for name, data in files.items():
        (expected / name).parent.mkdir(parents=True, exist_ok=True)
        (expected / name).write_bytes(data)
    payload = ModelJobCreatePayload(job=docker_job("python", ["python", "/job/src/main.py"]), context=tar_gz(files))
    with LocalRequesterNode(step_delay=FAST, executor=executor) as node, Client(node.url, key) as client:
        job = run_job(client, payload)
        (context,) = client.get(job.id).spec.contexts
        response = get("%s/ipfs/%s?format=car" % (node.gateway_url, context.cid))
    assert context.cid == unixfs_add(expected)
    assert (context.path, context.storage_source) == ("/job", "IPFS")
    assert seen == files
    assert response.status == 200


def test_an_input_the_node_published_is_mounted_for_the_executor(key):
    seen = {}

    def executor(spec, shard_index, volumes):
        seen.update({path: tree_files(folder) for path, folder in volumes.inputs.items()})
        return "", "", 0

    with LocalRequesterNode(step_delay=FAST, executor=writing_executor) as node, Client(node.url, key) as client:
        first = run_job(client)
        (result,) = client.results(first.id)
        node.executor = executor
        run_job(client, docker_job("ubuntu", ["ls"], inputs=[input_cid(result.data.cid, "/inputs")]))
    assert seen["/inputs"]["outputs/result.csv"] == b"a,b\n1,2\n"


@pytest.mark.parametrize("context, message", [
    ("not base64!", "illegal base64 data at input byte 3"),
    (base64.b64encode(b"hello, this is not gzip").decode(), "gzip: invalid header"),
    (tar_gz({"../evil": b"x"}), 'tar contained invalid name error "../evil"'),
    (tar_gz({"/etc/evil": b"x"}), 'tar contained invalid name error "/etc/evil"'),
    (base64.b64encode(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage").decode(), "flate: corrupt input"),
])
def test_a_bad_context_gets_the_go_nodes_500_after_the_signature_check(key, context, message):
    payload = ModelJobCreatePayload(job=docker_job("ubuntu", ["ls"]), context=context)
    with LocalRequesterNode(step_delay=FAST) as node, Client(node.url, key) as client:
        with pytest.raises(ServerError) as caught:
            client.submit(payload)
        assert node.jobs() == []
    assert (caught.value.status, caught.value.code, caught.value.message) == (
        500, "error-unknown-server-error", message)


def test_gateway_choice_argument_configuration_environment_node_default(monkeypatch):
    from bacalhau_client.ipfs import DEFAULT_GATEWAY
    from bacalhau_client.results import gateway_for

    monkeypatch.delenv("BACALHAU_IPFS_GATEWAY", raising=False)
    with LoopbackServer(lambda request: (404, {"Content-Type": "text/plain"}, b"404 page not found\n")) as plain_node:
        with Client(plain_node.url, UserKey.generate()) as client:
            assert gateway_for(client) == DEFAULT_GATEWAY
            monkeypatch.setenv("BACALHAU_IPFS_GATEWAY", "http://env.example")
            assert gateway_for(client) == "http://env.example"
            client.configuration.ipfs_gateway = "http://configured.example"
            assert gateway_for(client) == "http://configured.example"
            assert gateway_for(client, "http://given.example/ipfs/") == "http://given.example"
    with LocalRequesterNode() as node, Client(node.url, UserKey.generate()) as client:
        monkeypatch.delenv("BACALHAU_IPFS_GATEWAY")
        assert gateway_for(client) == node.gateway_url


def test_the_gateway_answers_only_get_and_head(published):
    node, cid = published
    response = get("%s/ipfs/%s?format=car" % (node.gateway_url, cid), "POST")
    assert (response.status, response.headers["Allow"]) == (405, "GET, HEAD")
