"""Hostile bodies: generated JSON of every shape and random bytes, deserialized as every response
type. Only ApiException may escape, objects come back losslessly, and every attribute of every
nested model can be read, printed and compared.

By default each response type gets 50 generated and 40 random bodies (some 1,000 in all);
``pytest -m slow test/test_fuzz.py`` tries ten thousand more.
"""

import json

import pytest
import urllib3
from hypothesis import HealthCheck, given, settings, strategies as st

from bacalhau_client import ApiClient, ApiDecodeError, ApiException, Configuration
from bacalhau_client.models.base import MODEL_REGISTRY
from bacalhau_client.rest import RESTResponse
from strategies import bodies, every_model

MODEL_TYPES = sorted(name for name in MODEL_REGISTRY if name.startswith("Publicapi") and name.endswith("Response"))
MODEL_TYPES.append("TypesHealthInfo")
RESPONSE_TYPES = MODEL_TYPES + ["str", "object", "dict(str, list[str])"]
FUZZ_SETTINGS = dict(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.data_too_large])

typed_bodies = st.sampled_from(RESPONSE_TYPES).flatmap(
    lambda type_name: st.tuples(st.just(type_name), bodies(type_name)))


@pytest.fixture(scope="module")
def client():
    with ApiClient(Configuration(host="http://127.0.0.1:1")) as client:
        yield client


def answer(body: bytes) -> RESTResponse:
    """A real urllib3 response carrying ``body``, as the transport hands it over."""
    return RESTResponse(urllib3.HTTPResponse(body=body, status=200, reason="OK", preload_content=True))


def touch_everything(value) -> None:
    """Read every field of every nested model, and print and compare each model."""
    for model in every_model(value):
        model.to_dict()
        model.to_str()
        repr(model)
        assert model == type(model).from_wire(model.to_wire())
        assert not model != type(model).from_wire(model.to_wire())


def check_json_body(client: ApiClient, type_name: str, value) -> None:
    body = json.dumps(value).encode("utf-8")
    try:
        result = client.deserialize(answer(body), type_name)
    except ApiDecodeError:
        assert type_name in MODEL_REGISTRY or type_name.startswith("dict(")
        assert type(value) is not dict
        return
    if type_name == "str":
        assert result == body.decode("utf-8")
        return
    assert client.sanitize_for_serialization(result) == value
    touch_everything(result)
    assert client.sanitize_for_serialization(result) == value


def check_raw_body(client: ApiClient, type_name: str, body: bytes) -> None:
    try:
        result = client.deserialize(answer(body), type_name)
    except ApiException:
        return
    touch_everything(result)


@pytest.mark.parametrize("type_name", RESPONSE_TYPES)
@settings(max_examples=50, **FUZZ_SETTINGS)
@given(data=st.data())
def test_generated_json_round_trips_for_every_response_type(client, type_name, data):
    check_json_body(client, type_name, data.draw(bodies(type_name)))


@pytest.mark.parametrize("type_name", RESPONSE_TYPES)
@settings(max_examples=40, **FUZZ_SETTINGS)
@given(body=st.binary(max_size=256) | st.text().map(lambda text: text.encode("utf-8", "surrogatepass")))
def test_random_bytes_raise_only_api_exceptions(client, type_name, body):
    check_raw_body(client, type_name, body)


@pytest.mark.parametrize("type_name", RESPONSE_TYPES)
def test_deeply_nested_json_raises_decode_error(client, type_name):
    body = b"[" * 100000 + b"]" * 100000
    if type_name == "str":
        assert client.deserialize(answer(body), type_name) == body.decode()
        return
    with pytest.raises(ApiDecodeError) as caught:
        client.deserialize(answer(body), type_name)
    assert "maximum recursion depth exceeded" in str(caught.value)


@pytest.mark.slow
@settings(max_examples=10000, **FUZZ_SETTINGS)
@given(typed_body=typed_bodies)
def test_ten_thousand_generated_bodies_round_trip(client, typed_body):
    check_json_body(client, *typed_body)


# --- hostile whole answers over a real socket -------------------------------------------------------------

HEADER_VALUES = {
    "Content-Length": st.sampled_from(["0", "5", "12", "99999999999999999999", "-1", "lots", "5, 6", "9" * 5000]),
    "Transfer-Encoding": st.sampled_from(["chunked", "gzip", "chunked, chunked", "identity"]),
    "Content-Encoding": st.sampled_from(["gzip", "deflate", "br", "gzip, gzip", "identity", ""]),
    "Retry-After": st.sampled_from(["1", "0", "-5", "9" * 5000, "Wed, 21 Oct 2015 07:28:00 GMT", "soon"]),
    "Location": st.sampled_from(["/v2/states", "http://[::1", "http://127.0.0.1:x/", "//evil.example/", ""]),
    "Connection": st.sampled_from(["close", "keep-alive", "Upgrade"]),
}

hostile_answers = st.builds(
    lambda status, headers, body, hints: (
        b"HTTP/1.1 103 Early Hints\r\n\r\n" * hints
        + ("HTTP/1.1 %d X\r\n" % status).encode()
        + "".join("%s: %s\r\n" % item for item in headers.items()).encode("latin-1")
        + b"\r\n" + body),
    st.sampled_from([101, 102, 103, 200, 204, 301, 302, 307, 308, 400, 404, 429, 500, 502, 503, 599]),
    st.fixed_dictionaries({}, optional=HEADER_VALUES),
    st.binary(max_size=300) | st.sampled_from([b"1\r\nx\r\n0\r\n\r\n", b"10000000000\r\nxx", b"[" * 5000,
                                               b'{"state":{}}', b"\x1f\x8b\x08\x00garbage"]),
    st.integers(min_value=0, max_value=2),
)


@pytest.fixture(scope="module")
def scripted_server():
    """A raw-socket server that answers every request with ``server.script[0]``."""
    from faulty_server import FaultyServer

    def fault(server, connection):
        if server.read_request(connection) is not None:
            connection.sendall(server.script[0])

    server = FaultyServer(fault)
    server.script = [b""]
    with server:
        yield server


@settings(max_examples=120, **FUZZ_SETTINGS)
@given(answer=hostile_answers)
def test_any_hostile_answer_ends_in_an_api_exception_or_a_result(scripted_server, answer):
    scripted_server.script[0] = answer
    config = Configuration(host=scripted_server.url, timeout=0.5, retries=0, max_response_bytes=1000)
    with ApiClient(config) as client:
        for call in (lambda: client.call_api("/states", "POST", {}, "object"),
                     lambda: client.call_api("/livez", "GET", None, "str")):
            try:
                call()
            except ApiException as error:
                text = str(error)
                assert "\n" not in text and len(text) <= 1000
