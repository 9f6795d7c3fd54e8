"""The high-level Client against a local node over real loopback HTTP."""

import json
import pickle
import time

import pytest
from conftest import FAST_STEP
from loopback import LoopbackServer

from bacalhau_client import Client, Configuration, JobFailed, LocalRequesterNode, NotFoundError
from bacalhau_client.client import FailedShard, is_finished, summarize_state
from bacalhau_client.jobs import docker_job
from bacalhau_client.models import ModelJob, ModelJobState
from bacalhau_client.signing import UserKey



@pytest.fixture
def client(local_node, user_key):
    with Client(local_node.url, user_key) as connected:
        yield connected


def hello_job():
    return docker_job("ubuntu", ["echo", "hello"])


def test_submit_returns_the_stored_job(client, user_key, local_node):
    job = client.submit(hello_job())
    assert isinstance(job, ModelJob)
    assert (job.client_id, job.requester_node_id) == (user_key.client_id, local_node.node_id)


def test_submit_accepts_a_wire_dict(client):
    assert client.submit(hello_job().to_wire()).spec.docker.image == "ubuntu"


def test_wait_returns_the_completed_state_and_stdout_joins_the_output(client):
    job = client.submit(hello_job())
    state = client.wait(job.id, poll_interval=0.01)
    assert isinstance(state, ModelJobState) and summarize_state(state) == "Completed"
    assert client.stdout(job.id) == "hello\n"


def test_get_finds_a_job_by_full_and_short_id(client):
    job = client.submit(hello_job())
    assert client.get(job.id).id == job.id
    assert client.get(job.id[:8]).id == job.id


def test_get_of_an_unknown_job_raises_not_found(client):
    with pytest.raises(NotFoundError) as error:
        client.get("no-such-job")
    assert error.value.message == "Job not found. ID: no-such-job"


def test_short_id_works_for_states_events_and_results(client):
    job = client.submit(hello_job())
    client.wait(job.id[:8], poll_interval=0.01)
    assert [event.event_name for event in client.events(job.id[:8])][-1] == "ResultsPublished"
    assert len(client.results(job.id[:8])) == 1
    assert [event.event_name for event in client.local_events(job.id[:8])][-1] == "Verified"


def test_list_returns_the_clients_jobs_newest_first_up_to_limit(client, local_node):
    ids = [client.submit(hello_job()).id for _ in range(3)]
    with Client(local_node.url, UserKey.generate()) as other:
        other.submit(hello_job())
    assert [job.id for job in client.list()] == ids[::-1]
    assert [job.id for job in client.list(limit=2)] == ids[:0:-1]
    assert len(client.list(all=True)) == 4


@pytest.mark.parametrize("limit", [0, -1, True, "10"])
def test_list_limit_below_one_raises_value_error(client, limit):
    with pytest.raises(ValueError) as error:
        client.list(limit=limit)
    assert str(error.value) == "limit: must be an integer >= 1, got %r" % (limit,)


def test_wait_raises_job_failed_with_the_failing_shard(user_key):
    def failing(spec, shard_index):
        raise RuntimeError("executable not found: nope")

    with LocalRequesterNode(step_delay=FAST_STEP, executor=failing) as node, Client(node.url, user_key) as client:
        job = client.submit(hello_job())
        with pytest.raises(JobFailed) as error:
            client.wait(job.id, poll_interval=0.01)
    failure = error.value
    assert failure.job_id == job.id
    assert failure.shards == [FailedShard(node.compute_node_ids[0], 0, "executable not found: nope", "", 0)]
    assert str(failure) == "job %s failed: shard 0 on %s: executable not found: nope" % (
        job.id, node.compute_node_ids[0])
    assert pickle.loads(pickle.dumps(failure)).shards == failure.shards


def test_wait_raises_timeout_error_when_the_job_does_not_finish(user_key):
    with LocalRequesterNode(step_delay=30) as node, Client(node.url, user_key) as client:
        job = client.submit(hello_job())
        started = time.monotonic()
        with pytest.raises(TimeoutError) as error:
            client.wait(job.id, timeout=0.2, poll_interval=0.05)
        assert time.monotonic() - started < 10
    assert str(error.value) == "job %s did not finish within 0.2 s (now Submitted)" % job.id


@pytest.mark.parametrize("options, message", [
    ({"timeout": 0}, "timeout: must be a number of seconds > 0, got 0"),
    ({"poll_interval": -1}, "poll_interval: must be a number of seconds > 0, got -1"),
])
def test_wait_with_bad_timing_raises_value_error(client, options, message):
    with pytest.raises(ValueError) as error:
        client.wait("12345678-aaaa", **options)
    assert str(error.value) == message


def test_empty_job_id_raises_value_error(client):
    with pytest.raises(ValueError) as error:
        client.states("")
    assert str(error.value) == "job_id: must be a non-empty job ID or 8-character short ID, got ''"


def test_host_comes_from_the_environment_when_not_given(monkeypatch):
    monkeypatch.setenv("BACALHAU_API_HOST", "10.1.2.3")
    monkeypatch.setenv("BACALHAU_API_PORT", "4321")
    with Client(key=object()) as client:
        assert client.configuration.host == "http://10.1.2.3:4321"


def test_host_overrides_a_given_configuration_without_changing_it():
    configuration = Configuration(host="http://example.invalid:1", retries=0)
    with Client("http://127.0.0.1:9", configuration=configuration) as client:
        assert (client.configuration.host, client.configuration.retries) == ("http://127.0.0.1:9", 0)
    assert configuration.host == "http://example.invalid:1"


def test_default_key_is_loaded_only_when_first_needed(local_node, tmp_path, monkeypatch):
    monkeypatch.setenv("BACALHAU_DIR", str(tmp_path))
    with Client(local_node.url) as client:
        assert client.misc.id() == local_node.node_id
        assert not (tmp_path / "user_id.pem").exists()
        job = client.submit(hello_job())
    assert (tmp_path / "user_id.pem").exists()
    assert job.client_id == UserKey.load(tmp_path / "user_id.pem").client_id


def test_is_finished_needs_a_live_shard_and_every_live_shard_terminal():
    def state(*shard_states):
        return {"Nodes": {"Qm%d" % index: {"Shards": {"0": {"State": value}}}
                          for index, value in enumerate(shard_states)}}

    assert not is_finished(state())
    assert not is_finished(state("Cancelled"))
    assert not is_finished(state("Completed", "Running"))
    assert is_finished(state("Completed", "Cancelled"))
    assert is_finished(state("Error"))


# --- odd but parseable /states answers ------------------------------------------------------------------------

JOB_ID = "9304c616-291f-41ad-b862-54e133c0149e"


@pytest.fixture(scope="module")
def states_node():
    """A loopback node whose /states answers ``{"state": <its .state>}``; set ``.state`` before calling it."""
    def answer(request):
        return 200, {"Content-Type": "application/json"}, json.dumps({"state": server.state}).encode("utf-8")

    with LoopbackServer(answer) as server:
        server.state = None
        yield server


@pytest.fixture
def odd_client(states_node, user_key):
    """A client of ``states_node``."""
    with Client(states_node.url, user_key) as client:
        yield client


def completed(stdout):
    return {"State": "Completed", "RunOutput": {"stdout": stdout, "exitCode": 0}}


@pytest.mark.parametrize("state", [
    None, [], "Completed", {}, {"Nodes": None}, {"Nodes": []}, {"Nodes": {"QmA": None}}, {"Nodes": {"QmA": 7}},
    {"Nodes": {"QmA": {"Shards": None}}}, {"Nodes": {"QmA": {"Shards": ["0"]}}},
    {"Nodes": {"QmA": {"Shards": {"0": None}}}}, {"Nodes": {"QmA": {"Shards": {"0": "Completed"}}}},
    {"Nodes": {"QmA": {"Shards": {"0": {"State": "Completed"}}}}},
    {"Nodes": {"QmA": {"Shards": {"0": {"State": "Completed", "RunOutput": None}}}}},
    {"Nodes": {"QmA": {"Shards": {"0": {"State": "Completed", "RunOutput": ["out"]}}}}},
    {"Nodes": {"QmA": {"Shards": {"0": {"State": "Completed", "RunOutput": {"stdout": 42}}}}}},
    {"Nodes": {"QmA": {"Shards": {"0": {"State": ["Completed"], "RunOutput": {"stdout": "x"}}}}}},
], ids=lambda state: json.dumps(state))
def test_stdout_of_an_odd_state_is_empty(states_node, odd_client, state):
    states_node.state = state
    assert odd_client.stdout(JOB_ID) == ""


def test_stdout_orders_shards_by_index_and_puts_non_integer_keys_by_their_own_index(states_node, odd_client):
    states_node.state = {"Nodes": {"QmB": {"Shards": {"10": completed("d"), "2": completed("c")}},
                       "QmA": {"Shards": {"first": completed("a"), "x": dict(completed("b"), ShardIndex=1),
                                          "1.5": None}}}}
    assert odd_client.stdout(JOB_ID) == "abcd"


def test_states_of_a_null_state_is_an_empty_job_state(states_node, odd_client):
    states_node.state = None
    assert odd_client.states(JOB_ID) == ModelJobState()


def test_wait_raises_job_failed_for_an_error_shard_without_output_or_status(states_node, odd_client):
    states_node.state = {"Nodes": {"QmA": {"Shards": {"0": {"State": "Error", "Status": None, "RunOutput": None},
                                          "x": {"State": "Error", "RunOutput": {"stderr": 3, "exitCode": "1"}},
                                          "1": {"State": "Error", "Status": "boom",
                                                "RunOutput": {"stderr": "oops", "exitCode": 2}}}},
                       "QmB": None}}
    with pytest.raises(JobFailed) as error:
        odd_client.wait(JOB_ID, poll_interval=0.01)
    assert error.value.shards == [FailedShard("QmA", -1, "", "", None), FailedShard("QmA", 0, "", "", None),
                                  FailedShard("QmA", 1, "boom", "oops", 2)]
    assert str(error.value) == ("job %s failed: shard -1 on QmA: Error; shard 0 on QmA: Error; shard 1 on QmA: boom"
                                % JOB_ID)


def test_client_module_keeps_the_job_rule_names():
    from bacalhau_client import client
    from bacalhau_client.models import job_state

    assert (client.is_finished, client.failed_shards, client.summarize_state, client.iter_shards,
            client.FailedShard, client.SHORT_ID_LENGTH) == (
        job_state.is_finished, job_state.failed_shards, job_state.summarize_state, job_state.iter_shards,
        job_state.FailedShard, job_state.SHORT_ID_LENGTH)
