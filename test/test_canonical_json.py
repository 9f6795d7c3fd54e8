"""canonical_json reproduces the bytes Go's encoding/json produces for a JobCreatePayload."""

import base64
import functools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bacalhau_client.models import ModelDeal, ModelJob, ModelJobCreatePayload, ModelSpec
from bacalhau_client.models import enums
from bacalhau_client.models.base import MODEL_REGISTRY
from bacalhau_client._go import float_text as _go_float_text
from bacalhau_client.canonical import canonical_json, encode_model

from payloads import CLIENT_ID, payload

EMPTY_SPEC_TAIL = '"Docker":{},"Language":{"JobContext":{}},"Wasm":{},"Resources":{"GPU":""},"Sharding":{}'


def canonical_job(data):
    """The decoded canonical ``Job`` object."""
    return json.loads(canonical_json(data))["Job"]


def canonical_spec(data):
    return canonical_job(data)["Spec"]


def decode_error(data):
    with pytest.raises(ValueError) as caught:
        canonical_json(data)
    return str(caught.value)


# --- the Go-produced vectors ---------------------------------------------------------------

def vector_lines(kind):
    from conftest import FIXTURES

    with open(FIXTURES / "canonical_vectors.jsonl", encoding="utf-8") as lines:
        vectors = [json.loads(line) for line in lines if line.strip()]
    return [pytest.param(vector, id=vector["name"]) for vector in vectors if kind in vector]


@pytest.mark.parametrize("vector", vector_lines("canonical"))
def test_vector_from_dict_matches_go_bytes(vector):
    assert canonical_json(json.loads(vector["input"])) == vector["canonical"].encode("utf-8")


@pytest.mark.parametrize("vector", vector_lines("canonical"))
def test_vector_from_model_matches_go_bytes(vector):
    model = ModelJobCreatePayload.from_wire(json.loads(vector["input"]))
    assert canonical_json(model) == vector["canonical"].encode("utf-8")


@pytest.mark.parametrize("vector", vector_lines("canonical"))
def test_vector_canonical_is_a_fixed_point(vector):
    canonical = vector["canonical"].encode("utf-8")
    assert canonical_json(json.loads(canonical)) == canonical


@pytest.mark.parametrize("vector", vector_lines("error"))
def test_vector_go_rejects_is_a_value_error_from_dict_and_model(vector):
    with pytest.raises(ValueError):
        canonical_json(json.loads(vector["input"]))
    with pytest.raises(ValueError):
        canonical_json(ModelJobCreatePayload.from_wire(json.loads(vector["input"])))


def test_vector_errors_name_the_field_and_rule(canonical_vectors):
    messages = {}
    for vector in canonical_vectors:
        if "error" in vector:
            messages[vector["name"]] = decode_error(json.loads(vector["input"]))
    assert messages == {
        "invalid_unknown_engine": "Job.Spec.Engine: unknown engine 'Podman'",
        "invalid_engine_as_number": "Job.Spec.Engine: expected a string, got number 2",
        "invalid_concurrency_float": "Job.Deal.Concurrency: cannot use 1.5 as an integer",
    }


def test_model_built_with_keywords_encodes_like_its_wire_dict():
    model = ModelJobCreatePayload(client_id=CLIENT_ID, job=ModelJob(
        api_version="V1beta1", spec=ModelSpec(engine="noop", verifier="Noop", publisher="Noop"),
        deal=ModelDeal(concurrency=1)))
    assert canonical_json(model) == canonical_json(payload())


def test_input_payload_is_not_modified():
    data = payload({"Engine": "docker", "Timeout": 1800.0})
    before = json.dumps(data)
    canonical_json(data)
    assert json.dumps(data) == before


# --- omitempty, struct fields, pointers -----------------------------------------------------

def test_empty_job_writes_every_struct_field_and_api_version():
    assert canonical_json({"Job": {}}) == (
        b'{"Job":{"APIVersion":"","Spec":{' + EMPTY_SPEC_TAIL.encode() + b'},"Deal":{},"ExecutionPlan":{},'
        b'"CreatedAt":"0001-01-01T00:00:00Z","JobState":{}}}')


def test_missing_job_pointer_is_left_out():
    assert canonical_json({"ClientID": "c"}) == b'{"ClientID":"c"}'


def test_zero_values_of_omitempty_fields_are_left_out():
    data = payload({"Timeout": 0, "Annotations": [], "DoNotTrack": False, "inputs": []},
                   ID="", Deal={"Concurrency": 1, "Confidence": 0})
    assert canonical_job(data) == canonical_job(payload())


def test_run_output_pointer_writes_every_field_when_present():
    data = payload(JobState={"Nodes": {"n": {"Shards": {"0": {"RunOutput": {}}}}}})
    shard = canonical_job(data)["JobState"]["Nodes"]["n"]["Shards"]["0"]
    assert list(shard["RunOutput"].items()) == [
        ("stdout", ""), ("stdouttruncated", False), ("stderr", ""), ("stderrtruncated", False),
        ("exitCode", 0), ("runnerError", "")]


# --- keys: case folding, duplicates, unknown keys ------------------------------------------

def test_keys_match_case_insensitively():
    data = {"clientid": "c", "JOB": {"apiversion": "V1beta1", "spec": {"engine": "Noop"}, "deal": {"CONCURRENCY": 2}}}
    job = canonical_job(data)
    assert (job["APIVersion"], job["Spec"]["Engine"], job["Deal"]) == ("V1beta1", "Noop", {"Concurrency": 2})


def test_keys_fold_long_s_and_kelvin_sign_like_go():
    data = payload({"\u017fharding": {"BatchSize": 3}, "Doc\u212aer": {"Image": "x"}})
    spec = canonical_spec(data)
    assert (spec["Sharding"], spec["Docker"]) == ({"BatchSize": 3}, {"Image": "x"})


def test_later_case_variant_of_a_key_wins():
    data = payload(APIVersion="V1alpha1", apiVersion="V1beta1")
    assert canonical_job(data)["APIVersion"] == "V1beta1"


def test_unknown_keys_are_dropped():
    data = payload({"Podman": {"Image": "x"}}, Foo="bar")
    assert canonical_job(data) == canonical_job(payload())


# --- merging on repeated keys --------------------------------------------------------------

def test_repeated_struct_key_merges_fields():
    data = payload({"Docker": {"Image": "ubuntu"}, "docker": {"Entrypoint": ["date"]}})
    assert canonical_spec(data)["Docker"] == {"Image": "ubuntu", "Entrypoint": ["date"]}


def test_repeated_pointer_key_merges_into_the_same_job():
    data = payload()
    data["job"] = {"Deal": {"MinBids": 2}}
    assert canonical_job(data)["Deal"] == {"Concurrency": 1, "MinBids": 2}


def test_repeated_map_key_keeps_earlier_entries_and_replaces_values():
    data = payload(JobState={"Nodes": {"a": {"Shards": {"1": {"Status": "x"}}}, "b": {}}},
                   jobstate={"Nodes": {"a": {"Shards": {"2": {}}}}})
    nodes = canonical_job(data)["JobState"]["Nodes"]
    assert (list(nodes), list(nodes["a"]["Shards"])) == (["a", "b"], ["2"])


def test_repeated_slice_key_decodes_into_existing_elements_and_shortens():
    data = payload({"inputs": [{"CID": "a", "path": "/x"}, {"CID": "b"}], "Inputs": [{"CID": "c"}]})
    assert canonical_spec(data)["inputs"] == [{"CID": "c", "path": "/x"}]


def test_repeated_string_slice_key_is_replaced():
    data = payload({"Annotations": ["a", "b"], "annotations": ["c"]})
    assert canonical_spec(data)["Annotations"] == ["c"]


# --- JSON null ------------------------------------------------------------------------------

def test_null_leaves_string_int_bool_and_enum_unchanged():
    data = payload({"Engine": "Docker", "engine": None, "DoNotTrack": True, "doNotTrack": None},
                   Deal={"Concurrency": 3, "concurrency": None}, ID="x", id=None)
    job = canonical_job(data)
    assert (job["ID"], job["Deal"]["Concurrency"], job["Spec"]["Engine"], job["Spec"]["DoNotTrack"]) == \
        ("x", 3, "Docker", True)


def test_null_struct_is_a_no_op():
    data = payload({"Docker": {"Image": "x"}, "docker": None})
    assert canonical_spec(data)["Docker"] == {"Image": "x"}


def test_null_slice_and_map_become_nil():
    data = payload({"Annotations": ["a"], "annotations": None,
                    "Wasm": {"EnvironmentVariables": {"a": "1"}, "environmentVariables": None}})
    spec = canonical_spec(data)
    assert ("Annotations" not in spec, spec["Wasm"]) == (True, {})


def test_null_job_pointer_becomes_nil():
    data = payload()
    data["job"] = None
    assert canonical_json(data) == ('{"ClientID":"%s"}' % CLIENT_ID).encode()


def test_null_time_is_the_zero_time():
    assert canonical_job(payload(CreatedAt=None))["CreatedAt"] == "0001-01-01T00:00:00Z"


def test_null_inside_string_slice_and_map_is_the_zero_value():
    data = payload({"Annotations": ["a", None], "Wasm": {"EnvironmentVariables": {"k": None}}})
    spec = canonical_spec(data)
    assert (spec["Annotations"], spec["Wasm"]["EnvironmentVariables"]) == (["a", ""], {"k": ""})


# --- strings ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, escaped", [
    ('"', '\\"'), ("\\", "\\\\"), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"),
    ("\x08", "\\u0008"), ("\x0c", "\\u000c"), ("\x00", "\\u0000"), ("\x1f", "\\u001f"),
    ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"),
    ("/", "/"), ("\x7f", "\x7f"), ("é✓😀", "é✓😀"), ("\\b", "\\\\b"), ("\\\x08", "\\\\\\u0008"),
])
def test_string_escape_matches_go(text, escaped):
    encoded = canonical_json(payload({"Annotations": [text]}))
    assert ('"Annotations":["%s"]' % escaped).encode("utf-8") in encoded


def test_lone_surrogates_become_replacement_characters():
    data = json.loads('{"Job": {"ID": "a\\ud800b\\udc00\\ud83d\\ude00"}}')
    assert canonical_job(data)["ID"] == "a\ufffdb\ufffd\U0001F600"


def test_string_that_looks_like_an_internal_number_marker_stays_a_string():
    assert canonical_job({"Job": {"ID": "\udfff1e-7"}})["ID"] == "\ufffd1e-7"


def test_map_keys_are_escaped_like_strings():
    encoded = canonical_json(payload({"Wasm": {"EnvironmentVariables": {"<&>": "1"}}}))
    assert b'{"\\u003c\\u0026\\u003e":"1"}' in encoded


# --- numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    (1e-7, "1e-7"), (1.5e-7, "1.5e-7"), (1e-10, "1e-10"), (1e-6, "0.000001"), (0.00001, "0.00001"),
    (0.1, "0.1"), (1800.0, "1800"), (1800.5, "1800.5"), (123456789012345678.0, "123456789012345680"),
    (2.0 ** 60, "1152921504606847000"), (1e20, "100000000000000000000"), (1e21, "1e+21"),
    (1.5e300, "1.5e+300"), (5e-324, "5e-324"), (-2.5, "-2.5"), (-1e-7, "-1e-7"), (0.0, "0"), (-0.0, "-0"),
])
def test_float_is_spelled_as_go_spells_it(value, text):
    assert _go_float_text(value) == text


@pytest.mark.parametrize("value, text", [
    (1e-7, b"1e-7"), (1e21, b"1e+21"), (0.1, b"0.1"), (123456789012345678, b"123456789012345680"),
    (0.00001, b"0.00001"), (1800, b"1800"), (1800.0, b"1800"),
])
def test_float_field_is_written_as_go_writes_it(value, text):
    assert b'"Timeout":' + text + b"," in canonical_json(payload({"Timeout": value}))


def test_negative_zero_float_is_empty_and_left_out():
    assert "Timeout" not in canonical_spec(payload({"Timeout": -0.0}))


@pytest.mark.parametrize("value, message", [
    (1.5, "Job.Deal.Concurrency: cannot use 1.5 as an integer"),
    (1.0, "Job.Deal.Concurrency: cannot use 1.0 as an integer"),
    (json.loads("1e2"), "Job.Deal.Concurrency: cannot use 100.0 as an integer"),
    (True, "Job.Deal.Concurrency: expected an integer, got boolean true"),
    ("1", 'Job.Deal.Concurrency: expected an integer, got string "1"'),
    (2 ** 63, "Job.Deal.Concurrency: 9223372036854775808 is out of range for int64"),
    (-(2 ** 63) - 1, "Job.Deal.Concurrency: -9223372036854775809 is out of range for int64"),
])
def test_integer_field_rejects_what_go_rejects(value, message):
    assert decode_error(payload(Deal={"Concurrency": value})) == message


def test_integer_field_accepts_the_int64_range():
    data = payload(Deal={"Concurrency": 2 ** 63 - 1, "MinBids": -(2 ** 63)})
    assert canonical_job(data)["Deal"] == {"Concurrency": 2 ** 63 - 1, "MinBids": -(2 ** 63)}


def test_unsigned_field_rejects_negative_and_accepts_uint64_max():
    assert encode_model("ModelResourceUsageData", {"Memory": 2 ** 64 - 1}) == '{"Memory":18446744073709551615}'
    with pytest.raises(ValueError, match=r"^Memory: -1 is out of range for uint64$"):
        encode_model("ModelResourceUsageData", {"Memory": -1})


@pytest.mark.parametrize("value, message", [
    (float("nan"), "Job.Spec.Timeout: number nan is out of range for float64"),
    (float("inf"), "Job.Spec.Timeout: number inf is out of range for float64"),
    (10 ** 400, "Job.Spec.Timeout: number %s...0 is out of range for float64" % ("1" + "0" * 55)),
    (True, "Job.Spec.Timeout: expected a number, got boolean true"),
    ("1800", 'Job.Spec.Timeout: expected a number, got string "1800"'),
])
def test_float_field_rejects_what_go_rejects(value, message):
    assert decode_error(payload({"Timeout": value})) == message


# --- timestamps ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, written", [
    ("2022-11-17T13:29:01.871140291Z", "2022-11-17T13:29:01.871140291Z"),
    ("2022-11-17T13:29:01.100000000Z", "2022-11-17T13:29:01.1Z"),
    ("2022-11-17T13:29:01.000000000Z", "2022-11-17T13:29:01Z"),
    ("2022-11-17T13:29:01.1234567891234Z", "2022-11-17T13:29:01.123456789Z"),
    ("2022-11-17T13:29:01.5+01:00", "2022-11-17T13:29:01.5+01:00"),
    ("2022-11-17T13:29:01-05:30", "2022-11-17T13:29:01-05:30"),
    ("2022-11-17T13:29:01+00:00", "2022-11-17T13:29:01Z"),
    ("2022-11-17T13:29:01-00:00", "2022-11-17T13:29:01Z"),
    ("2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"),
    # Go 1.19 reads each offset field with atoi and no range check, and allows a one-digit hour.
    ("2022-11-17T13:29:01+01:75", "2022-11-17T13:29:01+02:15"),
    ("2022-11-17T13:29:01+24:00", "2022-11-17T13:29:01+24:00"),
    ("2022-11-17T13:29:01+-1:00", "2022-11-17T13:29:01-01:00"),
    ("2022-11-17T3:29:01,5Z", "2022-11-17T03:29:01.5Z"),
])
def test_timestamp_is_written_as_go_writes_it(text, written):
    assert canonical_job(payload(CreatedAt=text))["CreatedAt"] == written


@pytest.mark.parametrize("text", [
    "2022-11-17 13:29:01Z", "2022-11-17T13:29:01", "2022-11-17t13:29:01Z", "2022-11-17T13:29:01z",
    "2022-02-30T00:00:00Z", "2022-11-17T24:00:00Z", "2022-11-17T13:60:00Z", "2022-11-17T13:29:01.Z",
    "2022-11-17T13:29:01+1:00", "2022-11-17T13:29:01+0100", "2022-11-17", "",
])
def test_timestamp_that_is_not_rfc3339_is_an_error(text):
    assert decode_error(payload(CreatedAt=text)) == (
        "Job.CreatedAt: %s is not an RFC 3339 timestamp (like 2022-11-17T13:29:01.87Z)"
        % ("string " + json.dumps(text)))


def test_timestamp_as_number_is_an_error():
    assert decode_error(payload(CreatedAt=5)) == "Job.CreatedAt: expected an RFC 3339 timestamp string, got number 5"


# --- enums -----------------------------------------------------------------------------------

def test_enum_names_match_case_insensitively_and_are_written_canonically():
    spec = canonical_spec(payload({"Engine": "pythonWASM", "Verifier": "DETERMINISTIC", "Publisher": "IPFS"}))
    assert (spec["Engine"], spec["Verifier"], spec["Publisher"]) == ("PythonWasm", "Deterministic", "Ipfs")


def test_enum_name_folds_kelvin_sign_like_go():
    assert canonical_spec(payload({"Engine": "Doc\u212aer"}))["Engine"] == "Docker"


@pytest.mark.parametrize("field, value, message", [
    ("Engine", "", "Job.Spec.Engine: unknown engine ''"),
    ("Engine", "Docker ", "Job.Spec.Engine: unknown engine 'Docker '"),
    ("Verifier", "ipfs", "Job.Spec.Verifier: unknown verifier 'ipfs'"),
    ("Publisher", 1, "Job.Spec.Publisher: expected a string, got number 1"),
    ("Engine", ["Docker"], "Job.Spec.Engine: expected a string, got array"),
])
def test_enum_rejects_unknown_names_and_non_strings(field, value, message):
    assert decode_error(payload({field: value})) == message


def test_error_path_goes_through_lists():
    data = payload({"inputs": [{"StorageSource": "IPFS"}, {"StorageSource": "Foo"}]})
    assert decode_error(data) == "Job.Spec.inputs[1].StorageSource: unknown storage source type 'Foo'"


def test_error_path_goes_through_maps():
    data = payload(JobState={"Nodes": {"QmB": {"Shards": {"10": {"State": "Done"}}}}})
    assert decode_error(data) == "Job.JobState.Nodes[QmB].Shards[10].State: unknown job state type 'Done'"


# --- maps ------------------------------------------------------------------------------------

def test_string_map_keys_are_sorted_by_utf8_bytes():
    env = {"é": "1", "b": "2", "B": "3", "_": "4", "\U0001F600": "5", "\uffff": "6"}
    encoded = canonical_spec(payload({"Wasm": {"EnvironmentVariables": env}}))["Wasm"]["EnvironmentVariables"]
    assert list(encoded) == ["B", "_", "b", "é", "\uffff", "\U0001F600"]


def test_int_keyed_map_keys_are_parsed_rewritten_and_sorted_as_strings():
    shards = {"+5": {}, "007": {}, "10": {}, "2": {}, "-1": {}}
    nodes = canonical_job(payload(JobState={"Nodes": {"n": {"Shards": shards}}}))["JobState"]["Nodes"]
    assert list(nodes["n"]["Shards"]) == ["-1", "10", "2", "5", "7"]


def test_int_keyed_map_later_spelling_of_the_same_key_wins():
    shards = {"5": {"Status": "first"}, "+5": {"Status": "second"}}
    nodes = canonical_job(payload(JobState={"Nodes": {"n": {"Shards": shards}}}))["JobState"]["Nodes"]
    assert nodes["n"]["Shards"]["5"]["Status"] == "second"


@pytest.mark.parametrize("key", ["abc", "", "1.5", " 1", "9223372036854775808", "1_0", "\u0661"])
def test_int_keyed_map_rejects_keys_go_cannot_parse(key):
    data = payload(JobState={"Nodes": {"n": {"Shards": {key: {}}}}})
    assert decode_error(data) == "Job.JobState.Nodes[n].Shards: map key %s is not a decimal int64" % (
        "string " + json.dumps(key, ensure_ascii=False))


def test_null_map_value_is_the_zero_struct():
    nodes = canonical_job(payload(JobState={"Nodes": {"n": None}}))["JobState"]["Nodes"]
    assert nodes == {"n": {}}


# --- base64 ----------------------------------------------------------------------------------

@pytest.mark.parametrize("value, written", [
    ("AQIDBAUG", "AQIDBAUG"), ("AQID\nBA==", "AQIDBA=="), ("AQID\r\nBA==", "AQIDBA=="), ("AR==", "AQ=="),
])
def test_base64_field_is_decoded_and_written_padded(value, written):
    assert canonical_job(payload(RequesterPublicKey=value))["RequesterPublicKey"] == written


def test_empty_base64_field_is_left_out():
    assert "RequesterPublicKey" not in canonical_job(payload(RequesterPublicKey=""))


@pytest.mark.parametrize("value", ["AQI", "AQ=", "A===", "AQ==AQ==", "AQ-_", "AQ I="])
def test_invalid_base64_is_an_error(value):
    assert decode_error(payload(RequesterPublicKey=value)) == (
        "Job.RequesterPublicKey: string %s is not valid standard base64 (with padding)" % json.dumps(value))


def shard_with(**shard):
    return payload(JobState={"Nodes": {"n": {"Shards": {"0": shard}}}})


def test_byte_slice_field_also_takes_an_array_of_numbers():
    shard = canonical_job(shard_with(VerificationProposal=[1, 2, 3]))["JobState"]["Nodes"]["n"]["Shards"]["0"]
    assert shard["VerificationProposal"] == "AQID"


def test_byte_slice_field_as_array_rejects_non_bytes():
    assert decode_error(shard_with(VerificationProposal=[1, 256])) == \
        "Job.JobState.Nodes[n].Shards[0].VerificationProposal[1]: expected a byte (0-255), got number 256"


def test_public_key_as_an_array_of_numbers_is_an_error():
    # model.PublicKey decodes through UnmarshalText, which Go only calls with a string.
    assert decode_error(payload(RequesterPublicKey=[1, 2, 3])) == \
        "Job.RequesterPublicKey: expected a base64 string, got array"


# --- other type errors -----------------------------------------------------------------------

@pytest.mark.parametrize("job, message", [
    ({"Spec": []}, "Job.Spec: expected an object, got array"),
    ({"Spec": {"Docker": {"Entrypoint": "date"}}}, 'Job.Spec.Docker.Entrypoint: expected an array, got string "date"'),
    ({"Spec": {"Docker": {"Entrypoint": ["date", 1]}}},
     "Job.Spec.Docker.Entrypoint[1]: expected a string, got number 1"),
    ({"Spec": {"DoNotTrack": "yes"}}, 'Job.Spec.DoNotTrack: expected a boolean, got string "yes"'),
    ({"Spec": {"Wasm": {"EnvironmentVariables": ["A=1"]}}},
     "Job.Spec.Wasm.EnvironmentVariables: expected an object, got array"),
    ({"ID": {"x": 1}}, "Job.ID: expected a string, got object"),
])
def test_wrong_json_type_is_an_error_naming_the_path(job, message):
    assert decode_error({"Job": job}) == message


def test_wrong_json_type_for_job_is_an_error():
    assert decode_error({"Job": "x"}) == 'Job: expected an object, got string "x"'


def test_payload_that_is_not_an_object_is_an_error():
    assert decode_error([1]) == "payload: expected a ModelJobCreatePayload, a ModelJob or a dict, got array"


def test_job_model_is_encoded_as_the_payload_holding_it():
    job = ModelJob(api_version="V1beta1", deal=ModelDeal(concurrency=1))
    assert canonical_json(job) == canonical_json({"Job": job.to_wire()})


def test_other_models_are_refused():
    assert decode_error(ModelDeal(concurrency=1)) == \
        "payload: expected a ModelJobCreatePayload, a ModelJob or a dict, got ModelDeal"


# --- property: fixed point and agreement with a reference normaliser over the model tables -----

SPECIAL_TEXT = st.sampled_from(["", "<a href='x'>&", "\u2028\u2029", "\x00\x08\x0c\x1f\x7f", "\\b\\", "\ud800",
                                "é😀", "/", '"'])
TEXT = st.one_of(st.text(max_size=8), SPECIAL_TEXT)


@st.composite
def timestamps(draw):
    """(text as sent, text Go writes back)."""
    year, month, day = draw(st.integers(1, 9999)), draw(st.integers(1, 12)), draw(st.integers(1, 28))
    hour, minute, second = draw(st.integers(0, 23)), draw(st.integers(0, 59)), draw(st.integers(0, 59))
    fraction = draw(st.text("0123456789", max_size=12))
    offset = draw(st.sampled_from(["Z", "+00:00", "+01:00", "-05:30", "+23:59"]))
    base = "%04d-%02d-%02dT%02d:%02d:%02d" % (year, month, day, hour, minute, second)
    sent = base + ("." + fraction if fraction else "") + offset
    digits = fraction[:9].rstrip("0")
    written = base + ("." + digits if digits else "") + ("Z" if offset in ("Z", "+00:00") else offset)
    return sent, written


def scalar_values(field):
    """A strategy of (value as sent, value Go writes back) for a scalar field or element type."""
    if field.enum:
        names = getattr(enums, field.enum).names
        return st.sampled_from(names).flatmap(
            lambda name: st.sampled_from([name, name.lower(), name.upper()]).map(lambda sent: (sent, name)))
    if field.base64:
        return st.binary(max_size=12).map(lambda raw: base64.b64encode(raw).decode()).map(lambda sent: (sent, sent))
    if field.type == "str":
        return TEXT.map(lambda sent: (sent, replace_surrogates(sent)))
    if field.type == "int":
        values = st.integers(0, 2 ** 64 - 1) if field.unsigned else st.integers(-(2 ** 63), 2 ** 63 - 1)
    elif field.type == "float":
        values = st.floats(allow_nan=False, allow_infinity=False)
    else:
        values = st.booleans()
    return values.map(lambda sent: (sent, sent))


def replace_surrogates(text):
    return "".join("\ufffd" if 0xD800 <= ord(char) <= 0xDFFF else char for char in text)


class ElementType:
    """An element type string seen as a field, for scalar_values."""

    enum, base64, unsigned = None, False, False

    def __init__(self, type_name):
        self.type = type_name


@functools.lru_cache(maxsize=None)
def item_values(type_name, depth):
    if type_name in MODEL_REGISTRY:
        return model_values(type_name, depth + 1)
    return scalar_values(ElementType(type_name))


@functools.lru_cache(maxsize=None)
def model_values(class_name, depth=0):
    """A strategy of (wire dict in shuffled key order, expected canonical object), from the model's table."""
    cls = MODEL_REGISTRY[class_name]

    @st.composite
    def build(draw):
        sent, expected = {}, {}
        for field in cls._fields:
            if depth > 2 and field.kind in ("model", "list", "dict") or not draw(st.booleans()):
                continue
            if field.kind == "model":
                sent[field.key], expected[field.key] = draw(model_values(field.item, depth + 1))
            elif field.kind == "datetime":
                sent[field.key], expected[field.key] = draw(timestamps())
            elif field.kind == "list":
                items = draw(st.lists(item_values(field.item, depth), max_size=2))
                sent[field.key] = [item[0] for item in items]
                expected[field.key] = [item[1] for item in items]
            elif field.kind == "dict":
                keys = st.integers(-3, 12).map(str) if field.int_keys else TEXT
                entries = draw(st.lists(st.tuples(keys, item_values(field.item, depth)), max_size=3))
                sent[field.key] = {key: value[0] for key, value in entries}
                expected[field.key] = {replace_surrogates(key): sent_and_expected[1]
                                       for key, sent_and_expected in sent_entries(sent[field.key], entries)}
            else:
                sent[field.key], expected[field.key] = draw(scalar_values(field))
        order = draw(st.permutations(list(sent)))
        return {key: sent[key] for key in order}, normalised(cls, expected)

    return build()


def sent_entries(sent_map, entries):
    """The entries of a map as sent: a repeated key keeps its first position and its last value."""
    last = {key: value for key, value in entries}
    return [(key, last[key]) for key in sent_map]


def zero_value(field):
    """Go's zero value of a field as written, or None when an empty field is left out."""
    if field.kind == "model":
        return None if field.pointer else normalised(MODEL_REGISTRY[field.item], {})
    if field.kind == "datetime":
        return "0001-01-01T00:00:00Z"
    if field.omitempty:
        return None
    return {"str": "", "int": 0, "float": 0, "bool": False}.get(field.type)


def normalised(cls, values):
    """The canonical object for decoded ``values``: table order, zero values, omitempty, sorted maps."""
    result = {}
    for field in cls._fields:
        if field.key not in values:
            zero = zero_value(field)
            if zero is not None or not field.omitempty and field.kind in ("list", "dict"):
                result[field.key] = zero
            continue
        value = values[field.key]
        if field.kind == "dict":
            value = {key: value[key] for key in sorted(value)}
        if field.omitempty and field.kind not in ("model", "datetime") and not value:
            continue
        result[field.key] = value
    return result


def assert_same_json(actual, expected, path="payload"):
    """Equal values with equal key order; numbers compared by value, but booleans only with booleans."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        assert list(actual) == list(expected), path
        for key in expected:
            assert_same_json(actual[key], expected[key], "%s.%s" % (path, key))
    elif isinstance(expected, list):
        assert len(actual) == len(expected), path
        for index, (left, right) in enumerate(zip(actual, expected)):
            assert_same_json(left, right, "%s[%d]" % (path, index))
    elif isinstance(expected, float):
        # Go writes shortest digits padded with zeros (36028797018963970), which read back as the same float
        assert not isinstance(actual, bool) and float(actual) == expected, path
    else:
        assert isinstance(actual, bool) == isinstance(expected, bool) and actual == expected, path


PROPERTY_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                     HealthCheck.data_too_large])


@PROPERTY_SETTINGS
@given(model_values("ModelJobCreatePayload"))
def test_canonical_json_is_a_fixed_point_on_its_output(generated):
    canonical = canonical_json(generated[0])
    assert canonical_json(json.loads(canonical)) == canonical


@PROPERTY_SETTINGS
@given(model_values("ModelJobCreatePayload"))
def test_canonical_json_decodes_to_the_normalised_payload(generated):
    sent, expected = generated
    assert_same_json(json.loads(canonical_json(sent)), expected)
