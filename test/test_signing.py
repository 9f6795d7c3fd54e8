"""Keys, signatures, job validation and the submit body, checked against the Go-signed fixture."""

import base64
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys

import pytest

from bacalhau_client import ApiClient, Configuration, JobApi
from bacalhau_client.models import ModelJob, ModelJobCreatePayload, PublicapiSubmitRequest
from bacalhau_client.signing import (
    UserKey, canonical_json, client_id_from_public_key, encode_submit_request, sign_submit_request, validate_job,
    verify_signature,
)
from loopback import LoopbackServer

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command is not installed")


@pytest.fixture(scope="module")
def go_request(fixtures_dir):
    """The request the Go code signed, as raw bytes and parsed."""
    raw = (fixtures_dir / "keys" / "go_signed_submit_request.json").read_bytes().strip()
    return raw, json.loads(raw)


@pytest.fixture(scope="module")
def fixture_key(fixtures_dir):
    return UserKey.from_pem((fixtures_dir / "keys" / "test_user_id.pem").read_bytes())


@pytest.fixture
def seed_payload(canonical_vectors, fixture_key):
    """The seed example payload, with the fixture key's client ID (as the Go request has it)."""
    vector = next(vector for vector in canonical_vectors if vector["name"] == "seed_example")
    data = json.loads(vector["input"])
    data["ClientID"] = fixture_key.client_id
    return data


def private_key_file(tmp_path, pem, mode=0o600):
    path = tmp_path / "user_id.pem"
    path.write_bytes(pem)
    path.chmod(mode)
    return path


def openssl(*args, **kwargs):
    return subprocess.run(("openssl",) + args, check=True, capture_output=True, **kwargs).stdout


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


# --- keys -------------------------------------------------------------------------------------

@needs_openssl
def test_openssl_traditional_key_loads_with_the_modulus_client_id(tmp_path):
    path = tmp_path / "user_id.pem"
    openssl("genrsa", "-traditional", "-out", str(path), "2048")
    path.chmod(0o600)
    modulus_hex = openssl("rsa", "-in", str(path), "-noout", "-modulus").decode().strip().split("=", 1)[1]
    expected = hashlib.sha256(bytes.fromhex(modulus_hex.lstrip("0") if len(modulus_hex.lstrip("0")) % 2 == 0
                                            else "0" + modulus_hex.lstrip("0"))).hexdigest()
    assert path.read_bytes().startswith(b"-----BEGIN RSA PRIVATE KEY-----")
    assert UserKey.load(path).client_id == expected


@needs_openssl
def test_openssl_public_key_is_the_pkcs1_der_in_base64(tmp_path):
    path = tmp_path / "user_id.pem"
    openssl("genrsa", "-traditional", "-out", str(path), "2048")
    path.chmod(0o600)
    der = openssl("rsa", "-in", str(path), "-RSAPublicKey_out", "-outform", "DER")
    assert UserKey.load(path).public_key == base64.b64encode(der).decode()


@needs_openssl
def test_pkcs8_key_is_accepted(tmp_path):
    pkcs1 = tmp_path / "pkcs1.pem"
    openssl("genrsa", "-traditional", "-out", str(pkcs1), "2048")
    pkcs8 = openssl("pkcs8", "-topk8", "-nocrypt", "-in", str(pkcs1))
    assert pkcs8.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert UserKey.from_pem(pkcs8).client_id == UserKey.from_pem(pkcs1.read_bytes()).client_id


@needs_openssl
def test_encrypted_key_is_refused_with_the_fix(tmp_path):
    pem = openssl("genrsa", "-traditional", "-aes256", "-passout", "pass:secret", "2048")
    path = private_key_file(tmp_path, pem)
    with pytest.raises(ValueError) as caught:
        UserKey.load(path)
    assert str(caught.value) == (
        "%s: the private key is encrypted; the bacalhau CLI uses an unencrypted key: decrypt it with "
        "`openssl rsa -traditional -in <file> -out <new file>`" % path)


@needs_openssl
def test_non_rsa_key_is_refused(tmp_path):
    pem = openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256")
    with pytest.raises(ValueError, match=r"^key\.pem: not an RSA key \(found .*EC.*\); create an RSA key with "):
        UserKey.from_pem(pem, source="key.pem")


def test_pem_that_is_not_a_key_is_refused(tmp_path):
    path = private_key_file(tmp_path, b"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n")
    with pytest.raises(ValueError) as caught:
        UserKey.load(path)
    assert str(caught.value) == (
        "%s: not an RSA private key in PEM format (expected '-----BEGIN RSA PRIVATE KEY-----'); create a key "
        "with UserKey.generate().save(path)" % path)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620, 0o602])
def test_key_accessible_by_group_or_others_is_refused(tmp_path, fixture_key, mode):
    path = tmp_path / "user_id.pem"
    fixture_key.save(path)
    path.chmod(mode)
    with pytest.raises(ValueError) as caught:
        UserKey.load(path)
    assert str(caught.value) == ("%s: the private key is accessible by group or others (mode %04o); fix it "
                                 "with: chmod 600 %s" % (path, mode, path))


def test_missing_key_file_is_reported_with_the_fix(tmp_path):
    path = tmp_path / "absent.pem"
    with pytest.raises(ValueError) as caught:
        UserKey.load(path)
    assert str(caught.value) == ("%s: no such key file; create one with UserKey.generate().save(%r), or use "
                                 "UserKey.default()" % (path, str(path)))


def test_unreadable_key_path_is_reported(tmp_path):
    with pytest.raises(ValueError, match=r"^%s: cannot read the key file \(" % tmp_path):
        UserKey.load(tmp_path)


def test_save_writes_pkcs1_with_mode_600_and_nothing_else(tmp_path, fixture_key):
    path = tmp_path / "saved.pem"
    fixture_key.save(path)
    assert (path.read_bytes().startswith(b"-----BEGIN RSA PRIVATE KEY-----"), stat.S_IMODE(path.stat().st_mode),
            os.listdir(tmp_path)) == (True, 0o600, ["saved.pem"])


def test_saved_key_loads_as_the_same_key(tmp_path, fixture_key):
    fixture_key.save(tmp_path / "saved.pem")
    assert UserKey.load(tmp_path / "saved.pem").client_id == fixture_key.client_id


def test_save_refuses_to_overwrite(tmp_path, fixture_key):
    path = tmp_path / "saved.pem"
    path.write_bytes(b"keep me")
    with pytest.raises(ValueError) as caught:
        fixture_key.save(path)
    assert (str(caught.value), path.read_bytes(), os.listdir(tmp_path)) == (
        "%s: a file already exists there; refusing to overwrite it" % path, b"keep me", ["saved.pem"])


def test_default_creates_dir_700_and_key_600_in_bacalhau_dir(tmp_path, monkeypatch):
    home = tmp_path / "bacalhau"
    monkeypatch.setenv("BACALHAU_DIR", str(home))
    key = UserKey.default()
    key_file = home / "user_id.pem"
    assert (stat.S_IMODE(home.stat().st_mode), stat.S_IMODE(key_file.stat().st_mode)) == (0o700, 0o600)
    assert key_file.read_bytes().startswith(b"-----BEGIN RSA PRIVATE KEY-----")
    assert UserKey.load(key_file).client_id == key.client_id


def test_default_reuses_the_existing_key(tmp_path, monkeypatch):
    monkeypatch.setenv("BACALHAU_DIR", str(tmp_path))
    first = UserKey.default()
    content = (tmp_path / "user_id.pem").read_bytes()
    assert (UserKey.default().client_id, (tmp_path / "user_id.pem").read_bytes()) == (first.client_id, content)


def test_default_falls_back_to_dot_bacalhau_in_home(tmp_path, monkeypatch):
    monkeypatch.delenv("BACALHAU_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    key = UserKey.default()
    assert UserKey.load(tmp_path / ".bacalhau" / "user_id.pem").client_id == key.client_id


def test_generated_key_is_rsa_2048_and_signs_verifiably():
    key = UserKey.generate()
    signature = key.sign(b"payload")
    assert (len(base64.b64decode(signature)), verify_signature(key.public_key, b"payload", signature)) == (256, True)


def test_sign_refuses_text(fixture_key):
    with pytest.raises(ValueError, match=r"^sign: expected bytes \(the canonical JSON\), got str$"):
        fixture_key.sign("data")


def test_key_wraps_only_rsa_private_keys():
    with pytest.raises(ValueError, match="^UserKey: expected an RSA private key, got str$"):
        UserKey("-----BEGIN RSA PRIVATE KEY-----")


def test_repr_shows_the_client_id_and_no_key_material(fixture_key):
    text = repr(fixture_key)
    assert text == "UserKey(client_id=%r)" % fixture_key.client_id
    assert fixture_key.public_key[:20] not in text


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
