"""Signatures, job validation and the submit body, checked against the Go-signed fixture."""

import base64
import json
import subprocess
import sys

import pytest

from bacalhau_client import ApiClient, Configuration, JobApi
from bacalhau_client.models import ModelJob, ModelJobCreatePayload, PublicapiSubmitRequest
from bacalhau_client.signing import (
    canonical_json, client_id_from_public_key, encode_submit_request, sign_submit_request, validate_job,
    verify_signature,
)
from loopback import LoopbackServer


@pytest.fixture(scope="module")
def go_request(fixtures_dir):
    """The request the Go code signed, as raw bytes and parsed."""
    raw = (fixtures_dir / "keys" / "go_signed_submit_request.json").read_bytes().strip()
    return raw, json.loads(raw)


@pytest.fixture
def seed_payload(canonical_vectors, fixture_key):
    """The seed example payload, with the fixture key's client ID (as the Go request has it)."""
    vector = next(vector for vector in canonical_vectors if vector["name"] == "seed_example")
    data = json.loads(vector["input"])
    data["ClientID"] = fixture_key.client_id
    return data


# --- reproducing the Go-signed request -------------------------------------------------------

def test_fixture_key_has_the_go_client_id_and_public_key(fixture_key, go_request):
    _, request = go_request
    assert (fixture_key.client_id, fixture_key.public_key) == (request["data"]["ClientID"],
                                                               request["client_public_key"])


def test_signed_seed_payload_has_the_go_signature(seed_payload, fixture_key, go_request):
    _, request = go_request
    assert sign_submit_request(seed_payload, fixture_key).signature == request["signature"]


def test_request_body_is_byte_for_byte_the_go_request(seed_payload, fixture_key, go_request):
    raw, _ = go_request
    assert encode_submit_request(sign_submit_request(seed_payload, fixture_key)) == raw


def test_request_body_carries_the_go_data_bytes(seed_payload, fixture_key, go_request):
    raw, _ = go_request
    body = encode_submit_request(sign_submit_request(seed_payload, fixture_key))
    data = canonical_json(seed_payload)
    assert body.startswith(b'{"data":' + data + b',"signature":') and raw.startswith(b'{"data":' + data + b",")


def test_signature_verifies_with_the_public_key(seed_payload, fixture_key):
    request = sign_submit_request(seed_payload, fixture_key)
    assert verify_signature(request.client_public_key, canonical_json(request.data), request.signature) is True


def test_flipping_any_byte_of_the_signed_data_fails_verification(seed_payload, fixture_key):
    request = sign_submit_request(seed_payload, fixture_key)
    data = canonical_json(request.data)
    failures = [index for index in range(len(data))
                if verify_signature(request.client_public_key,
                                    data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1:],
                                    request.signature)]
    assert failures == []


# --- sign_submit_request ----------------------------------------------------------------------

def test_sign_sets_the_client_id_from_the_key_when_absent(seed_payload, fixture_key):
    del seed_payload["ClientID"]
    request = sign_submit_request(seed_payload, fixture_key)
    assert request.data.client_id == fixture_key.client_id


def test_sign_does_not_modify_the_callers_payload(seed_payload, fixture_key):
    del seed_payload["ClientID"]
    before = json.dumps(seed_payload)
    sign_submit_request(seed_payload, fixture_key)
    assert json.dumps(seed_payload) == before


def test_sign_refuses_a_different_client_id(seed_payload, fixture_key):
    seed_payload["ClientID"] = "ac13188e"
    with pytest.raises(ValueError) as caught:
        sign_submit_request(seed_payload, fixture_key)
    assert str(caught.value) == (
        "ClientID: the payload says 'ac13188e' but the signing key's client ID is '%s'; leave ClientID out "
        "to use the key's" % fixture_key.client_id)


def test_sign_accepts_a_job_model(seed_payload, fixture_key, go_request):
    _, request = go_request
    job = ModelJob.from_wire(seed_payload["Job"])
    assert sign_submit_request(job, fixture_key).signature == request["signature"]


def test_sign_accepts_a_payload_model(seed_payload, fixture_key, go_request):
    _, request = go_request
    model = ModelJobCreatePayload.from_wire(seed_payload)
    assert sign_submit_request(model, fixture_key).signature == request["signature"]


def test_signed_request_data_is_the_canonical_payload(seed_payload, fixture_key):
    seed_payload["Job"]["Spec"]["Engine"] = "docker"
    request = sign_submit_request(seed_payload, fixture_key)
    assert (request.data.job.spec.engine, request.data.job.spec.resources.gpu) == ("Docker", "")


def test_sign_reports_decode_errors(seed_payload, fixture_key):
    seed_payload["Job"]["Deal"]["Concurrency"] = 1.5
    with pytest.raises(ValueError, match=r"^Job\.Deal\.Concurrency: cannot use 1\.5 as an integer$"):
        sign_submit_request(seed_payload, fixture_key)


def test_sign_reports_validation_errors(seed_payload, fixture_key):
    seed_payload["Job"]["Deal"] = {"Concurrency": 0, "MinBids": 1}
    with pytest.raises(ValueError, match=r"^Job\.Deal\.Concurrency: must be >= 1, got 0$"):
        sign_submit_request(seed_payload, fixture_key)


# --- validate_job -----------------------------------------------------------------------------

VALID_SPEC = {"Engine": "Docker", "Verifier": "Noop", "Publisher": "Estuary"}


@pytest.mark.parametrize("job, message", [
    (None, "Job: missing"),
    ({"Deal": {"Concurrency": 1}}, "Job.Spec: must not be empty"),
    ({"Spec": VALID_SPEC}, "Job.Deal: must not be empty"),
    ({"Spec": VALID_SPEC, "Deal": {"Confidence": 1}}, "Job.Deal.Concurrency: must be >= 1, got 0"),
    ({"Spec": VALID_SPEC, "Deal": {"Concurrency": -2}}, "Job.Deal.Concurrency: must be >= 1, got -2"),
    ({"Spec": VALID_SPEC, "Deal": {"Concurrency": 1, "Confidence": -1}}, "Job.Deal.Confidence: must be >= 0, got -1"),
    ({"Spec": {"Verifier": "Noop", "Publisher": "Estuary"}, "Deal": {"Concurrency": 1}},
     "Job.Spec.Engine: must be set to one of Noop, Docker, Wasm, Language, PythonWasm"),
    ({"Spec": {"Engine": "Docker", "Publisher": "Estuary"}, "Deal": {"Concurrency": 1}},
     "Job.Spec.Verifier: must be set to one of Noop, Deterministic"),
    ({"Spec": {"Engine": "Docker", "Verifier": "Noop"}, "Deal": {"Concurrency": 1}},
     "Job.Spec.Publisher: must be set to one of Noop, Ipfs, Filecoin, Estuary"),
    ({"Spec": VALID_SPEC, "Deal": {"Concurrency": 2, "Confidence": 3}},
     "Job.Deal.Confidence: must be <= Concurrency (2), got 3"),
    ({"Spec": dict(VALID_SPEC, inputs=[{"StorageSource": "IPFS"}, {"CID": "Qm"}]), "Deal": {"Concurrency": 1}},
     "Job.Spec.inputs[1].StorageSource: must be set to one of IPFS, URLDownload, FilecoinUnsealed, Filecoin, "
     "Estuary"),
])
def test_validate_job_reports_the_first_failing_rule_in_go_order(job, message):
    with pytest.raises(ValueError) as caught:
        validate_job({} if job is None else {"Job": job})
    assert str(caught.value) == message


def test_validate_job_checks_concurrency_before_the_engine():
    with pytest.raises(ValueError, match="^Job.Deal.Concurrency"):
        validate_job({"Job": {"Spec": {"Timeout": 5}, "Deal": {"MinBids": 1}}})


def test_validate_job_accepts_the_seed_payload(seed_payload):
    assert validate_job(seed_payload) is None


def test_validate_job_accepts_a_model(seed_payload):
    assert validate_job(ModelJobCreatePayload.from_wire(seed_payload)) is None


# --- encode_submit_request --------------------------------------------------------------------

def test_encode_accepts_a_wire_dict(seed_payload, fixture_key, go_request):
    raw, _ = go_request
    request = sign_submit_request(seed_payload, fixture_key)
    wire = {"data": seed_payload, "signature": request.signature, "client_public_key": request.client_public_key}
    assert encode_submit_request(wire) == raw


@pytest.mark.parametrize("missing", ["signature", "client_public_key"])
def test_encode_refuses_a_request_without_signature_or_key(seed_payload, missing):
    wire = {"data": seed_payload, "signature": "c2ln", "client_public_key": "a2V5"}
    wire[missing] = ""
    with pytest.raises(ValueError) as caught:
        encode_submit_request(wire)
    assert str(caught.value) == ("submit request: %s is missing or empty; build the request with "
                                 "sign_submit_request()" % missing)


def test_encode_refuses_a_request_without_data():
    with pytest.raises(ValueError, match=r"^submit request: data is missing; build the request with "):
        encode_submit_request(PublicapiSubmitRequest(signature="c2ln", client_public_key="a2V5"))


def test_submit_sends_the_canonical_bytes_verbatim(seed_payload, fixture_key):
    request = sign_submit_request(seed_payload, fixture_key)
    answer = json.dumps({"job": {"APIVersion": "V1beta1", "ID": "92d5d4ee"}}).encode()
    with LoopbackServer(lambda _: answer) as server, ApiClient(Configuration(host=server.url)) as client:
        response = JobApi(client).submit(request)
    sent = server.requests[0]
    assert (sent.path, sent.body, response.job.id) == ("/submit", encode_submit_request(request), "92d5d4ee")
    assert b'{"data":' + canonical_json(seed_payload) + b',"signature":"' in sent.body


# --- public key helpers -----------------------------------------------------------------------

def test_client_id_from_public_key_matches_the_key(fixture_key):
    assert client_id_from_public_key(fixture_key.public_key) == fixture_key.client_id


@pytest.mark.parametrize("public_key", ["", "not base64!", base64.b64encode(b"\x30\x03\x02\x01\x01").decode()])
def test_client_id_from_invalid_public_key_is_an_error(public_key):
    with pytest.raises(ValueError, match=r"^client_public_key: not a base64 PKCS#1 RSA public key$"):
        client_id_from_public_key(public_key)


def test_subject_public_key_info_encoding_is_not_pkcs1(fixture_key):
    from cryptography.hazmat.primitives import serialization

    spki = fixture_key._private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(ValueError, match="^client_public_key: not a base64 PKCS#1 RSA public key$"):
        client_id_from_public_key(base64.b64encode(spki).decode())


@pytest.mark.parametrize("signature", ["", "!!!", base64.b64encode(b"\x00" * 256).decode()])
def test_verify_signature_is_false_for_malformed_or_wrong_signatures(fixture_key, signature):
    assert verify_signature(fixture_key.public_key, b"data", signature) is False


def test_verify_signature_with_a_malformed_public_key_is_an_error():
    with pytest.raises(ValueError, match="^client_public_key: not a base64 PKCS#1 RSA public key$"):
        verify_signature("AAAA", b"data", "AAAA")


# --- import cost ------------------------------------------------------------------------------

def test_importing_the_package_and_canonical_json_does_not_import_cryptography():
    code = ("import sys, bacalhau_client\n"
            "from bacalhau_client.signing import canonical_json\n"
            "canonical_json({'Job': {}})\n"
            "print('cryptography' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert result.stdout.strip() == "False"
