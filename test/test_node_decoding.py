"""The local node reads request bodies as the Go node's json.Decoder does, over real loopback HTTP."""

import base64
import json

import pytest
import urllib3

from bacalhau_client.canonical import canonical_json
from bacalhau_client.devserver import LocalRequesterNode
from bacalhau_client.jobs import docker_job
from bacalhau_client.signing import UserKey, encode_submit_request, sign_submit_request


@pytest.fixture(scope="module")
def key():
    return UserKey.generate()


@pytest.fixture(scope="module")
def node():
    with LocalRequesterNode(step_delay=0.001) as running:
        yield running


@pytest.fixture(scope="module")
def pool():
    with urllib3.PoolManager() as manager:
        yield manager


def post(pool, node, path, body):
    response = pool.request("POST", node.url + path, body=body, retries=False)
    return response.status, response.data.decode("utf-8")


def signed_body(key, **changes):
    """A signed /submit body as a dict, so a test can change how it is spelled."""
    body = json.loads(encode_submit_request(sign_submit_request(docker_job("ubuntu", ["echo", "hi"]), key)))
    body.update(changes)
    return body


def envelope_message(status_and_text):
    status, text = status_and_text
    assert status == 400, text
    return json.loads(text)["Message"]


def submitted_job(status_and_text):
    status, text = status_and_text
    assert status == 200, text
    return json.loads(text)["job"]


# --- tokens Go's JSON syntax does not have -------------------------------------------------------

@pytest.mark.parametrize("token, message", [
    (b"NaN", "invalid character 'N' looking for beginning of value"),
    (b"Infinity", "invalid character 'I' looking for beginning of value"),
    (b"-Infinity", "invalid character 'I' in numeric literal"),
])
def test_nan_and_infinity_are_refused_with_400(pool, node, key, token, message):
    body = json.dumps(signed_body(key)).encode().replace(b'"Timeout": 1800', b'"Timeout": ' + token)
    assert token in body
    assert envelope_message(post(pool, node, "/submit", body)) == message


def test_nan_in_a_list_request_is_a_plain_400(pool, node):
    assert post(pool, node, "/list", b'{"max_jobs": NaN}') == (
        400, "invalid character 'N' looking for beginning of value\n")


# --- public keys and signatures ------------------------------------------------------------------

def test_client_public_key_as_a_number_array_is_refused(pool, node, key):
    numbers = list(base64.b64decode(key.public_key))
    message = envelope_message(post(pool, node, "/submit", json.dumps(signed_body(key, client_public_key=numbers))))
    assert message == ("json: cannot unmarshal array into Go struct field submitRequest.client_public_key "
                       "of type string")


def test_requester_public_key_as_a_number_array_is_refused(pool, node, key):
    body = signed_body(key)
    body["data"]["Job"]["RequesterPublicKey"] = [1, 2, 3]
    message = envelope_message(post(pool, node, "/submit", json.dumps(body)))
    assert message == "data.Job.RequesterPublicKey: expected a base64 string, got array"


def with_line_breaks(text):
    return "\r\n".join(text[index:index + 64] for index in range(0, len(text), 64)) + "\n"


def test_line_breaks_in_the_signature_and_public_key_are_skipped_as_go_skips_them(pool, node, key):
    body = signed_body(key)
    body["signature"] = with_line_breaks(body["signature"])
    body["client_public_key"] = with_line_breaks(body["client_public_key"])
    assert "\n" in body["signature"] and "\r\n" in body["client_public_key"]
    job = submitted_job(post(pool, node, "/submit", json.dumps(body)))
    assert job["ClientID"] == key.client_id


def test_a_signature_that_is_only_line_breaks_is_not_missing_but_invalid(pool, node, key):
    message = envelope_message(post(pool, node, "/submit", json.dumps(signed_body(key, signature="\r\n"))))
    assert message == "client's signature is invalid: crypto/rsa: verification error"


# --- timestamps are read from their raw bytes ------------------------------------------------------

def test_escape_inside_a_timestamp_is_refused(pool, node, key):
    body = signed_body(key)
    body["data"]["Job"]["CreatedAt"] = "2022-11-17T13:32:55Z"
    text = json.dumps(body).replace("13:32:55Z", "13:32:55\\u005a")
    assert "\\u005a" in text
    message = envelope_message(post(pool, node, "/submit", text))
    assert message == ('data.Job.CreatedAt: string "2022-11-17T13:32:55Z" is refused: Go reads a timestamp\'s '
                       "raw bytes, so it may not contain escapes")


def test_the_same_timestamp_without_the_escape_is_accepted(pool, node, key):
    data = json.loads(canonical_json(signed_body(key)["data"]))
    data["Job"]["CreatedAt"] = "2022-11-17T13:32:55Z"
    canonical = canonical_json(data)
    body = {"data": json.loads(canonical), "signature": key.sign(canonical), "client_public_key": key.public_key}
    assert submitted_job(post(pool, node, "/submit", json.dumps(body)))["ClientID"] == key.client_id


def test_escapes_elsewhere_are_read_as_text(pool, node, key):
    body = signed_body(key)
    text = json.dumps(body).replace('"ubuntu"', '"\\u0075buntu"')
    assert "\\u0075buntu" in text
    assert submitted_job(post(pool, node, "/submit", text))["Spec"]["Docker"]["Image"] == "ubuntu"


# --- data sent under two keys ---------------------------------------------------------------------

def split_payload(key):
    """A signed body whose data is sent half under "data" and half under "Data"."""
    body = signed_body(key)
    data = body.pop("data")
    deal = data["Job"].pop("Deal")
    return body, data, {"Job": {"Deal": deal}}


def test_data_under_data_and_Data_is_merged_as_go_merges_it(pool, node, key):
    body, first, second = split_payload(key)
    text = '{"data":%s,"Data":%s,"signature":%s,"client_public_key":%s}' % (
        json.dumps(first), json.dumps(second), json.dumps(body["signature"]), json.dumps(body["client_public_key"]))
    job = submitted_job(post(pool, node, "/submit", text))
    assert job["Deal"] == {"Concurrency": 1} and job["Spec"]["Docker"]["Image"] == "ubuntu"


def test_data_sent_twice_under_the_same_key_is_merged_too(pool, node, key):
    body, first, second = split_payload(key)
    text = '{"data":%s,"signature":%s,"client_public_key":%s,"data":%s}' % (
        json.dumps(first), json.dumps(body["signature"]), json.dumps(body["client_public_key"]), json.dumps(second))
    job = submitted_job(post(pool, node, "/submit", text))
    assert job["Deal"] == {"Concurrency": 1} and job["Spec"]["Docker"]["Image"] == "ubuntu"


def test_a_later_null_leaves_the_merged_data_as_it_was(pool, node, key):
    body = signed_body(key)
    text = json.dumps(body)[:-1] + ',"DATA":null}'
    assert submitted_job(post(pool, node, "/submit", text))["ClientID"] == key.client_id


# --- nesting -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/submit", "/list"])
@pytest.mark.parametrize("opener", [b"[", b'{"a":'])
def test_nesting_deeper_than_go_allows_is_a_400_not_a_crash(pool, node, path, opener):
    status, text = post(pool, node, path, b'{"x":' + opener * 100_000)
    assert status == 400
    expected = "invalid character '%s' exceeded max depth" % opener[:1].decode()
    assert (json.loads(text)["Message"] if path == "/submit" else text.rstrip("\n")) == expected


def test_nesting_up_to_go_limit_in_an_unknown_key_is_accepted(pool, node, key):
    status, text = post(pool, node, "/list", b'{"x":' + b"[" * 9_999 + b"]" * 9_999 + b',"max_jobs":1}')
    assert (status, json.loads(text)) == (200, {"jobs": []})
    status, text = post(pool, node, "/list", b'{"x":' + b"[" * 10_000 + b"]" * 10_000 + b"}")
    assert (status, text) == (400, "invalid character '[' exceeded max depth\n")


# --- other ways Go reads a body ----------------------------------------------------------------------

def test_invalid_utf8_in_a_string_is_read_as_replacement_characters(pool, node):
    status, text = post(pool, node, "/list", b'{"client_id": "\xff\xfe", "max_jobs": 5}')
    assert (status, json.loads(text)) == (200, {"jobs": []})


def test_bytes_after_the_first_value_are_ignored(pool, node):
    status, text = post(pool, node, "/list", b'{"max_jobs": 1} this is not JSON')
    assert (status, json.loads(text)) == (200, {"jobs": []})


def test_null_body_is_the_zero_request(pool, node):
    assert post(pool, node, "/list", b"null") == (200, '{"jobs":[]}\n')


@pytest.mark.parametrize("body, message", [
    (b'"text"', "json: cannot unmarshal string into Go value of type publicapi.listRequest"),
    (b'{"max_jobs": 1.5}', "json: cannot unmarshal number 1.5 into Go struct field listRequest.max_jobs of type int"),
    (b'{"return_all": "yes"}', "json: cannot unmarshal string into Go struct field listRequest.return_all of type bool"),
    (b'{"id": 7}', "json: cannot unmarshal number into Go struct field listRequest.id of type string"),
    (b'{"max_jobs": 9223372036854775808}',
     "json: cannot unmarshal number 9223372036854775808 into Go struct field listRequest.max_jobs of type int"),
    (b'{"sort_by": {}}', "json: cannot unmarshal object into Go struct field listRequest.sort_by of type string"),
])
def test_wrongly_typed_request_fields_are_worded_as_go_words_them(pool, node, body, message):
    assert post(pool, node, "/list", body) == (400, message + "\n")


def test_request_keys_match_case_insensitively_with_go_folding(pool, node, key):
    submitted_job(post(pool, node, "/submit", json.dumps(signed_body(key))))
    body = ('{"CLIENT_ID": "%s", "MAX_JOBS": 5, "\u017fort_by": "id"}' % key.client_id).encode("utf-8")
    status, text = post(pool, node, "/list", body)
    assert status == 200 and json.loads(text)["jobs"]
    assert all(job["ClientID"] == key.client_id for job in json.loads(text)["jobs"])
