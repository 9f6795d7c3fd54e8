"""Deserialize then serialize gives back exactly the JSON that came: nothing lost, nothing added.

The check is ``sanitize_for_serialization(deserialize(resp, TYPE))`` against
``json.loads(body)``, compared as JSON text so that key order and ``1800``
versus ``1800.0`` count too.
"""

import json
from typing import Any, NamedTuple, Optional

import pytest
from hypothesis import HealthCheck, given, settings

from bacalhau_client import ApiClient, ApiDecodeError, ApiException
from bacalhau_client.models import Engine, ModelSpec, Publisher, Verifier

import strategies

RESPONSE_TYPES = {
    "list_response.json": "PublicapiListResponse",
    "events_response.json": "PublicapiEventsResponse",
    "results_response.json": "PublicapiResultsResponse",
    "states_response.json": "PublicapiStateResponse",
    "submit_request.json": "PublicapiSubmitRequest",
}


class Response(NamedTuple):
    """The least a response needs for ``ApiClient.deserialize``: its body."""

    data: Any


class HttpResponse(NamedTuple):
    """A response with the status and headers an ``ApiDecodeError`` reports."""

    data: Any
    status: int = 200
    reason: str = "OK"
    headers: Optional[dict] = None

    def getheaders(self):
        return self.headers or {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def client():
    with ApiClient() as api_client:
        yield api_client


def round_trip(client: ApiClient, body: Any, type_name: str) -> Any:
    """What the SDK writes back for ``body`` read as ``type_name``."""
    return client.sanitize_for_serialization(client.deserialize(Response(body), type_name))


def as_text(value: Any) -> str:
    """JSON text that tells apart key order, ints and floats."""
    return json.dumps(value, ensure_ascii=False)


def assert_round_trips(client: ApiClient, body: Any, type_name: str) -> None:
    assert as_text(round_trip(client, body, type_name)) == as_text(json.loads(body))


def read_everything(value: Any) -> None:
    """Read every attribute of every model reachable from ``value``, as a user could."""
    for model in strategies.every_model(value):
        model.additional_properties
        model.to_dict()
        repr(model)


# --- the seed's response bodies and the Go-produced vectors -------------------------------------------------


@pytest.mark.parametrize("name", sorted(RESPONSE_TYPES))
def test_fixture_body_round_trips_as_text(client, fixtures_dir, name):
    body = (fixtures_dir / "responses" / name).read_text(encoding="utf-8")
    assert_round_trips(client, body, RESPONSE_TYPES[name])


@pytest.mark.parametrize("name", sorted(RESPONSE_TYPES))
def test_fixture_body_round_trips_as_bytes(client, fixtures_dir, name):
    body = (fixtures_dir / "responses" / name).read_bytes()
    assert_round_trips(client, body, RESPONSE_TYPES[name])


@pytest.mark.parametrize("name", sorted(RESPONSE_TYPES))
def test_fixture_body_round_trips_after_reading_every_attribute(client, fixtures_dir, name):
    body = (fixtures_dir / "responses" / name).read_text(encoding="utf-8")
    model = client.deserialize(Response(body), RESPONSE_TYPES[name])
    read_everything(model)
    assert as_text(client.sanitize_for_serialization(model)) == as_text(json.loads(body))


def test_every_canonical_vector_input_round_trips_as_a_payload(client, canonical_vectors):
    for vector in canonical_vectors:
        model = client.deserialize(Response(vector["input"]), "ModelJobCreatePayload")
        read_everything(model)
        assert as_text(client.sanitize_for_serialization(model)) == as_text(json.loads(vector["input"])), \
            vector["name"]


def test_every_canonical_vector_output_round_trips_as_a_payload(client, canonical_vectors):
    for vector in canonical_vectors:
        if "canonical" in vector:
            assert_round_trips(client, vector["canonical"], "ModelJobCreatePayload")


def test_go_signed_submit_request_round_trips(client, fixtures_dir):
    body = (fixtures_dir / "keys" / "go_signed_submit_request.json").read_text(encoding="utf-8")
    assert_round_trips(client, body, "PublicapiSubmitRequest")


# --- what is kept, exactly ------------------------------------------------------------------------------------


def test_unknown_keys_are_readable_as_additional_properties(client):
    job = client.deserialize(Response('{"ID": "j1", "Priority": 7, "Labels": {"a": "b"}}'), "ModelJob")
    assert job.additional_properties == {"Priority": 7, "Labels": {"a": "b"}}


def test_unknown_keys_are_written_back_in_place(client):
    body = '{"ID": "j1", "Priority": 7, "ClientID": "c"}'
    assert as_text(round_trip(client, body, "ModelJob")) == as_text(json.loads(body))


def test_unknown_keys_in_nested_models_are_written_back(client):
    body = '{"state": {"Nodes": {"n": {"Shards": {"0": {"State": "Running", "Progress": 0.5}}, "Extra": 1}}}}'
    state = client.deserialize(Response(body), "PublicapiStateResponse")
    assert state.state.nodes["n"].shards["0"].additional_properties == {"Progress": 0.5}
    assert as_text(client.sanitize_for_serialization(state)) == as_text(json.loads(body))


def test_empty_values_stay_where_present(client):
    body = ('{"stdout": "", "stdouttruncated": false, "stderr": "", "stderrtruncated": false, "exitCode": 0,'
            ' "runnerError": ""}')
    result = client.deserialize(Response(body), "ModelRunCommandResult")
    read_everything(result)
    assert as_text(client.sanitize_for_serialization(result)) == as_text(json.loads(body))


def test_empty_object_stays_an_empty_object(client):
    body = '{"Spec": {"Wasm": {}, "Docker": {}}, "JobState": {}, "ExecutionPlan": {}}'
    job = client.deserialize(Response(body), "ModelJob")
    read_everything(job)
    assert client.sanitize_for_serialization(job) == {"Spec": {"Wasm": {}, "Docker": {}}, "JobState": {},
                                                      "ExecutionPlan": {}}


def test_absent_keys_stay_absent_after_reading(client):
    job = client.deserialize(Response('{"ID": "j1"}'), "ModelJob")
    assert (job.spec, job.deal, job.created_at, job.job_events) == (None, None, None, None)
    assert client.sanitize_for_serialization(job) == {"ID": "j1"}


def test_whole_number_stays_an_int(client):
    spec = client.deserialize(Response('{"Timeout": 1800}'), "ModelSpec")
    assert type(spec.timeout) is int
    assert as_text(client.sanitize_for_serialization(spec)) == '{"Timeout": 1800}'


def test_float_written_with_a_fraction_stays_a_float(client):
    spec = client.deserialize(Response('{"Timeout": 1800.0}'), "ModelSpec")
    assert type(spec.timeout) is float
    assert as_text(client.sanitize_for_serialization(spec)) == '{"Timeout": 1800.0}'


def test_unknown_enum_value_is_kept(client):
    body = '{"Engine": "Kubernetes", "Verifier": "noop", "Publisher": "Ipfs"}'
    spec = client.deserialize(Response(body), "ModelSpec")
    assert (spec.engine, spec.verifier) == ("Kubernetes", "noop")
    assert as_text(client.sanitize_for_serialization(spec)) == as_text(json.loads(body))


def test_null_where_an_object_was_expected_reads_as_none_and_is_written_back(client):
    body = '{"Spec": null, "Deal": {"Concurrency": 1}, "JobEvents": null}'
    job = client.deserialize(Response(body), "ModelJob")
    assert job.spec is None
    assert as_text(client.sanitize_for_serialization(job)) == as_text(json.loads(body))


def test_nanosecond_timestamp_is_written_back_exactly(client):
    body = '{"CreatedAt": "2022-11-17T13:32:55.338372750+01:00"}'
    job = client.deserialize(Response(body), "ModelJob")
    assert job.created_at.nanosecond == 338372750
    assert as_text(client.sanitize_for_serialization(job)) == as_text(json.loads(body))


@pytest.mark.parametrize("sent, go_writes", [
    ("2022-11-17T9:32:55,50+01:75", "2022-11-17T09:32:55.5+02:15"),
    ("2022-11-17T13:32:55+24:00", "2022-11-17T13:32:55+24:00"),
    ("2022-11-17t13:32:55z", None),
])
def test_timestamp_is_kept_as_sent_and_offers_what_go_would_write(client, sent, go_writes):
    body = '{"CreatedAt": "%s"}' % sent
    job = client.deserialize(Response(body), "ModelJob")
    assert as_text(client.sanitize_for_serialization(job)) == as_text(json.loads(body))
    if go_writes is None:
        with pytest.raises(ValueError, match="not an RFC 3339 timestamp"):
            job.created_at.canonical
    else:
        assert job.created_at.canonical == go_writes


def test_enum_spelling_the_node_accepts_is_kept_as_sent():
    body = '{"Engine": "docker", "Verifier": " Noop ", "Publisher": "E\u017ftuary"}'
    spec = ModelSpec.from_wire(json.loads(body))
    assert (spec.engine, spec.verifier, spec.publisher) == ("docker", " Noop ", "E\u017ftuary")
    assert (Engine.canonical(spec.engine), Verifier.canonical(spec.verifier),
            Publisher.canonical(spec.publisher)) == ("Docker", "Noop", "Estuary")
    assert spec.to_wire() == json.loads(body)


WRONG_TYPES = [
    ("ModelJob", '{"Spec": "not an object"}'),
    ("ModelJob", '{"Spec": [1, 2]}'),
    ("ModelJob", '{"CreatedAt": 1668691975}'),
    ("ModelJob", '{"CreatedAt": "yesterday"}'),
    ("ModelJob", '{"JobEvents": {"0": {}}}'),
    ("ModelJob", '{"JobEvents": [1, "two", null, {"EventName": 3}]}'),
    ("ModelJob", '{"ID": 12, "APIVersion": null, "ClientID": ["c"]}'),
    ("ModelSpec", '{"Timeout": "1800", "Engine": 2, "inputs": "none", "Annotations": {"a": 1}}'),
    ("ModelSpec", '{"DoNotTrack": "yes", "Docker": {"Entrypoint": "date"}}'),
    ("ModelJobState", '{"Nodes": [{"Shards": {}}]}'),
    ("ModelJobState", '{"Nodes": {"n": {"Shards": {"0": "Completed", "1": null, "x": []}}}}'),
    ("ModelStorageSpec", '{"Metadata": ["k", "v"], "path": 5}'),
    ("PublicapiListResponse", '{"jobs": null}'),
    ("PublicapiListResponse", '{"jobs": [null, 3, "job", [], {"Spec": false}]}'),
    ("PublicapiStateResponse", '{"state": "done"}'),
    ("PublicapiResultsResponse", '{"results": {"NodeID": "n"}}'),
    ("PublicapiSubmitRequest", '{"data": "eyJDbGllbnRJRCI6ImMifQ==", "signature": 1}'),
]


@pytest.mark.parametrize("type_name,body", WRONG_TYPES)
def test_nested_value_of_the_wrong_type_is_written_back_unchanged(client, type_name, body):
    assert_round_trips(client, body, type_name)


@pytest.mark.parametrize("type_name,body", WRONG_TYPES)
def test_nested_value_of_the_wrong_type_survives_reading_every_attribute(client, type_name, body):
    model = client.deserialize(Response(body), type_name)
    read_everything(model)
    assert as_text(client.sanitize_for_serialization(model)) == as_text(json.loads(body))


def test_nested_value_of_the_wrong_type_is_returned_as_it_came(client):
    job = client.deserialize(Response('{"Spec": "not an object", "JobEvents": [1, {"EventName": "Bid"}]}'),
                             "ModelJob")
    assert job.spec == "not an object"
    assert job.job_events[0] == 1
    assert job.job_events[1].event_name == "Bid"


# --- bodies that cannot be read ---------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"<html>Bad Gateway</html>", b"", b"{\"jobs\": [", b"\xff\xfe{}", "OK"])
def test_non_json_body_raises_api_decode_error(client, body):
    with pytest.raises(ApiDecodeError) as raised:
        client.deserialize(HttpResponse(body), "PublicapiListResponse")
    assert raised.value.message.startswith("expected JSON for PublicapiListResponse, got invalid JSON (")


def test_api_decode_error_is_an_api_exception():
    assert issubclass(ApiDecodeError, ApiException)


def test_api_decode_error_carries_status_headers_and_body(client):
    response = HttpResponse(b"<html>oops</html>", status=200, reason="OK",
                            headers={"Content-Type": "text/html", "X-Node": "n1"})
    with pytest.raises(ApiDecodeError) as raised:
        client.deserialize(response, "PublicapiStateResponse", method="POST", path="/states")
    error = raised.value
    assert (error.status, error.reason, error.body) == (200, "OK", "<html>oops</html>")
    assert error.headers == {"Content-Type": "text/html", "X-Node": "n1"}
    assert (error.method, error.path) == ("POST", "/states")


@pytest.mark.parametrize("body,found", [
    ("[]", "array"), ('"jobs"', "string"), ("42", "number"), ("null", "null"), ("true", "boolean"),
])
def test_wrong_top_level_shape_for_a_model_raises_naming_the_expected_type(client, body, found):
    with pytest.raises(ApiDecodeError) as raised:
        client.deserialize(HttpResponse(body), "PublicapiListResponse")
    assert raised.value.message == "expected a JSON object for PublicapiListResponse, got %s" % found


def test_wrong_top_level_shape_for_a_list_raises_naming_the_expected_type(client):
    with pytest.raises(ApiDecodeError) as raised:
        client.deserialize(HttpResponse('{"jobs": []}'), "list[ModelJob]")
    assert raised.value.message == "expected a JSON array for list[ModelJob], got object"


def test_decode_error_message_is_in_the_exception_text(client):
    with pytest.raises(ApiDecodeError) as raised:
        client.deserialize(HttpResponse("[]", status=200, reason="OK"), "PublicapiStateResponse",
                           method="POST", path="/states")
    assert str(raised.value) == (
        "HTTP 200 OK from POST /states: expected a JSON object for PublicapiStateResponse, got array")


# --- generated bodies ---------------------------------------------------------------------------------------

GENERATED_TYPES = sorted(set(RESPONSE_TYPES.values()) | {"ModelJobCreatePayload", "PublicapiDebugResponse",
                                                         "TypesHealthInfo", "PublicapiVersionResponse",
                                                         "PublicapiLocalEventsResponse",
                                                         "PublicapiSubmitResponse"})
FAST = settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def check_generated_bodies(client: ApiClient, type_name: str, noisy: bool) -> None:
    """Round-trip bodies generated for ``type_name``, as bytes, after reading every attribute."""
    @FAST
    @given(strategies.objects(type_name, noisy=noisy))
    def check(value):
        body = json.dumps(value)
        model = client.deserialize(Response(body.encode("utf-8")), type_name)
        read_everything(model)
        assert as_text(client.sanitize_for_serialization(model)) == as_text(json.loads(body))

    check()


@pytest.mark.parametrize("type_name", GENERATED_TYPES)
def test_generated_well_formed_bodies_round_trip(client, type_name):
    check_generated_bodies(client, type_name, noisy=False)


@pytest.mark.parametrize("type_name", GENERATED_TYPES)
def test_generated_bodies_with_values_of_any_type_round_trip(client, type_name):
    check_generated_bodies(client, type_name, noisy=True)


def test_deeply_nested_unknown_value_round_trips_and_prints(client):
    deep: Any = "bottom"
    for _ in range(600):
        deep = [deep]
    body = {"jobs": [{"ID": "j1", "Future": deep, "Spec": {"Docker": {"Image": "ubuntu"}}}]}
    response = client.deserialize(Response(json.dumps(body)), "PublicapiListResponse")
    job = response.jobs[0]
    assert job.spec.docker.image == "ubuntu"
    assert job.additional_properties == {"Future": deep}
    assert client.sanitize_for_serialization(response) == body
    assert job.to_dict()["Future"] == deep
    assert repr(job).startswith("ModelJob(id='j1', Future=[[[")
    assert job.to_str() == repr(job)  # deeper than pprint can walk: the one-line form instead
