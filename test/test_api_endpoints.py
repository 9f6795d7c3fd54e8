"""Every endpoint of the table, its names and the call options, as real HTTP exchanges with a loopback server."""

import json
from typing import Any, Callable, Dict, NamedTuple, Optional, Tuple

import pytest
from conftest import FIXTURES
from loopback import LoopbackServer

import bacalhau_client
from bacalhau_client import (
    ApiClient, ApiDecodeError, Configuration, HealthApi, JobApi, MiscApi, NotFoundError, PublicapiDebugResponse,
    PublicapiEventsRequest, PublicapiEventsResponse, PublicapiListRequest, PublicapiListResponse,
    PublicapiLocalEventsRequest, PublicapiLocalEventsResponse, PublicapiResultsResponse, PublicapiStateRequest,
    PublicapiStateResponse, PublicapiSubmitRequest, PublicapiSubmitResponse, PublicapiVersionRequest,
    PublicapiVersionResponse, TypesHealthInfo,
)
from bacalhau_client.api.endpoints import BY_NAME, ENDPOINTS, READ_ONLY_PATHS, Endpoint, by_path

USER_AGENT = "bacalhau-client-python/%s" % bacalhau_client.__version__
CLIENT_ID = "ac13188e93c97a9c2e7cf8e86c7313156a73436036f30da1ececc2ce79f9ea51"
JOB_ID = "9304c616-291f-41ad-b862-54e133c0149e"
PEER_ID = "QmXaXu9N5GNetatsvwnTfQqNtSeKAD6uCmarbh3LMRYAcF"


def go_json(value: Any) -> bytes:
    """A body as the Go node writes it: compact JSON and a trailing newline."""
    return json.dumps(value, separators=(",", ":")).encode("utf-8") + b"\n"


def fixture_body(name: str) -> bytes:
    return go_json(json.loads((FIXTURES / "responses" / name).read_text(encoding="utf-8")))


SIGNED_REQUEST = json.loads((FIXTURES / "keys" / "go_signed_submit_request.json").read_text(encoding="utf-8"))
STORED_JOB = dict(json.loads((FIXTURES / "responses" / "list_response.json").read_text())["jobs"][0], JobState={})

JSON = "application/json"
TEXT = "text/plain; charset=utf-8"
ANSWERS: Dict[str, Tuple[str, bytes]] = {
    "/submit": (JSON, go_json({"job": STORED_JOB})),
    "/list": (JSON, fixture_body("list_response.json")),
    "/events": (JSON, fixture_body("events_response.json")),
    "/local_events": (JSON, go_json({"localEvents": [{"EventName": "Selected", "JobID": JOB_ID}]})),
    "/results": (JSON, fixture_body("results_response.json")),
    "/states": (JSON, fixture_body("states_response.json")),
    "/livez": (TEXT, b"OK"),
    "/readyz": (TEXT, b"READY"),
    "/healthz": (JSON, go_json({"FreeSpace": {"root": {"All": 100, "Free": 60, "Used": 40}}})),
    "/logz": (TEXT, b"13:32:55 INF job created\n13:32:56 INF bid accepted\n"),
    "/varz": (JSON, b"{}\n"),
    "/debug": (JSON, go_json({"AvailableComputeCapacity": {"CPU": 8, "Memory": 16000000000},
                              "ComputeJobs": [], "RequesterJobs": [{"ShardID": JOB_ID + ":0", "State": "Running"}]})),
    "/id": (JSON, go_json(PEER_ID)),
    "/peers": (JSON, go_json({"bacalhau-job-event": [PEER_ID, "QmSyJ8VUd4YSPwZFJSJsHmmmmg7sd4BAc2yHY73nisJo86"]})),
    "/version": (JSON, go_json({"build_version_info": {"major": "0", "minor": "3", "gitversion": "v0.3.13",
                                                       "gitcommit": "abc", "builddate": "2022-11-16T16:35:48Z",
                                                       "goos": "linux", "goarch": "amd64"}})),
}


class Case(NamedTuple):
    """How one endpoint of the table is exercised."""

    body: Optional[Callable[[], Any]]  # what the caller passes; None for GET endpoints
    sent: Optional[Any]  # the JSON the node must receive
    check: Callable[[Any], bool]  # the returned data is right


def state_request():
    return PublicapiStateRequest(client_id=CLIENT_ID, job_id=JOB_ID)


CASES: Dict[str, Case] = {
    "submit": Case(lambda: PublicapiSubmitRequest.from_wire(json.loads(json.dumps(SIGNED_REQUEST))), SIGNED_REQUEST,
                   lambda data: isinstance(data, PublicapiSubmitResponse) and data.job.id == JOB_ID),
    "list": Case(lambda: PublicapiListRequest(client_id=CLIENT_ID), {"client_id": CLIENT_ID, "max_jobs": 10},
                 lambda data: isinstance(data, PublicapiListResponse) and data.jobs[0].id == JOB_ID),
    "events": Case(lambda: PublicapiEventsRequest(client_id=CLIENT_ID, job_id=JOB_ID),
                   {"client_id": CLIENT_ID, "job_id": JOB_ID},
                   lambda data: isinstance(data, PublicapiEventsResponse) and data.events[0].event_name == "Created"),
    "local_events": Case(lambda: PublicapiLocalEventsRequest(client_id=CLIENT_ID, job_id=JOB_ID),
                         {"client_id": CLIENT_ID, "job_id": JOB_ID},
                         lambda data: isinstance(data, PublicapiLocalEventsResponse)
                         and data.local_events[0].event_name == "Selected"),
    "results": Case(state_request, {"client_id": CLIENT_ID, "job_id": JOB_ID},
                    lambda data: isinstance(data, PublicapiResultsResponse)
                    and data.results[0].data.cid == "QmTVmC7JBD2ES2qGPqBNVWnX1KeEPNrPGb7rJ8cpFgtefe"),
    "states": Case(state_request, {"client_id": CLIENT_ID, "job_id": JOB_ID},
                   lambda data: isinstance(data, PublicapiStateResponse) and data.state.nodes[
                       "QmdZQ7ZbhnvWY1J12XYKGHApJ6aufKyLNSvf8jZBrBaAVL"].shards["0"].state == "Completed"),
    "livez": Case(None, None, lambda data: type(data) is str and data == "OK"),
    "readyz": Case(None, None, lambda data: type(data) is str and data == "READY"),
    "healthz": Case(None, None, lambda data: isinstance(data, TypesHealthInfo) and data.free_space.root.free == 60),
    "logz": Case(None, None, lambda data: data == "13:32:55 INF job created\n13:32:56 INF bid accepted\n"),
    "varz": Case(None, None, lambda data: data == {}),
    "debug": Case(None, None,
                  lambda data: isinstance(data, PublicapiDebugResponse) and data.requester_jobs[0].state == "Running"),
    "id": Case(None, None, lambda data: type(data) is str and data == PEER_ID),
    "peers": Case(None, None, lambda data: data == {
        "bacalhau-job-event": [PEER_ID, "QmSyJ8VUd4YSPwZFJSJsHmmmmg7sd4BAc2yHY73nisJo86"]}),
    "version": Case(lambda: PublicapiVersionRequest(client_id=CLIENT_ID), {"client_id": CLIENT_ID},
                    lambda data: isinstance(data, PublicapiVersionResponse)
                    and data.build_version_info.gitversion == "v0.3.13"),
}
ENDPOINT_IDS = [endpoint.name for endpoint in ENDPOINTS]
API_CLASSES = {"JobApi": JobApi, "HealthApi": HealthApi, "MiscApi": MiscApi}

# How a call is made: (method name suffix, keyword options, whether the result is (data, status, headers)).
CALL_STYLES = {
    "plain": ("", {}, False),
    "with_http_info": ("_with_http_info", {}, True),
    # As in the generated client, a plain method returns the data alone whatever this option says.
    "return_http_data_only_false": ("", {"_return_http_data_only": False}, False),
    "with_http_info_data_only": ("_with_http_info", {"_return_http_data_only": True}, False),
    "timeout_int": ("", {"_request_timeout": 5}, False),
    "timeout_float": ("", {"_request_timeout": 2.5}, False),
    "timeout_pair": ("", {"_request_timeout": (3, 10)}, False),
    "timeout_float_pair": ("", {"_request_timeout": (0.5, 2.5)}, False),
    "no_retries": ("", {"_retries": 0}, False),
}
# Every endpoint goes through one call path, so the options are checked on a JSON POST and a text GET.
OPTION_ENDPOINTS = [BY_NAME["states"], BY_NAME["livez"]]


def answer(request):
    content_type, body = ANSWERS[request.path]
    return 200, {"Content-Type": content_type}, body


@pytest.fixture(scope="module")
def server():
    with LoopbackServer(answer) as loopback:
        yield loopback


@pytest.fixture
def client(server):
    server.requests.clear()
    with ApiClient(Configuration(host=server.url)) as api_client:
        yield api_client


def call(client: ApiClient, endpoint: Endpoint, name: str, **options):
    method = getattr(API_CLASSES[endpoint.api](client), name)
    case = CASES[endpoint.name]
    if case.body is None:
        return method(**options)
    return method(case.body(), **options)


def assert_request_received(server, endpoint: Endpoint) -> None:
    """The node got exactly one request: the endpoint's method, path, headers and body."""
    assert len(server.requests) == 1
    request = server.requests[0]
    assert (request.method, request.path) == (endpoint.method, endpoint.path)
    assert request.headers["User-Agent"] == USER_AGENT
    # What the node answers (ANSWERS, written from the reference), not the table under test, says what to accept.
    assert request.headers["Accept"] == ("text/plain" if ANSWERS[endpoint.path][0] == TEXT else "application/json")
    sent = CASES[endpoint.name].sent
    if sent is None:
        assert "Content-Type" not in request.headers
        assert request.body == b""
    else:
        assert request.headers["Content-Type"] == "application/json"
        assert int(request.headers["Content-Length"]) == len(request.body)
        assert json.loads(request.body) == sent


def assert_http_info(result, endpoint: Endpoint) -> None:
    data, status, headers = result
    assert CASES[endpoint.name].check(data)
    assert status == 200
    assert headers["Content-Type"] == ANSWERS[endpoint.path][0]


# --- the table ------------------------------------------------------------------------------------------------


def test_every_endpoint_of_the_table_is_exercised_here():
    assert sorted(CASES) == sorted(BY_NAME) and sorted(ANSWERS) == sorted(endpoint.path for endpoint in ENDPOINTS)


def test_every_alias_and_its_twin_is_the_seed_method():
    twin = "_with_http_info"
    differing = [(endpoint.api, alias) for endpoint in ENDPOINTS for alias, seed in (
        (endpoint.name, endpoint.seed_name), (endpoint.name + twin, endpoint.seed_name + twin))
        if getattr(API_CLASSES[endpoint.api], alias) is not getattr(API_CLASSES[endpoint.api], seed)]
    assert differing == []


def test_api_classes_have_exactly_the_tables_endpoints():
    for name, api_class in API_CLASSES.items():
        seeds = {member for member, value in vars(api_class).items() if callable(value) and not member.startswith("_")
                 and not member.endswith("_with_http_info") and value.__name__ == member}
        assert seeds == {endpoint.seed_name for endpoint in ENDPOINTS if endpoint.api == name}


def test_only_submit_is_not_read_only_and_paths_find_their_endpoint():
    assert sorted({endpoint.path for endpoint in ENDPOINTS} - READ_ONLY_PATHS) == ["/submit"]
    assert [by_path(endpoint.path) for endpoint in ENDPOINTS] == list(ENDPOINTS)
    assert by_path("/nope") is None


def test_local_node_serves_the_tables_routes():
    """The table's paths (a JSON body read on exactly the POST ones), plus two routes that are not API endpoints.

    ``/websocket`` streams live events and the ``/ipfs/`` subtree is a
    trustless gateway; neither is in the table, which lists the JSON API.
    """
    from bacalhau_client.devserver import gateway, websocket
    from bacalhau_client.devserver.http_handler import ROUTES

    non_json_routes = {"/websocket": websocket.route, "/ipfs/": gateway.serve}
    assert set(ROUTES) == {endpoint.path for endpoint in ENDPOINTS} | set(non_json_routes)
    assert {path: route.body_error is not None for path, route in ROUTES.items() if path not in non_json_routes} == {
        endpoint.path: endpoint.method == "POST" for endpoint in ENDPOINTS}
    assert {path: ROUTES[path].handle for path in non_json_routes} == non_json_routes


# --- every endpoint, plain and with http info -----------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ENDPOINT_IDS)
def test_endpoint_returns_its_data(server, client, endpoint):
    assert CASES[endpoint.name].check(call(client, endpoint, endpoint.seed_name))
    assert_request_received(server, endpoint)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ENDPOINT_IDS)
def test_endpoint_with_http_info_returns_data_status_headers(server, client, endpoint):
    assert_http_info(call(client, endpoint, endpoint.name + "_with_http_info"), endpoint)
    assert_request_received(server, endpoint)


# --- call options ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("style", sorted(CALL_STYLES))
@pytest.mark.parametrize("endpoint", OPTION_ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_call_option(server, client, endpoint, style):
    suffix, options, http_info = CALL_STYLES[style]
    result = call(client, endpoint, endpoint.seed_name + suffix, **options)
    if http_info:
        assert_http_info(result, endpoint)
    else:
        assert CASES[endpoint.name].check(result)
    assert_request_received(server, endpoint)


@pytest.mark.parametrize("endpoint", OPTION_ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_async_req_returns_an_async_result(server, client, endpoint):
    pending = call(client, endpoint, endpoint.name, async_req=True)
    assert CASES[endpoint.name].check(pending.get(timeout=30))
    assert_request_received(server, endpoint)


@pytest.mark.parametrize("endpoint", OPTION_ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_with_http_info_and_async_req_returns_data_status_headers(server, client, endpoint):
    pending = call(client, endpoint, endpoint.name + "_with_http_info", async_req=True)
    assert_http_info(pending.get(timeout=30), endpoint)


@pytest.mark.parametrize("endpoint", OPTION_ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_without_preloading_returns_the_unread_response(server, client, endpoint):
    response = call(client, endpoint, endpoint.seed_name, _preload_content=False)
    try:
        assert response.status == 200
        assert response.read() == ANSWERS[endpoint.path][1]
    finally:
        response.release_conn()
    assert_request_received(server, endpoint)


@pytest.mark.parametrize("endpoint", OPTION_ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_with_http_info_without_preloading_returns_response_status_headers(server, client, endpoint):
    response, status, headers = call(client, endpoint, endpoint.name + "_with_http_info", _preload_content=False)
    try:
        assert status == 200
        assert headers["Content-Type"] == ANSWERS[endpoint.path][0]
        assert response.read() == ANSWERS[endpoint.path][1]
    finally:
        response.release_conn()


# --- bodies sent ---------------------------------------------------------------------------------------------


def test_list_without_max_jobs_sends_ten(server, client):
    JobApi(client).list(PublicapiListRequest(client_id=CLIENT_ID))
    assert json.loads(server.requests[0].body) == {"client_id": CLIENT_ID, "max_jobs": 10}


def test_list_given_as_a_dict_without_max_jobs_sends_ten(server, client):
    JobApi(client).list({"client_id": CLIENT_ID, "return_all": True})
    assert json.loads(server.requests[0].body) == {"client_id": CLIENT_ID, "return_all": True, "max_jobs": 10}


def test_list_sends_the_max_jobs_it_is_given(server, client):
    JobApi(client).list(PublicapiListRequest(client_id=CLIENT_ID, max_jobs=250))
    assert json.loads(server.requests[0].body) == {"client_id": CLIENT_ID, "max_jobs": 250}


def test_list_leaves_the_callers_request_unchanged(server, client):
    body = PublicapiListRequest(client_id=CLIENT_ID)
    JobApi(client).list(body)
    assert body.max_jobs is None


def test_states_accepts_a_dict_body(server, client):
    JobApi(client).states({"client_id": CLIENT_ID, "job_id": JOB_ID})
    assert json.loads(server.requests[0].body) == {"client_id": CLIENT_ID, "job_id": JOB_ID}


def test_version_without_a_body_sends_an_empty_object(server, client):
    MiscApi(client).version()
    assert server.requests[0].body == b"{}"


def test_submit_sends_the_go_signed_request_byte_for_byte(server, client):
    JobApi(client).submit(PublicapiSubmitRequest.from_wire(json.loads(json.dumps(SIGNED_REQUEST))))
    assert server.requests[0].body == (FIXTURES / "keys" / "go_signed_submit_request.json").read_bytes().strip()


def test_submit_accepts_a_dict_body(server, client):
    JobApi(client).submit(json.loads(json.dumps(SIGNED_REQUEST)))
    assert json.loads(server.requests[0].body) == SIGNED_REQUEST


def test_model_body_is_sent_as_utf8_json_with_non_ascii_raw(server, client):
    JobApi(client).states(PublicapiStateRequest(client_id="café", job_id=JOB_ID))
    assert server.requests[0].body.decode("utf-8") == '{"client_id":"café","job_id":"%s"}' % JOB_ID


# --- bad calls: nothing is sent ------------------------------------------------------------------------------

OPTIONS_TEXT = "_preload_content, _request_timeout, _retries, _return_http_data_only, async_req"


def test_unknown_keyword_raises_type_error_naming_the_endpoint(server, client):
    messages = []
    for endpoint in ENDPOINTS:
        with pytest.raises(TypeError) as raised:
            call(client, endpoint, endpoint.seed_name, timeout=5)
        messages.append(str(raised.value))
    assert messages == ["%s() got an unexpected keyword argument 'timeout' (options: %s)"
                        % (endpoint.name, OPTIONS_TEXT) for endpoint in ENDPOINTS]
    assert server.requests == []


JOB_BODY_TYPES = {endpoint.name: endpoint.body_type for endpoint in ENDPOINTS if endpoint.api == "JobApi"}


@pytest.mark.parametrize("alias", sorted(JOB_BODY_TYPES))
def test_missing_body_raises_value_error(server, client, alias):
    with pytest.raises(ValueError) as raised:
        getattr(JobApi(client), alias)(None)
    assert str(raised.value) == "%s(): missing the required parameter `body` (a %s)" % (alias, JOB_BODY_TYPES[alias])
    assert server.requests == []


@pytest.mark.parametrize("alias", sorted(JOB_BODY_TYPES))
def test_body_of_another_model_raises_value_error(server, client, alias):
    wrong = PublicapiVersionRequest(client_id=CLIENT_ID)
    with pytest.raises(ValueError) as raised:
        getattr(JobApi(client), alias)(wrong)
    assert str(raised.value) == "%s(): `body` must be a %s, got a PublicapiVersionRequest" % (
        alias, JOB_BODY_TYPES[alias])
    assert server.requests == []


@pytest.mark.parametrize("alias", sorted(JOB_BODY_TYPES))
def test_body_of_a_non_model_type_raises_value_error(server, client, alias):
    with pytest.raises(ValueError) as raised:
        getattr(JobApi(client), alias)("job-id")
    assert str(raised.value) == "%s(): `body` must be a %s or a dict, got str" % (alias, JOB_BODY_TYPES[alias])
    assert server.requests == []


def test_version_with_a_body_of_another_model_raises_value_error(server, client):
    with pytest.raises(ValueError) as raised:
        MiscApi(client).version(PublicapiStateRequest())
    assert str(raised.value) == "version(): `body` must be a PublicapiVersionRequest, got a PublicapiStateRequest"


@pytest.mark.parametrize("timeout", [0, -1, "5", (1, 2, 3), (1, None), True])
def test_invalid_request_timeout_raises_value_error(server, client, timeout):
    with pytest.raises(ValueError) as raised:
        JobApi(client).states(state_request(), _request_timeout=timeout)
    assert str(raised.value).startswith("_request_timeout") and "expected seconds" in str(raised.value)
    assert server.requests == []


# --- answers that are not what the call expects -------------------------------------------------------------


def test_html_answer_with_200_raises_api_decode_error_with_the_answer():
    with LoopbackServer(lambda request: (200, {"Content-Type": "text/html"}, b"<html>proxy</html>")) as server:
        with ApiClient(Configuration(host=server.url)) as client:
            with pytest.raises(ApiDecodeError) as raised:
                JobApi(client).states(state_request(), _retries=0)
    error = raised.value
    assert (error.status, error.body, error.method, error.path) == (200, "<html>proxy</html>", "POST", "/states")
    assert error.headers["Content-Type"] == "text/html"
    assert error.message.startswith("expected JSON for PublicapiStateResponse, got invalid JSON (")


def test_unknown_job_answer_raises_not_found_error():
    with LoopbackServer(lambda request: (500, {"Content-Type": TEXT}, b"Job not found. ID: nope\n")) as server:
        with ApiClient(Configuration(host=server.url)) as client:
            with pytest.raises(NotFoundError) as raised:
                JobApi(client).states(PublicapiStateRequest(client_id=CLIENT_ID, job_id="nope"), _retries=0)
    assert str(raised.value) == "HTTP 500 Internal Server Error from POST /states: Job not found. ID: nope"
