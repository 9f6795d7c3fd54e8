"""One ApiClient shared by many threads: no errors, no answers crossed between threads,
connections reused from the pool, and everything released by close()."""

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bacalhau_client import ApiClient, ApiTimeoutError, Configuration, JobApi, PublicapiStateRequest
from faulty_server import FaultyServer, stall
from leaks import left_behind, snapshot
from loopback import LoopbackServer

THREADS = 16
CALLS_PER_THREAD = 200
POOL_SIZE = 8


def echo_job_id(request):
    """Answer /states with a state whose only node is named after the job asked for."""
    job_id = json.loads(request.body)["job_id"]
    return json.dumps({"state": {"Nodes": {job_id: {"Shards": {}}}}}).encode()


def ask_for_own_jobs(client: ApiClient, thread: int):
    """Ask for this thread's jobs one by one; return the answers that named another job."""
    api = JobApi(client)
    crossed = []
    for call in range(CALLS_PER_THREAD):
        job_id = "job-%d-%d" % (thread, call)
        nodes = api.states(PublicapiStateRequest(client_id="client-1", job_id=job_id)).state.nodes
        if list(nodes) != [job_id]:
            crossed.append((job_id, list(nodes)))
    return crossed


@pytest.fixture(scope="module")
def shared_client_run():
    """16 threads x 200 calls through one client; what it saw, and the process before and after."""
    before = snapshot()
    with LoopbackServer(echo_job_id) as server:
        client = ApiClient(Configuration(host=server.url, connection_pool_maxsize=POOL_SIZE))
        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(lambda thread: ask_for_own_jobs(client, thread), range(THREADS)))
        client.close()
    return {
        "crossed": [answer for crossed in results for answer in crossed],
        "requests": len(server.requests),
        "connections": server.connections,
        "left behind": left_behind(before),
    }


def test_every_call_of_every_thread_is_answered(shared_client_run):
    assert shared_client_run["requests"] == THREADS * CALLS_PER_THREAD


def test_no_thread_gets_another_thread_s_answer(shared_client_run):
    assert shared_client_run["crossed"] == []


def test_threads_share_at_most_pool_size_connections(shared_client_run):
    assert 1 <= shared_client_run["connections"] <= POOL_SIZE


def test_close_releases_every_socket(shared_client_run):
    assert shared_client_run["left behind"][1] == []


def test_no_thread_outlives_the_run(shared_client_run):
    assert shared_client_run["left behind"][0] == []


def test_waiting_for_a_pooled_connection_ends_at_the_deadline():
    # One connection, held by a call the server never answers: the second call must not wait forever.
    with FaultyServer(stall()) as server:
        with ApiClient(Configuration(host=server.url, connection_pool_maxsize=1, timeout=2.0, retries=0)) as client:
            api = JobApi(client)
            request = PublicapiStateRequest(client_id="client-1", job_id="job-1")
            with ThreadPoolExecutor(1) as pool:
                holder = pool.submit(api.states, request)
                while server.connections == 0:
                    time.sleep(0.01)
                start = time.monotonic()
                with pytest.raises(ApiTimeoutError) as caught:
                    api.states(request, _request_timeout=0.3)
                waited = time.monotonic() - start
                with pytest.raises(ApiTimeoutError):
                    holder.result()
    assert waited < 1.5
    assert str(caught.value) == "POST /states: no free connection to 127.0.0.1:%d within the call's deadline" \
        % server.port


# --- the async pool, fork() and close() -------------------------------------------------------------------


def test_async_pool_is_created_once_by_racing_threads():
    import threading

    with ApiClient(Configuration(host="http://127.0.0.1:1")) as client:
        start = threading.Barrier(16)
        seen = []

        def take_pool():
            start.wait()
            seen.append(client.pool)
        threads = [threading.Thread(target=take_pool) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(seen) == 16 and len({id(pool) for pool in seen}) == 1


def _in_child(work) -> dict:
    """Run ``work()`` in a forked child; return what it returned (a JSON value) or the error it raised."""
    import os

    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report and leave at once, running no test machinery
        try:
            os.close(reading)
            try:
                outcome = {"value": work()}
            except BaseException as error:
                outcome = {"error": "%s: %s" % (type(error).__name__, error)}
            os.write(writing, json.dumps(outcome).encode())
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(data)


def test_client_used_before_fork_works_in_parent_and_child_with_their_own_connections():
    with LoopbackServer(echo_job_id) as server, ApiClient(Configuration(host=server.url)) as client:
        api = JobApi(client)

        def nodes(job_id):
            return list(api.states(PublicapiStateRequest(client_id="c", job_id=job_id)).state.nodes)

        assert nodes("parent-before") == ["parent-before"]
        child = _in_child(lambda: [nodes("child-%d" % call) for call in range(20)])
        assert [nodes("parent-%d" % call) for call in range(20)] == [["parent-%d" % call] for call in range(20)]
    assert child == {"value": [["child-%d" % call] for call in range(20)]}
    assert server.connections == 2  # the child opened its own; the parent kept its one


def test_async_req_works_in_a_child_after_the_parent_used_it():
    with LoopbackServer(echo_job_id) as server, ApiClient(Configuration(host=server.url)) as client:
        api = JobApi(client)
        request = PublicapiStateRequest(client_id="c", job_id="async")
        assert list(api.states(request, async_req=True).get(5).state.nodes) == ["async"]
        child = _in_child(lambda: list(api.states(request, async_req=True).get(5).state.nodes))
    assert child == {"value": ["async"]}


def test_close_after_retried_connection_errors_releases_every_socket_at_once():
    from faulty_server import close_at_once, keep_alive, response_bytes
    from bacalhau_client.retries import RetrySettings

    answer = response_bytes(200, b'{"state":{"Nodes":{}}}', keep_alive=True)
    with FaultyServer(close_at_once(), close_at_once(), keep_alive(lambda request, count: answer)) as server:
        before = snapshot()
        client = ApiClient(Configuration(host=server.url, timeout=1.0, deadline=5.0,
                                         retries=RetrySettings(sleep=lambda seconds: None)))
        JobApi(client).states(PublicapiStateRequest(client_id="c", job_id="j"))
        client.close()  # no garbage collection needed: the sockets close now
        assert left_behind(before, grace=2.0)[1] == []
    assert server.connections == 3
