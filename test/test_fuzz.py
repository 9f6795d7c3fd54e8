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
from bacalhau_client.models import fields
from bacalhau_client.models.base import MODEL_REGISTRY, Model
from bacalhau_client.rest import RESTResponse
from strategies import bodies

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
    if isinstance(value, Model):
        for field in fields(value):
            touch_everything(getattr(value, field.attr))
        value.to_dict()
        value.to_str()
        repr(value)
        assert value == type(value).from_wire(value.to_wire())
        assert not value != type(value).from_wire(value.to_wire())
    elif isinstance(value, list):
        for item in value:
            touch_everything(item)
    elif isinstance(value, dict):
        for item in value.values():
            touch_everything(item)


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
