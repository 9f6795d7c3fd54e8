"""Following jobs: Client.follow, wait, wait_all and as_completed against a local node and scripted servers."""

import json
import math
import socket
import sys
import threading
import time

import pytest

from bacalhau_client import (
    ApiConnectionError, ApiDecodeError, ApiException, ApiSSLError, Client, Configuration, JobFailed, LocalRequesterNode,
)
from bacalhau_client.client import FailedShard
from bacalhau_client.devserver import websocket as node_websocket
from bacalhau_client.following import JobEventStream
from bacalhau_client.jobs import docker_job
from bacalhau_client.models import ModelJobEvent, ModelJobState
from bacalhau_client.signing import UserKey
from conftest import fresh_interpreter
from faulty_server import FaultyServer, response_bytes, stall
from loopback import LoopbackServer

FAST = 0.001
SLOW = 0.05
WAIT = 20.0  # generous bound for anything that should finish quickly
NOT_FOUND = (404, {"Content-Type": "text/plain; charset=utf-8"}, b"404 page not found\n")


def failing_when_asked(spec, shard_index):
    """Succeeds, unless the entrypoint says ``fail``, or sleeps first when it says ``sleep SECONDS``."""
    words = list(spec.docker.entrypoint or [])
    if words[:1] == ["fail"]:
        raise RuntimeError("executable not found: fail")
    if words[:1] == ["sleep"]:
        time.sleep(float(words[1]))
    return "ok\n", "", 0


@pytest.fixture
def node():
    with LocalRequesterNode(step_delay=SLOW, compute_nodes=2, executor=failing_when_asked) as running:
        yield running


@pytest.fixture
def client(node, user_key):
    with Client(node.url, user_key) as connected:
        yield connected


def job(*words):
    return docker_job("ubuntu", list(words) or ["echo", "hi"])


def wires(events):
    return [event.to_wire() for event in events]


# ------------------------------------------------------------------ scripted nodes

def event(name, number, job_id="job-1"):
    return {"JobID": job_id, "ShardIndex": 0, "SourceNodeID": "QmNode", "EventName": name,
            "EventTime": "2022-11-17T13:32:55.%09dZ" % number}


SCRIPT = [event("Created", 1), event("Bid", 2), event("BidAccepted", 3), event("ResultsProposed", 4),
          event("ResultsPublished", 5)]
RUNNING = {"Nodes": {"QmNode": {"Shards": {"0": {"NodeId": "QmNode", "State": "Running"}}}}}
COMPLETED = {"Nodes": {"QmNode": {"Shards": {"0": {"NodeId": "QmNode", "State": "Completed"}}}}}


def json_answer(value):
    return 200, {"Content-Type": "application/json"}, json.dumps(value).encode()


class PollingOnlyNode:
    """A node without /websocket whose job reveals one more event per /events request."""

    def __init__(self):
        self.revealed = 0

    def __call__(self, request):
        if request.path.startswith("/websocket"):
            return NOT_FOUND
        if request.path == "/events":
            self.revealed = min(self.revealed + 1, len(SCRIPT))
            return json_answer({"events": SCRIPT[:self.revealed]})
        if request.path == "/states":
            return json_answer({"state": COMPLETED if self.revealed == len(SCRIPT) else RUNNING})
        return NOT_FOUND


def upgrade_bytes(request):
    key = request.headers["sec-websocket-key"]
    return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: %s\r\n\r\n" % node_websocket.accept_key(key)).encode()


def answering(answer):
    """A server answering each request with ``answer(request) -> (status, headers, body)``, one per connection.

    Unlike :class:`LoopbackServer` it stops at once, which keeps the many small tests below quick.
    """
    def route(server, connection, request):
        status, headers, body = answer(request)
        connection.sendall(response_bytes(status, body, headers))
    return FaultyServer(routed(route))


def routed(route):
    """A fault answering each request (one per connection) with ``route(server, connection, request)``."""
    def fault(server, connection):
        request = server.read_request(connection)
        if request is not None:
            route(server, connection, request)
    return fault


# ------------------------------------------------------------------ follow

def test_follow_yields_the_same_events_as_events_in_order_then_ends(client, node):
    submitted = client.submit(job())
    before = node.request_counts
    with client.follow(submitted.id, timeout=WAIT) as stream:
        assert stream.transport == "websocket"
        followed = list(stream)
    counted = node.request_counts - before
    assert all(isinstance(item, ModelJobEvent) for item in followed)
    assert wires(followed) == wires(client.events(submitted.id))
    assert followed[-1].event_name == "ResultsPublished"
    assert isinstance(stream.final_state, ModelJobState)
    assert counted["/websocket"] == 1 and counted["/events"] == 1
    assert counted["/states"] <= 3  # BidRejected and ResultsPublished may end a job: each asks once


def test_follow_of_a_finished_job_yields_its_stored_events(client):
    submitted = client.submit(job())
    client.wait(submitted.id, timeout=WAIT)
    with client.follow(submitted.id[:8], timeout=WAIT) as stream:
        assert wires(stream) == wires(client.events(submitted.id))


def test_follow_loses_and_repeats_nothing_across_forced_disconnects(client, node):
    submitted = client.submit(job())
    before = node.request_counts
    stream = client.follow(submitted.id, timeout=WAIT)
    stream.reconnect_waits = (0, 0, 0, 0)
    followed = []
    for item in stream:
        followed.append(item)
        if len(followed) in (1, 3):
            node._server.close_connections()  # the node's side of the websocket
    assert wires(followed) == wires(client.events(submitted.id))
    assert (node.request_counts - before)["/websocket"] >= 2  # reconnected at least once
    assert stream.transport == "websocket"


def test_follow_fills_a_dropped_connection_from_events_without_repeats():
    dropped = []

    def route(server, connection, request):
        if request.path.startswith("/websocket") and not dropped:
            dropped.append(True)
            connection.sendall(upgrade_bytes(request) + b"".join(
                node_websocket.text_frame(json.dumps(item).encode()) for item in SCRIPT[:3]))
        elif request.path.startswith("/websocket"):
            connection.sendall(response_bytes(404, b"404 page not found\n"))
        elif request.path == "/events":
            connection.sendall(response_bytes(200, json.dumps({"events": SCRIPT}).encode()))
        elif request.path == "/states":
            finished = len(server.requests_to("/states")) > 1
            connection.sendall(response_bytes(200, json.dumps({"state": COMPLETED if finished else RUNNING}).encode()))

    with FaultyServer(routed(route)) as server, Client(server.url, UserKey.generate()) as client:
        stream = client.follow("job-1", timeout=WAIT, poll_interval=0.01)
        stream.reconnect_waits = (0,)
        assert stream.transport == "websocket"
        followed = list(stream)
        assert stream.transport == "polling"  # the second upgrade was refused
    assert wires(followed) == SCRIPT


def test_follow_falls_back_to_polling_on_a_node_without_websocket():
    with LoopbackServer(PollingOnlyNode()) as server, Client(server.url, UserKey.generate()) as client:
        with client.follow("job-1", timeout=WAIT, poll_interval=0.01) as stream:
            assert stream.transport == "polling"
            assert wires(stream) == SCRIPT
        assert [request.path for request in server.requests][0] == "/websocket?job_id=job-1"


def test_follow_of_every_job_on_a_node_without_websocket_raises_the_404():
    with answering(PollingOnlyNode()) as server, Client(server.url, UserKey.generate()) as client:
        with pytest.raises(ApiException) as error:
            client.follow()
    assert error.value.status == 404
    assert str(error.value) == "HTTP 404 from GET /websocket: 404 page not found"


def test_follow_of_every_job_yields_each_jobs_events(client):
    with client.follow(timeout=WAIT) as stream:
        submitted = [client.submit(job("echo", str(number))).id for number in range(2)]
        followed = []
        for item in stream:
            followed.append(item)
            if sum(1 for seen in followed if seen.event_name == "ResultsPublished") == 2:
                break
    for job_id in submitted:
        assert [seen.to_wire() for seen in followed if seen.job_id == job_id] == wires(client.events(job_id))


def test_close_from_another_thread_ends_the_iteration(client):
    stream = client.follow()
    timer = threading.Timer(0.2, stream.close)
    started = time.monotonic()
    timer.start()
    assert list(stream) == []
    assert time.monotonic() - started < WAIT
    timer.join()


def test_follow_timeout_raises_timeout_error_after_the_stored_events(user_key):
    with LocalRequesterNode(step_delay=30) as slow_node, Client(slow_node.url, user_key) as client:
        submitted = client.submit(job())
        stream = client.follow(submitted.id, timeout=0.3)
        started = time.monotonic()
        assert next(stream).event_name == "Created"
        with pytest.raises(TimeoutError) as error:
            next(stream)
        assert time.monotonic() - started < WAIT
        stream.close()
    assert str(error.value) == "job %s did not finish within 0.3 s (1 events followed)" % submitted.id


def test_follow_of_an_unknown_job_raises_the_nodes_not_found(client):
    stream = client.follow("00000000-0000-0000-0000-000000000000", timeout=WAIT)
    with pytest.raises(ApiException) as error:
        next(stream)
    assert error.value.status == 500 and "Job not found" in str(error.value)


@pytest.mark.parametrize("options, message", [
    ({"timeout": 0}, "timeout: must be a number of seconds > 0, got 0"),
    ({"timeout": math.inf}, "timeout: must be a number of seconds > 0, got inf"),
    ({"poll_interval": "1"}, "poll_interval: must be a number of seconds > 0, got '1'"),
])
def test_follow_with_bad_timing_raises_value_error(client, options, message):
    with pytest.raises(ValueError) as error:
        client.follow("job-1", **options)
    assert str(error.value) == message


def test_importing_the_package_does_not_import_websocket_client():
    code = "import sys, bacalhau_client; print('websocket' in sys.modules)"
    assert fresh_interpreter(code) == "False"


def test_stream_is_a_job_event_stream_with_a_repr(client):
    submitted = client.submit(job())
    with client.follow(submitted.id) as stream:
        assert isinstance(stream, JobEventStream)
        assert repr(stream) == "JobEventStream(job_id=%r, transport='websocket')" % submitted.id


# ------------------------------------------------------------------ wait

def test_wait_listens_on_the_websocket_and_asks_states_only_for_deciding_events(client, node):
    submitted = client.submit(job())
    before = node.request_counts
    state = client.wait(submitted.id, timeout=WAIT)
    assert isinstance(state, ModelJobState)
    counted = node.request_counts - before
    assert counted["/websocket"] == 1 and counted["/states"] <= 4 and counted["/events"] == 0


def test_wait_raises_job_failed_over_the_websocket(client, node):
    submitted = client.submit(job("fail"))
    with pytest.raises(JobFailed) as error:
        client.wait(submitted.id, timeout=WAIT)
    assert error.value.shards == [FailedShard(node.compute_node_ids[0], 0, "executable not found: fail", "", 0)]


def test_wait_polls_states_on_a_node_without_websocket():
    answers = iter([RUNNING, RUNNING, COMPLETED])

    def answer(request):
        if request.path.startswith("/websocket"):
            return NOT_FOUND
        return json_answer({"state": next(answers)})

    with answering(answer) as server, Client(server.url, UserKey.generate()) as client:
        assert client.wait("job-1", timeout=WAIT, poll_interval=0.01).to_wire() == COMPLETED
        assert [request.path for request in server.requests] == [
            "/states", "/websocket?job_id=job-1", "/states", "/states"]


def websocket_sessions(sessions, states):
    """A node whose n-th /websocket sends the events of ``sessions[n]`` then hangs up (404 past the last),
    and whose n-th /states answers ``states[n]`` (the last one repeats)."""
    def route(server, connection, request):
        if request.path.startswith("/websocket"):
            served = len(server.requests_to(request.path)) - 1
            if served < len(sessions):
                connection.sendall(upgrade_bytes(request) + b"".join(
                    node_websocket.text_frame(json.dumps(item).encode()) for item in sessions[served]))
            else:
                connection.sendall(response_bytes(404, b"404 page not found\n"))
        else:
            state = states[min(len(server.requests_to("/states")), len(states)) - 1]
            connection.sendall(response_bytes(200, json.dumps({"state": state}).encode()))
    return routed(route)


def test_wait_reopens_a_dropped_websocket_and_asks_states_after_the_drop():
    scripted = websocket_sessions([SCRIPT[:1], SCRIPT[1:]], [RUNNING, RUNNING, COMPLETED])
    with FaultyServer(scripted) as server, Client(server.url, UserKey.generate()) as client:
        assert client.wait("job-1", timeout=WAIT, poll_interval=0.01).to_wire() == COMPLETED
    assert [request.path for request in server.requests] == [
        "/states", "/websocket?job_id=job-1", "/states", "/websocket?job_id=job-1", "/states"]


def test_wait_polls_states_when_a_dropped_websocket_cannot_be_reopened():
    scripted = websocket_sessions([SCRIPT[:1]], [RUNNING, RUNNING, RUNNING, COMPLETED])
    with FaultyServer(scripted) as server, Client(server.url, UserKey.generate()) as client:
        assert client.wait("job-1", timeout=WAIT, poll_interval=0.01).to_wire() == COMPLETED
    assert [request.path for request in server.requests] == [
        "/states", "/websocket?job_id=job-1", "/states", "/websocket?job_id=job-1", "/states", "/states"]


def test_wait_returns_within_its_timeout_against_a_node_that_never_answers():
    with FaultyServer(stall()) as server, Client(server.url, UserKey.generate()) as client:
        assert_wait_times_out_in_half_a_second(client, "job job-1 did not finish within 0.5 s (now Submitted)")


def test_wait_returns_within_its_timeout_when_the_websocket_hangs():
    def route(server, connection, request):
        if request.path == "/states":
            connection.sendall(response_bytes(200, json.dumps({"state": RUNNING}).encode()))
        else:
            server.stopped.wait(10)  # the upgrade is never answered

    with FaultyServer(routed(route)) as server, Client(server.url, UserKey.generate()) as client:
        assert_wait_times_out_in_half_a_second(client, "job job-1 did not finish within 0.5 s (now Running)")


def assert_wait_times_out_in_half_a_second(client, message):
    """``wait`` with a 0.5 s timeout raises ``TimeoutError(message)`` in time, however the node misbehaves."""
    started = time.monotonic()
    with pytest.raises(TimeoutError) as error:
        client.wait("job-1", timeout=0.5)
    elapsed = time.monotonic() - started
    assert 0.45 <= elapsed < 2.5
    assert str(error.value) == message


@pytest.mark.parametrize("state, outcome", [
    ({}, "Submitted"),
    (None, "Submitted"),
    ({"Nodes": None}, "Submitted"),
    ({"Nodes": {"QmNode": None}}, "Submitted"),
    ({"Nodes": {"QmNode": {"Shards": None}}}, "Submitted"),
    ({"Nodes": {"QmNode": {"Shards": {"0": None}}}}, "Running"),
    ({"Nodes": {"QmNode": {"Shards": {"0": {"State": "Completed"}}}}}, "returned"),
    ({"Nodes": {"QmNode": {"Shards": {"first": {"ShardIndex": 3, "State": "Error", "Status": "boom"}}}}},
     FailedShard("QmNode", 3, "boom", "", None)),
    ({"Nodes": {"QmNode": {"Shards": {"x": {"State": "Error", "RunOutput": "not an object"}}}}},
     FailedShard("QmNode", -1, "", "", None)),
    ({"Nodes": {"QmNode": {"Shards": {"0": {"State": "Error", "Status": None,
                                             "RunOutput": {"stderr": None, "exitCode": "1"}}}}}},
     FailedShard("QmNode", 0, "", "", None)),
])
def test_wait_reads_odd_states_without_type_errors(state, outcome):
    def answer(request):
        return NOT_FOUND if request.path.startswith("/websocket") else json_answer({"state": state})

    with answering(answer) as server, Client(server.url, UserKey.generate()) as client:
        if outcome == "returned":
            assert client.wait("job-1", timeout=WAIT, poll_interval=0.01).to_wire() == state
        elif isinstance(outcome, FailedShard):
            with pytest.raises(JobFailed) as error:
                client.wait("job-1", timeout=WAIT, poll_interval=0.01)
            assert error.value.shards == [outcome]
        else:
            with pytest.raises(TimeoutError) as error:
                client.wait("job-1", timeout=0.2, poll_interval=0.05)
            assert str(error.value) == "job job-1 did not finish within 0.2 s (now %s)" % outcome


# ------------------------------------------------------------------ wait_all, as_completed

def test_wait_all_on_200_jobs_with_mixed_outcomes_asks_one_list_per_interval(user_key):
    with LocalRequesterNode(step_delay=0.005, executor=failing_when_asked) as node, \
            Client(node.url, user_key) as client:
        ids = [client.submit(job("fail") if number % 4 == 0 else job()).id for number in range(200)]
        before = node.request_counts
        started = time.monotonic()
        outcomes = client.wait_all(ids, timeout=120, poll_interval=0.1)
        elapsed = time.monotonic() - started
        counted = node.request_counts - before
    assert list(outcomes) == ids
    failed = [job_id for job_id, outcome in outcomes.items() if isinstance(outcome, JobFailed)]
    assert failed == ids[::4]
    assert all(outcomes[job_id].job_id == job_id for job_id in failed)
    assert all(isinstance(outcome, ModelJobState) for job_id, outcome in outcomes.items() if job_id not in failed)
    assert set(counted) == {"/list"}
    assert counted["/list"] <= elapsed / 0.1 + 2


def test_as_completed_yields_each_job_as_it_finishes(client):
    slow = client.submit(job("sleep", "0.5")).id
    quick = client.submit(job()).id
    landed = list(client.as_completed([slow, quick], timeout=WAIT, poll_interval=0.02))
    assert [job_id for job_id, _ in landed] == [quick, slow]


def test_wait_all_times_out_naming_the_unfinished_count(user_key):
    with LocalRequesterNode(step_delay=30) as slow_node, Client(slow_node.url, user_key) as client:
        ids = [client.submit(job()).id for _ in range(2)]
        started = time.monotonic()
        with pytest.raises(TimeoutError) as error:
            client.wait_all(ids, timeout=0.3, poll_interval=0.05)
        assert time.monotonic() - started < WAIT
    assert str(error.value) == "2 of 2 jobs did not finish within 0.3 s"


def test_wait_all_looks_further_back_when_newer_jobs_fill_the_list(user_key):
    with LocalRequesterNode(step_delay=0.1) as node, Client(node.url, user_key) as client:
        oldest = client.submit(job()).id
        for _ in range(5):
            client.submit(job())
        before = node.request_counts
        outcomes = client.wait_all([oldest], timeout=WAIT, poll_interval=0.02)
        counted = node.request_counts - before
    assert isinstance(outcomes[oldest], ModelJobState)
    assert set(counted) == {"/list"}


def test_wait_all_asks_states_for_jobs_of_other_clients(client, node):
    with Client(node.url, UserKey.generate()) as other:
        theirs = other.submit(job()).id
    mine = client.submit(job()).id
    before = node.request_counts
    outcomes = client.wait_all([mine, theirs, mine[:8]], timeout=WAIT, poll_interval=0.02)
    counted = node.request_counts - before
    assert list(outcomes) == [mine, theirs, mine[:8]]
    assert all(isinstance(outcome, ModelJobState) for outcome in outcomes.values())
    assert counted["/states"] >= 1 and counted["/list"] >= 1


def test_wait_all_of_nothing_is_empty(client):
    assert client.wait_all([]) == {}


@pytest.mark.parametrize("job_ids, message", [
    ("abc", "job_ids: expected a list of job IDs, got str 'abc'"),
    (None, "job_ids: expected a list of job IDs, got NoneType None"),
    (["ok", ""], "job_ids[1]: must be a non-empty job ID or 8-character short ID, got ''"),
    (["ok", 5], "job_ids[1]: must be a non-empty job ID or 8-character short ID, got 5"),
])
def test_wait_all_with_bad_job_ids_raises_value_error(client, job_ids, message):
    with pytest.raises(ValueError) as error:
        client.wait_all(job_ids)
    assert str(error.value) == message


# ------------------------------------------------------------------ hostile streams, docs

def websocket_then_404(frames):
    """A node whose first /websocket sends ``frames`` then hangs up; later upgrades get 404."""
    served = []

    def route(server, connection, request):
        if request.path.startswith("/websocket") and not served:
            served.append(True)
            connection.sendall(upgrade_bytes(request) + b"".join(frames))
        elif request.path.startswith("/websocket"):
            connection.sendall(response_bytes(404, b"404 page not found\n"))
        elif request.path == "/states":
            connection.sendall(response_bytes(200, json.dumps({"state": RUNNING}).encode()))
        else:
            connection.sendall(response_bytes(200, json.dumps({"events": SCRIPT}).encode()))
    return routed(route)


def test_every_job_stream_that_cannot_reconnect_raises_connection_error():
    frames = [node_websocket.text_frame(json.dumps(SCRIPT[0]).encode())]
    with FaultyServer(websocket_then_404(frames)) as server, Client(server.url, UserKey.generate()) as client:
        stream = client.follow(timeout=WAIT)
        stream.reconnect_waits = (0,)
        followed = []
        with pytest.raises(ApiConnectionError) as error:
            for item in stream:
                followed.append(item.to_wire())
    assert followed == SCRIPT  # the first from the websocket, the rest from the job's /events
    assert str(error.value) == "GET /websocket: the websocket ws://127.0.0.1:%d/websocket closed and could " \
                               "not be reopened" % server.port


def test_a_message_that_is_not_a_job_event_raises_decode_error():
    frames = [node_websocket.text_frame(b"[1, 2]")]
    with FaultyServer(websocket_then_404(frames)) as server, Client(server.url, UserKey.generate()) as client:
        with pytest.raises(ApiDecodeError) as error:
            next(client.follow(timeout=WAIT))
    assert str(error.value) == "GET /websocket: message 1 from /websocket is not a JobEvent: not a JSON object"


def test_odd_event_names_do_not_break_the_stream():
    odd = dict(SCRIPT[0], EventName=["not", "a", "name"])
    frames = [node_websocket.text_frame(json.dumps(odd).encode())]
    with FaultyServer(websocket_then_404(frames)) as server, Client(server.url, UserKey.generate()) as client:
        stream = client.follow("job-1", timeout=WAIT)
        assert next(stream).to_wire() == odd
        stream.close()


def test_closing_a_stream_before_iterating_closes_its_websocket(client, node):
    stream = client.follow()
    stream.close()
    deadline = time.monotonic() + WAIT
    while node.store._listeners.get("") and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not node.store._listeners.get("")
    assert list(stream) == []


def test_the_following_guide_example_runs(capsys):
    from conftest import ROOT

    text = (ROOT / "docs" / "Following.md").read_text(encoding="utf-8")
    example = text.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(example, "docs/Following.md example", "exec"), {})
    printed = capsys.readouterr().out
    assert "followed by websocket" in printed and printed.count(" done\n") == 10


def test_wait_asks_again_soon_when_the_state_lags_behind_the_deciding_event():
    states = iter([RUNNING, RUNNING, COMPLETED])

    def route(server, connection, request):
        if request.path.startswith("/websocket"):
            connection.sendall(upgrade_bytes(request) + b"".join(
                node_websocket.text_frame(json.dumps(item).encode()) for item in SCRIPT))
            server.stopped.wait(10)  # the websocket stays open, quiet
        else:
            connection.sendall(response_bytes(200, json.dumps({"state": next(states)}).encode()))

    with FaultyServer(routed(route)) as server, Client(server.url, UserKey.generate()) as client:
        started = time.monotonic()
        assert client.wait("job-1", timeout=WAIT, poll_interval=0.05).to_wire() == COMPLETED
        assert time.monotonic() - started < 3.0  # not the 5 s a quiet websocket waits before asking
        assert len(server.requests_to("/states")) == 3


# ------------------------------------------------------------------ TLS

class TLSFront:
    """TLS on 127.0.0.1 in front of a plain node: each connection is decrypted and piped to the node."""

    def __init__(self, target_port, cert_path):
        import ssl

        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert_path, cert_path[:-len(".pem")] + ".key")
        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.url = "https://127.0.0.1:%d" % self.listener.getsockname()[1]
        self.threads = []

    def _accept(self):
        while True:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return  # closed
            thread = threading.Thread(target=self._pipe, args=(raw,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _pipe(self, raw):
        try:
            secure = self.context.wrap_socket(raw, server_side=True)
        except OSError:
            raw.close()  # a client that refused the certificate
            return
        plain = socket.create_connection(("127.0.0.1", self.target_port))

        def copy(source, target):
            try:
                while True:
                    data = source.recv(65536)
                    if not data:
                        break
                    target.sendall(data)
            except OSError:
                pass
            finally:
                for sock in (source, target):
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        back = threading.Thread(target=copy, args=(plain, secure), daemon=True)
        back.start()
        copy(secure, plain)
        back.join(WAIT)
        secure.close()
        plain.close()

    def __enter__(self):
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self.listener.close()
        for thread in self.threads:
            thread.join(WAIT)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    from test_tls import write_self_signed_certificate

    return write_self_signed_certificate(tmp_path_factory.mktemp("tls"), "node", ["127.0.0.1"])


def test_follow_over_wss_verifies_the_node_with_the_configured_ca(node, user_key, certificate):
    with TLSFront(node.port, certificate) as front, \
            Client(front.url, user_key, configuration=Configuration(ssl_ca_cert=certificate)) as client:
        submitted = client.submit(job())
        with client.follow(submitted.id, timeout=WAIT) as stream:
            assert stream.transport == "websocket"
            assert wires(stream) == wires(client.events(submitted.id))


def test_follow_over_wss_refuses_an_untrusted_certificate(node, user_key, certificate):
    with TLSFront(node.port, certificate) as front, Client(front.url, user_key) as client:
        stream = client.follow("job-1", timeout=WAIT)
        assert stream.transport == "polling"  # the websocket was refused; the poll reports why
        with pytest.raises(ApiSSLError):
            next(stream)


def test_following_leaves_no_threads_or_sockets_behind(user_key):
    from leaks import left_behind, snapshot

    before = snapshot()
    with LocalRequesterNode(step_delay=FAST) as fast_node, Client(fast_node.url, user_key) as client:
        submitted = client.submit(job())
        assert list(client.follow(submitted.id, timeout=WAIT))
        client.wait(submitted.id, timeout=WAIT)
        client.wait_all([submitted.id], timeout=WAIT)
        every_job = client.follow()
        every_job.close()
    assert left_behind(before) == ([], [])


def test_every_job_stream_recovers_events_of_jobs_created_while_disconnected(client, node):
    running = client.submit(job()).id
    stream = client.follow(timeout=WAIT)
    stream.reconnect_waits = (0.2,)
    followed = [next(stream)]
    node._server.close_connections()  # the node's side of the websocket
    created_in_the_gap = client.submit(job()).id
    for item in stream:
        followed.append(item)
        if sum(1 for seen in followed if seen.event_name == "ResultsPublished") == 2:
            break
    stream.close()
    given = [seen.to_wire() for seen in followed]
    assert len(given) == len({json.dumps(wire, sort_keys=True) for wire in given})  # nothing repeated
    stored = wires(client.events(running))
    first = stored.index(followed[0].to_wire())
    assert [wire for wire in given if wire["JobID"] == running] == stored[first:]  # from the stream's start on
    assert [wire for wire in given if wire["JobID"] == created_in_the_gap] == wires(client.events(created_in_the_gap))


def test_without_websocket_client_a_job_is_followed_and_waited_on_by_polling(client, monkeypatch):
    monkeypatch.setitem(sys.modules, "websocket", None)  # as if the package were not installed
    submitted = client.submit(job())
    with client.follow(submitted.id, timeout=WAIT, poll_interval=0.02) as stream:
        assert stream.transport == "polling"
        assert wires(stream) == wires(client.events(submitted.id))
    assert isinstance(client.wait(submitted.id, timeout=WAIT, poll_interval=0.02), ModelJobState)
    with pytest.raises(ApiConnectionError) as error:
        client.follow()
    assert str(error.value) == ("GET /websocket: following every job needs the websocket-client package "
                                "(pip install websocket-client)")
