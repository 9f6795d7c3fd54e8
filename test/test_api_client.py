"""ApiClient: its lifetime (connections, the lazy thread pool), default headers, and (de)serialization."""

import threading
import time
from datetime import date, datetime, timezone
from typing import Any, NamedTuple

import pytest
from loopback import LoopbackServer

import bacalhau_client
from bacalhau_client import ApiClient, Configuration, HealthApi, JobApi, ModelJob, PublicapiStateRequest

STATE_BODY = b'{"state": {"Nodes": {}}}\n'


class Response(NamedTuple):
    data: Any


@pytest.fixture(scope="module")
def loopback():
    with LoopbackServer(lambda request: STATE_BODY) as running:
        yield running


@pytest.fixture
def server(loopback):
    loopback.requests.clear()
    return loopback


def wait_for_thread_count(count: int, limit: float = 10.0) -> int:
    """Wait (at most ``limit`` seconds) until at most ``count`` threads are left; return how many are."""
    give_up = time.monotonic() + limit
    while threading.active_count() > count and time.monotonic() < give_up:
        time.sleep(0.01)
    return threading.active_count()


# --- lifetime ----------------------------------------------------------------------------------------------


def test_context_manager_returns_the_client():
    client = ApiClient()
    with client as entered:
        assert entered is client


def test_context_manager_closes_the_connections(server):
    with ApiClient(Configuration(host=server.url)) as client:
        JobApi(client).states(PublicapiStateRequest(job_id="j"))
        assert len(client.rest_client.pool_manager.pools) == 1
    assert len(client.rest_client.pool_manager.pools) == 0


def test_close_can_be_called_twice():
    client = ApiClient()
    client.close()
    client.close()
    assert client._pool is None


def test_client_can_be_used_again_after_close(server):
    client = ApiClient(Configuration(host=server.url))
    client.close()
    try:
        assert JobApi(client).states(PublicapiStateRequest(job_id="j")).state.nodes == {}
    finally:
        client.close()


def test_creating_a_client_starts_no_thread():
    before = threading.active_count()
    with ApiClient() as client:
        assert threading.active_count() == before
        assert client._pool is None


def test_a_synchronous_call_creates_no_thread_pool(server):
    with ApiClient(Configuration(host=server.url)) as client:
        JobApi(client).states(PublicapiStateRequest(job_id="j"))
        assert client._pool is None


def test_async_req_creates_the_thread_pool(server):
    with ApiClient(Configuration(host=server.url)) as client:
        JobApi(client).states(PublicapiStateRequest(job_id="j"), async_req=True).get(timeout=30)
        assert client._pool is not None


def test_the_thread_pool_is_created_once(server):
    with ApiClient(Configuration(host=server.url)) as client:
        assert client.pool is client.pool


def test_close_shuts_the_thread_pool_and_its_threads_end(server):
    before = threading.active_count()
    client = ApiClient(Configuration(host=server.url))
    pending = [HealthApi(client).livez(async_req=True) for _ in range(4)]
    assert [result.get(timeout=30) for result in pending] == ["{\"state\": {\"Nodes\": {}}}\n"] * 4
    assert threading.active_count() > before
    client.close()
    assert client._pool is None
    assert wait_for_thread_count(before) <= before


def test_async_results_arrive_in_any_number(server):
    with ApiClient(Configuration(host=server.url)) as client:
        api = JobApi(client)
        pending = [api.states(PublicapiStateRequest(job_id=str(n)), async_req=True) for n in range(8)]
        assert [result.get(timeout=30).state.nodes for result in pending] == [{}] * 8
    assert sorted(request.body for request in server.requests) == sorted(
        ('{"job_id":"%d"}' % n).encode() for n in range(8))


# --- headers -----------------------------------------------------------------------------------------------


def test_default_user_agent_names_the_sdk_and_its_version():
    with ApiClient() as client:
        assert client.user_agent == "bacalhau-client-python/%s" % bacalhau_client.__version__


def test_configured_user_agent_is_sent(server):
    with ApiClient(Configuration(host=server.url, user_agent="my-app/2.0")) as client:
        HealthApi(client).livez()
    assert server.requests[0].headers["User-Agent"] == "my-app/2.0"


def test_default_header_is_sent_with_every_request(server):
    with ApiClient(Configuration(host=server.url)) as client:
        client.set_default_header("X-Trace", "abc")
        HealthApi(client).livez()
        JobApi(client).states(PublicapiStateRequest(job_id="j"))
    assert [request.headers["X-Trace"] for request in server.requests] == ["abc", "abc"]


def test_header_given_to_the_constructor_is_sent(server):
    with ApiClient(Configuration(host=server.url), header_name="X-Team", header_value="data") as client:
        HealthApi(client).livez()
    assert server.requests[0].headers["X-Team"] == "data"


def test_cookie_is_sent(server):
    with ApiClient(Configuration(host=server.url), cookie="session=1") as client:
        HealthApi(client).livez()
    assert server.requests[0].headers["Cookie"] == "session=1"


def test_api_without_a_client_uses_the_default_configuration():
    api = JobApi()
    try:
        assert api.api_client.configuration.host == "http://bootstrap.production.bacalhau.org:1234"
    finally:
        api.api_client.close()


# --- deserialize: containers and scalars -------------------------------------------------------------------


@pytest.fixture(scope="module")
def client():
    with ApiClient() as api_client:
        yield api_client


def test_deserialize_list_of_models(client):
    jobs = client.deserialize(Response(b'[{"ID": "a"}, {"ID": "b"}]'), "list[ModelJob]")
    assert [type(job) for job in jobs] == [ModelJob, ModelJob]
    assert [job.id for job in jobs] == ["a", "b"]


def test_deserialize_list_keeps_items_of_another_type(client):
    assert client.deserialize(Response(b'[{"ID": "a"}, 3]'), "list[ModelJob]")[1] == 3


def test_deserialize_dict_of_lists_of_str(client):
    peers = client.deserialize(Response(b'{"topic": ["Qm1", "Qm2"], "other": []}'), "dict(str, list[str])")
    assert peers == {"topic": ["Qm1", "Qm2"], "other": []}


def test_deserialize_dict_of_models(client):
    nodes = client.deserialize(Response(b'{"n1": {"Shards": {}}}'), "dict(str, ModelJobNodeState)")
    assert type(nodes["n1"]).__name__ == "ModelJobNodeState"


def test_deserialize_object_returns_any_json(client):
    assert client.deserialize(Response(b'[1, {"a": null}, "x"]'), "object") == [1, {"a": None}, "x"]


def test_deserialize_str_decodes_bytes(client):
    assert client.deserialize(Response("café\n".encode("utf-8")), "str") == "café\n"


def test_deserialize_str_returns_text_as_it_is(client):
    assert client.deserialize(Response("READY"), "str") == "READY"


def test_deserialize_scalars(client):
    assert (client.deserialize(Response(b"7"), "int"), client.deserialize(Response(b"2.5"), "float"),
            client.deserialize(Response(b"true"), "bool")) == (7, 2.5, True)


def test_deserialize_unknown_type_raises_value_error(client):
    with pytest.raises(ValueError) as raised:
        client.deserialize(Response(b"{}"), "ModelUnknown")
    assert str(raised.value) == "unknown response type 'ModelUnknown'"


# --- sanitize_for_serialization ----------------------------------------------------------------------------


def test_sanitize_turns_datetimes_into_rfc3339(client):
    moment = datetime(2022, 11, 17, 13, 32, 55, 338372, tzinfo=timezone.utc)
    assert client.sanitize_for_serialization({"at": moment, "on": date(2022, 11, 17)}) == {
        "at": "2022-11-17T13:32:55.338372Z", "on": "2022-11-17"}


def test_sanitize_turns_tuples_into_lists(client):
    assert client.sanitize_for_serialization(("a", 1, None)) == ["a", 1, None]


def test_sanitize_serializes_models_inside_containers(client):
    assert client.sanitize_for_serialization([ModelJob(id="a"), {"job": ModelJob(id="b")}]) == [
        {"ID": "a"}, {"job": {"ID": "b"}}]


def test_sanitize_rejects_what_json_cannot_hold(client):
    with pytest.raises(ValueError) as raised:
        client.sanitize_for_serialization({"tags": {"a", "b"}})
    assert str(raised.value) == "cannot serialize set to JSON"


# --- the transport seam ------------------------------------------------------------------------------------


class RecordingPoolManager(bacalhau_client.rest.urllib3.PoolManager):
    """A real PoolManager that also notes every URL it is asked to open."""

    def __init__(self, **settings):
        super().__init__(**settings)
        self.opened = []

    def urlopen(self, method, url, redirect=True, **kw):
        self.opened.append((method, url))
        return super().urlopen(method, url, redirect=redirect, **kw)


def test_a_given_pool_manager_carries_every_call(server):
    manager = RecordingPoolManager()
    with ApiClient(Configuration(host=server.url), pool_manager=manager) as client:
        JobApi(client).states(PublicapiStateRequest(client_id="c", job_id="j"))
        assert client.rest_client.pool_manager is manager
    assert manager.opened == [("POST", server.url + "/states")]


def test_a_given_pool_manager_gets_the_pool_classes_that_skip_early_hints():
    from faulty_server import FaultyServer, send_raw, response_bytes

    hints = b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
    with FaultyServer(send_raw(hints + response_bytes(200, STATE_BODY))) as faulty:
        with ApiClient(Configuration(host=faulty.url), pool_manager=RecordingPoolManager()) as client:
            assert JobApi(client).states(PublicapiStateRequest(client_id="c", job_id="j")).state.nodes == {}


def test_close_closes_the_sockets_of_a_given_pool_manager(server):
    from leaks import left_behind, snapshot

    before = snapshot()
    client = ApiClient(Configuration(host=server.url), pool_manager=RecordingPoolManager())
    JobApi(client).states(PublicapiStateRequest(client_id="c", job_id="j"))
    client.close()
    assert left_behind(before, grace=2.0)[1] == []


def test_rest_client_accepts_a_pool_manager_too(server):
    manager = RecordingPoolManager()
    rest = bacalhau_client.rest.RESTClientObject(Configuration(host=server.url), pool_manager=manager)
    try:
        assert rest.request("POST", server.url + "/states", body={}).status == 200
    finally:
        rest.close()
    assert manager.opened == [("POST", server.url + "/states")]


# --- streaming answers ---------------------------------------------------------------------------------------


def test_unread_answer_is_returned_for_streaming_and_releases_its_connection(server):
    with ApiClient(Configuration(host=server.url)) as client:
        response = client.call_api("/states", "POST", {}, "object", _preload_content=False)
        assert response.read() == STATE_BODY
        response.release_conn()
        client.call_api("/states", "POST", {}, "object")
    assert len(server.requests) == 2


def test_unread_error_answer_raises_with_the_start_of_its_body():
    with LoopbackServer(lambda request: (503, {"Content-Type": "text/plain"}, b"busy" * 1000)) as busy:
        with ApiClient(Configuration(host=busy.url, retries=0)) as client:
            with pytest.raises(bacalhau_client.ServerError) as caught:
                client.call_api("/states", "POST", {}, "object", _preload_content=False)
    assert caught.value.status == 503 and caught.value.body == "busy" * 256
