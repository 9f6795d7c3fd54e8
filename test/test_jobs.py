"""Job builders: the CLI's defaults, early argument checks, and jobs the node accepts."""

import json

import pytest

from bacalhau_client.jobs import docker_job, input_cid, input_url, language_job, new_job, output_volume, wasm_job
from bacalhau_client.models import ModelStorageSpec
from bacalhau_client.signing import UserKey, canonical_json, sign_submit_request


@pytest.fixture(scope="module")
def key(fixtures_dir):
    return UserKey.from_pem((fixtures_dir / "keys" / "test_user_id.pem").read_bytes())


@pytest.fixture(scope="module")
def go_request(fixtures_dir):
    return json.loads((fixtures_dir / "keys" / "go_signed_submit_request.json").read_bytes())


def built_error(builder, *args, **kwargs):
    with pytest.raises(ValueError) as caught:
        builder(*args, **kwargs)
    return str(caught.value)


# --- defaults ---------------------------------------------------------------------------------

def test_docker_job_defaults_give_the_seed_job(canonical_vectors):
    seed = next(json.loads(vector["input"]) for vector in canonical_vectors if vector["name"] == "seed_example")
    assert docker_job("ubuntu", ["date"]).to_wire() == seed["Job"]


def test_docker_job_signs_to_the_go_signature(key, go_request):
    assert sign_submit_request(docker_job("ubuntu", ["date"]), key).signature == go_request["signature"]


def test_outputs_empty_list_means_no_outputs():
    assert docker_job("ubuntu", outputs=[]).spec.outputs is None


def test_docker_job_with_every_option():
    job = docker_job("python:3.11", ["python", "-c", "print(1)"], env={"A": "1", "B": "2"}, working_dir="/work",
                     inputs=[input_cid("QmIn"), input_url("https://example.com/a.csv", "/data")],
                     outputs=[output_volume("results", "/results")], cpu="500m", memory="1Gb", disk="10Gb", gpu=1,
                     timeout=600.5, concurrency=3, confidence=2, min_bids=2, annotations=["team-a"],
                     verifier="deterministic", publisher="ipfs", glob_pattern="/inputs/*", batch_size=10,
                     do_not_track=True)
    assert job.to_wire() == {
        "APIVersion": "V1beta1",
        "Spec": {
            "Engine": "Docker", "Verifier": "Deterministic", "Publisher": "Ipfs",
            "Docker": {"Image": "python:3.11", "Entrypoint": ["python", "-c", "print(1)"],
                       "EnvironmentVariables": ["A=1", "B=2"], "WorkingDirectory": "/work"},
            "Resources": {"CPU": "500m", "Memory": "1Gb", "Disk": "10Gb", "GPU": "1"},
            "Timeout": 600.5,
            "inputs": [{"StorageSource": "IPFS", "CID": "QmIn", "path": "/inputs"},
                       {"StorageSource": "URLDownload", "URL": "https://example.com/a.csv", "path": "/data"}],
            "outputs": [{"StorageSource": "IPFS", "Name": "results", "path": "/results"}],
            "Annotations": ["team-a"],
            "Sharding": {"GlobPattern": "/inputs/*", "BatchSize": 10, "GlobPatternBasePath": "/inputs"},
            "DoNotTrack": True,
        },
        "Deal": {"Concurrency": 3, "Confidence": 2, "MinBids": 2},
    }


def test_docker_env_as_list_is_kept():
    assert docker_job("ubuntu", env=["A=1", "B=x=y"]).spec.docker.environment_variables == ["A=1", "B=x=y"]


def test_wasm_job_puts_the_module_in_the_first_context():
    job = wasm_job("QmModule", "main", ["a", "b"], env={"K": "v"}, import_modules=[input_cid("QmLib", "/lib")])
    spec = job.to_wire()["Spec"]
    assert (spec["Engine"], spec["Contexts"], spec["Wasm"]) == (
        "Wasm", [{"StorageSource": "IPFS", "CID": "QmModule", "path": "/job"}],
        {"EntryPoint": "main", "Parameters": ["a", "b"], "EnvironmentVariables": {"K": "v"},
         "ImportModules": [{"StorageSource": "IPFS", "CID": "QmLib", "path": "/lib"}]})


def test_language_job_sets_the_language_spec():
    context = input_cid("QmCtx", "/job")
    job = language_job("python", "3.10", program_path="main.py", requirements_path="requirements.txt",
                       context=context)
    assert job.to_wire()["Spec"]["Language"] == {
        "Language": "python", "LanguageVersion": "3.10", "DeterministicExecution": True,
        "JobContext": {"StorageSource": "IPFS", "CID": "QmCtx", "path": "/job"},
        "ProgramPath": "main.py", "RequirementsPath": "requirements.txt"}


@pytest.mark.parametrize("job", [
    docker_job("ubuntu", ["echo", "<&>"], env={"A": "1"}, inputs=[input_url("http://x/y")], cpu=0.5),
    wasm_job("QmModule", parameters=["x"], env={"b": "1", "a": "2"}),
    language_job("python", "3.10", command="print(1 + 1)", deterministic=False),
    new_job("Noop", publisher="Noop", concurrency=2, confidence=1),
], ids=["docker", "wasm", "language", "noop"])
def test_built_job_signs_and_round_trips_canonically(job, key):
    request = sign_submit_request(job, key)
    canonical = canonical_json(request.data)
    assert canonical_json(json.loads(canonical)) == canonical


# --- argument checks --------------------------------------------------------------------------

@pytest.mark.parametrize("args, kwargs, message", [
    (("",), {}, "image: expected a non-empty str, got ''"),
    ((None,), {}, "image: expected a non-empty str, got None"),
    (("ubuntu", "date"), {}, "entrypoint: expected a list of str, got str 'date'"),
    (("ubuntu", ["date", 1]), {}, "entrypoint[1]: expected a str, got int 1"),
    (("ubuntu",), {"env": {1: "x"}}, "env: names must be non-empty str without '=', got 1"),
    (("ubuntu",), {"env": {"A=B": "x"}}, "env: names must be non-empty str without '=', got 'A=B'"),
    (("ubuntu",), {"env": {"A": 1}}, "env['A']: expected a str, got int 1"),
    (("ubuntu",), {"env": ["A"]}, "env[0]: expected 'NAME=value', got 'A'"),
    (("ubuntu",), {"env": ["=x"]}, "env[0]: expected 'NAME=value', got '=x'"),
    (("ubuntu",), {"working_dir": "work"}, "working_dir: expected an absolute path (starting with /), got 'work'"),
    (("ubuntu",), {"concurrency": 0}, "concurrency: must be >= 1, got 0"),
    (("ubuntu",), {"concurrency": 1.0}, "concurrency: expected an int, got float 1.0"),
    (("ubuntu",), {"confidence": -1}, "confidence: must be >= 0, got -1"),
    (("ubuntu",), {"concurrency": 2, "confidence": 3}, "confidence: must be <= concurrency (2), got 3"),
    (("ubuntu",), {"min_bids": -1}, "min_bids: must be >= 0, got -1"),
    (("ubuntu",), {"batch_size": 0}, "batch_size: must be >= 1, got 0"),
    (("ubuntu",), {"verifier": "strict"}, "verifier: unknown verifier 'strict'; known: Noop, Deterministic"),
    (("ubuntu",), {"publisher": "s3"}, "publisher: unknown publisher 's3'; known: Noop, Ipfs, Filecoin, Estuary"),
    (("ubuntu",), {"timeout": 0}, "timeout: expected a positive number of seconds, got 0"),
    (("ubuntu",), {"timeout": True}, "timeout: expected a positive number of seconds, got True"),
    (("ubuntu",), {"timeout": float("inf")}, "timeout: expected a positive number of seconds, got inf"),
    (("ubuntu",), {"cpu": True}, "cpu: expected a str such as '1' or '500m', got True"),
    (("ubuntu",), {"memory": ""}, "memory: expected a str such as '1' or '500m', got ''"),
    (("ubuntu",), {"annotations": "nightly"}, "annotations: expected a list of str, got str 'nightly'"),
    (("ubuntu",), {"do_not_track": 1}, "do_not_track: expected True or False, got 1"),
    (("ubuntu",), {"inputs": ["QmX"]}, "inputs[0]: expected a ModelStorageSpec (from input_cid(), input_url() or "
                                       "output_volume()), got str"),
    (("ubuntu",), {"inputs": input_cid("QmX")}, "inputs: expected a list of volumes (input_cid(), input_url(), "
                                                "output_volume()), got ModelStorageSpec"),
    (("ubuntu",), {"inputs": [ModelStorageSpec(cid="QmX")]},
     "inputs[0]: unknown storage source None; known: IPFS, URLDownload, FilecoinUnsealed, Filecoin, Estuary"),
])
def test_docker_job_rejects_bad_arguments(args, kwargs, message):
    assert built_error(docker_job, *args, **kwargs) == message


def test_unknown_option_is_a_type_error():
    with pytest.raises(TypeError, match="unexpected keyword argument 'cpus'"):
        docker_job("ubuntu", cpus="1")


@pytest.mark.parametrize("kwargs", [{}, {"command": "print(1)", "program_path": "main.py"}])
def test_language_job_needs_exactly_one_of_command_and_program_path(kwargs):
    assert built_error(language_job, "python", "3.10", **kwargs) == \
        "language_job: give exactly one of command or program_path"


def test_language_job_rejects_a_context_that_is_not_a_volume():
    assert built_error(language_job, "python", "3.10", command="x", context="QmCtx") == \
        "context: expected a ModelStorageSpec, got str"


def test_wasm_job_rejects_a_module_that_is_not_a_cid_or_volume():
    assert built_error(wasm_job, 42) == "module: expected a CID, a .wasm path or a ModelStorageSpec, got int"


@pytest.mark.parametrize("module", ["", "  "])
def test_wasm_job_rejects_an_empty_module(module):
    assert built_error(wasm_job, module) == "module: expected a CID or the path of a .wasm file, got %r" % module


def test_wasm_job_env_must_be_a_dict():
    assert built_error(wasm_job, "QmModule", env=["A=1"]) == "env: expected a dict of str to str, got list"


@pytest.mark.parametrize("builder, args, message", [
    (input_cid, ("",), "cid: expected a non-empty str, got ''"),
    (input_cid, ("QmX", "inputs"), "path: expected an absolute path (starting with /), got 'inputs'"),
    (input_url, ("ftp://x/y",), "url: expected an http:// or https:// URL, got 'ftp://x/y'"),
    (output_volume, ("", "/outputs"), "name: expected a non-empty str, got ''"),
    (output_volume, ("outputs", ""), "path: expected a non-empty str, got ''"),
])
def test_volume_helpers_reject_bad_arguments(builder, args, message):
    assert built_error(builder, *args) == message


def test_new_job_rejects_an_unknown_engine():
    assert built_error(new_job, "Podman") == \
        "engine: unknown engine 'Podman'; known: Noop, Docker, Wasm, Language, PythonWasm"


# --- the CLI's builders and rules -------------------------------------------------------------

from bacalhau_client.jobs import (  # noqa: E402
    from_file, is_safe_label, load_job, pack_context, parse_cid, parse_input_url, parse_input_volume,
    parse_output_volume, python_job, with_default_output,
)
from bacalhau_client.models import ModelJobCreatePayload  # noqa: E402
from bacalhau_client.validation import JobValidationError, job_problems, unknown_keys, validate_job  # noqa: E402

CID_V0 = "QmTVmC7JBD2ES2qGPqBNVWnX1KeEPNrPGb7rJ8cpFgtefe"


def test_python_job_inline_has_gos_language_fields():
    job = python_job(command="print(1)")
    assert job.to_wire()["Spec"]["Language"] == {"Language": "python", "LanguageVersion": "3.10",
                                                 "DeterministicExecution": True, "Command": "print(1)"}
    assert job.to_wire()["Spec"]["inputs"] == [{"StorageSource": "IPFS", "CID": "/inputs", "path": "/inputs"}]


def test_python_job_with_a_program_packs_the_context(tmp_path, monkeypatch):
    (tmp_path / "main.py").write_text("print(1)\n")
    monkeypatch.chdir(tmp_path)
    payload = python_job("main.py")
    assert isinstance(payload, ModelJobCreatePayload)
    assert payload.job.spec.language.program_path == "main.py" and payload.context


@pytest.mark.parametrize("kwargs, message", [
    ({}, "python_job: give an inline command or a path to a python file"),
    ({"command": "1", "deterministic": False}, "deterministic: only True is supported (languages run on the wasm "
                                               "backend with forced determinism)"),
])
def test_python_job_refuses(kwargs, message):
    assert built_error(python_job, **kwargs) == message


def test_wasm_job_from_a_local_file_is_a_payload_with_its_context(tmp_path):
    module = tmp_path / "hello.wasm"
    module.write_bytes(b"\0asm\x01\0\0\0")
    payload = wasm_job(str(module))
    assert isinstance(payload, ModelJobCreatePayload)
    assert payload.job.spec.contexts is None and payload.context


def test_wasm_job_defaults_are_the_clis():
    wire = wasm_job(CID_V0).to_wire()["Spec"]
    assert (wire["Verifier"], wire["outputs"], "Sharding" in wire) == (
        "Noop", [{"Name": "outputs", "path": "/outputs"}], False)
    assert wasm_job(CID_V0, concurrency=2).spec.verifier == "Deterministic"


@pytest.mark.parametrize("module, message", [
    ("missing.wasm", "module: 'missing.wasm' is not a valid CID or local file: no such file"),
    (".", "module: . should point to a single file"),
])
def test_wasm_job_refuses_a_missing_or_odd_local_module(module, message):
    assert built_error(wasm_job, module) == message


@pytest.mark.parametrize("concurrency, message", [
    ("2", "concurrency: expected an int, got str '2'"),
    (None, "concurrency: expected an int, got NoneType None"),
    (0, "concurrency: must be >= 1, got 0"),
])
def test_wasm_job_checks_concurrency_before_choosing_the_verifier(concurrency, message):
    assert built_error(wasm_job, CID_V0, concurrency=concurrency) == message


@pytest.mark.parametrize("text, canonical", [
    (CID_V0, CID_V0), ("/ipfs/" + CID_V0, CID_V0),
    ("bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
     "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"),
    ("f01551220c3c4733ec8affd06cf9e9ff50ffc6bcd2ec85a6170004bb709669c31de94391a",
     "bafkreigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"),
    ("QmNotACid", None), ("main.wasm", None), ("", None), ("b!!", None),
])
def test_parse_cid(text, canonical):
    assert parse_cid(text) == canonical


def test_volume_url_and_output_rules():
    assert parse_input_volume("QmX:/data").to_wire() == {"StorageSource": "IPFS", "CID": "QmX", "path": "/data"}
    assert parse_input_url(' "https://h/f.csv" ').to_wire() == {"StorageSource": "URLDownload",
                                                                "URL": "https://h/f.csv", "path": "/inputs"}
    assert parse_output_volume("o:/o").to_wire() == {"StorageSource": "IPFS", "Name": "o", "path": "/o"}
    outputs = with_default_output([parse_output_volume("a:/outputs"), parse_output_volume("b:/b")])
    assert [(volume.name, volume.path) for volume in outputs] == [("outputs", "/outputs"), ("b", "/b")]


@pytest.mark.parametrize("label, safe", [("team-a", True), ("a.b_c~d!e:f@g,h;i+j|k^l", True), ("\U0001F41F", True),
                                         ("", False), ("a b", False), ("caf\u00e9", False), ("/tmp", False)])
def test_safe_labels(label, safe):
    assert is_safe_label(label) is safe


def test_pack_context_refuses_links_and_large_files(tmp_path):
    (tmp_path / "ctx").mkdir()
    (tmp_path / "ctx" / "link").symlink_to(tmp_path)
    with pytest.raises(ValueError, match="is not a regular file or folder"):
        pack_context(str(tmp_path / "ctx"))
    with pytest.raises(ValueError, match="no such file or directory"):
        pack_context(str(tmp_path / "missing"))
    big = tmp_path / "big.bin"
    with open(big, "wb") as handle:
        handle.truncate(10 * 1024 * 1024 + 1)
    with pytest.raises(ValueError, match="bigger than max size 10.0 MB"):
        pack_context(str(big))


# --- job files ---------------------------------------------------------------------------------

def test_load_job_reads_yaml_with_any_key_case(fixtures_dir):
    job = from_file(fixtures_dir / "cli" / "job.yaml")
    assert (job.spec.engine, job.spec.publisher, job.spec.docker.entrypoint) == ("Docker", "Ipfs", ["sleep", "4"])
    assert job.spec.do_not_track is True and job.spec.resources.gpu == "1"


def test_load_job_text_and_defaults():
    job = load_job('{"Spec": {"Docker": {"Image": "ubuntu"}}}')
    assert (job.api_version, job.spec.engine, job.spec.verifier, job.deal.concurrency) == ("V1beta1", "Docker",
                                                                                           "Noop", 1)
    assert from_file("Spec:\n  Docker: {Image: alpine}\n").spec.docker.image == "alpine"


def test_load_job_keeps_yaml_timestamps_as_text_and_drops_server_fields():
    job = load_job("CreatedAt: 2022-11-17T13:32:55Z\nID: x\nSpec: {Docker: {Image: u}}\n")
    assert job.created_at is None and job.id is None


@pytest.mark.parametrize("text, message", [
    ("", "job: the document is empty; expected a job"),
    ("[1, 2]", "job: expected a job (an object with APIVersion, Spec, Deal), got a list"),
    ("Spec: {Engine: 7}", "job: Job.Spec.Engine: 7 is not a valid Engine number (1 to 5: Noop, Docker, Wasm, "
                          "Language, PythonWasm)"),
    ("Spec: {Engine: Kubernetes}", "job: Job.Spec.Engine: unknown engine 'Kubernetes'"),
    ("Deal: {Concurrency: many}", 'job: Job.Deal.Concurrency: expected an integer, got string "many"'),
    ("Spec: {Timeout: .inf}", "job: Spec.Timeout: inf cannot be represented in JSON"),
    ("a: [", "job: error converting YAML to JSON: yaml: line 1: expected the node content, but found '<stream end>'"),
    ("Job: 5", "job: Job: expected an object, got a number"),
])
def test_load_job_errors_name_the_place(text, message):
    assert built_error(load_job, text) == message


def test_load_job_size_limit():
    assert built_error(load_job, b" " * (10 * 1024 * 1024 + 1)) == \
        "job: size of bytes to unmarshal (10485761) larger than maximum allowed (10485760)"


def test_from_file_missing():
    assert built_error(from_file, "no-such-job.yaml") == "no-such-job.yaml: no such file"


# --- validation --------------------------------------------------------------------------------

def test_validate_job_reports_every_problem_in_the_nodes_order():
    payload = {"Job": {"Spec": {"Engine": "Docker", "inputs": [{"CID": "Qm"}]}, "Deal": {"Concurrency": 0,
                                                                                         "MinBids": 1}}}
    assert job_problems(payload) == [
        "Job.Deal.Concurrency: must be >= 1, got 0",
        "Job.Spec.Verifier: must be set to one of Noop, Deterministic",
        "Job.Spec.Publisher: must be set to one of Noop, Ipfs, Filecoin, Estuary",
        "Job.Spec.inputs[0].StorageSource: must be set to one of IPFS, URLDownload, FilecoinUnsealed, Filecoin, "
        "Estuary"]
    with pytest.raises(JobValidationError) as caught:
        validate_job(payload)
    assert caught.value.problems == job_problems(payload)
    assert str(caught.value).startswith("Job.Deal.Concurrency: must be >= 1, got 0 (and 3 more: ")


def test_validate_job_first_only_gives_the_nodes_message():
    with pytest.raises(ValueError) as caught:
        validate_job({"Job": {"Spec": {"Engine": "Docker"}, "Deal": {"Concurrency": 0, "MinBids": 1}}},
                     first_only=True)
    assert str(caught.value) == "Job.Deal.Concurrency: must be >= 1, got 0"


def test_validate_job_is_still_importable_from_signing():
    from bacalhau_client import signing

    assert signing.validate_job is validate_job


def test_unknown_keys_are_found_case_insensitively():
    document = {"spec": {"ENGINE": "Docker", "Inputs": [{"Path": "/x", "Colour": 1}], "Extra": {}}, "Foo": 1}
    assert unknown_keys(document) == ["Job.Spec.inputs[0].Colour", "Job.Spec.Extra", "Job.Foo"]
