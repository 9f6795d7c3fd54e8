"""Every command run in-process (``main([...])``) against a local node: outputs, errors and exit codes."""

import base64
import gzip
import io
import json
import struct
import tarfile

import pytest

from bacalhau_client import LocalRequesterNode, ModelJobSpecDocker, ModelSpec
from bacalhau_client.cli import main
from bacalhau_client.cli.running import Progress, summary
from bacalhau_client.devserver import echo_executor
from bacalhau_client.devserver.executor import Volumes, failing_executor
from conftest import FAST_STEP, FIXTURES

CID = "QmTVmC7JBD2ES2qGPqBNVWnX1KeEPNrPGb7rJ8cpFgtefe"


@pytest.fixture(autouse=True)
def key_dir(tmp_path, monkeypatch):
    """Every command signs with a key in a fresh BACALHAU_DIR and never reaches a real network."""
    monkeypatch.setenv("BACALHAU_DIR", str(tmp_path))
    for name in ("BACALHAU_API_HOST", "BACALHAU_API_PORT", "BACALHAU_HOST", "BACALHAU_PORT", "DO_NOT_TRACK"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def pointed_at(monkeypatch, node):
    """``node``, named by the environment as the node every command talks to."""
    monkeypatch.setenv("BACALHAU_API_HOST", "127.0.0.1")
    monkeypatch.setenv("BACALHAU_API_PORT", str(node.port))
    return node


@pytest.fixture
def node(local_node, monkeypatch):
    return pointed_at(monkeypatch, local_node)


@pytest.fixture
def failing_node(monkeypatch):
    executor = failing_executor(exit_code=3, stderr="step 1\nstep 2\nno space left on device\n")
    with LocalRequesterNode(step_delay=FAST_STEP, executor=executor) as running:
        yield pointed_at(monkeypatch, running)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def finished_job(capsys, *entrypoint):
    code, out, _ = run(capsys, "docker", "run", "--id-only", "ubuntu", *(entrypoint or ("echo", "hello")))
    assert code == 0
    return out.strip()


# --- docker run and the run flags -------------------------------------------------------------

def test_docker_run_waits_and_prints_the_go_summary(capsys, node):
    code, out, err = run(capsys, "docker", "run", "ubuntu", "echo", "hello")
    job_id = node.jobs()[0].id
    assert (code, err) == (0, "")
    assert out == ("Job successfully submitted. Job ID: %s\nChecking job status... (Enter Ctrl+C to exit at any time, "
                   "your job will continue running):\n\nTo download the results, execute:\n  bacalhau-client get %s\n\n"
                   "To get more details about the run, execute:\n  bacalhau-client describe %s\n"
                   % (job_id, job_id, job_id))


def test_node_details_show_each_shard(capsys, node):
    code, out, _ = run(capsys, "docker", "run", "--node-details", "ubuntu", "echo", "hello")
    assert code == 0
    assert "Job Results By Node:\nNode QmComput:\n  Shard 0:\n    State: Completed\n" in out
    assert "    Container Exit Code: 0\n    Stdout:\n      hello\n    Stderr: <NONE>\n" in out


def test_wait_false_prints_only_the_job_id(capsys, node):
    code, out, _ = run(capsys, "docker", "run", "ubuntu", "echo", "hi", "--wait=false")
    assert code == 0 and out == node.jobs()[0].id + "\n"


def test_id_only_prints_only_the_job_id_after_waiting(capsys, node):
    job_id = finished_job(capsys)
    assert job_id == node.jobs()[0].id
    code, out, _ = run(capsys, "describe", job_id, "--json")
    assert json.loads(out)["JobState"]["Nodes"]


def test_output_json_is_one_document_with_the_final_state(capsys, node):
    code, out, _ = run(capsys, "docker", "run", "--output", "json", "ubuntu", "echo", "hello")
    job = json.loads(out)
    assert code == 0
    shard = next(iter(job["JobState"]["Nodes"].values()))["Shards"]["0"]
    assert (shard["State"], shard["RunOutput"]["stdout"]) == ("Completed", "hello\n")


def test_a_failed_run_exits_1_with_node_exit_code_and_stderr_tail(capsys, failing_node):
    code, out, err = run(capsys, "docker", "run", "ubuntu", "false")
    job_id = failing_node.jobs()[0].id
    node_id = failing_node.compute_node_ids[0]
    assert code == 1
    assert out.startswith("Job successfully submitted.")
    assert err == ("error: job %s failed: shard 0 on node %s: exit code 3: exit code was not zero: 3; "
                   "stderr: step 1 | step 2 | no space left on device\n" % (job_id, node_id))


def test_a_failed_run_with_json_output_still_prints_one_document(capsys, failing_node):
    code, out, err = run(capsys, "docker", "run", "--output", "json", "ubuntu", "false")
    assert code == 1 and err.count("\n") == 1
    assert next(iter(json.loads(out)["JobState"]["Nodes"].values()))["Shards"]["0"]["State"] == "Error"


def test_failing_executor_can_fail_only_some_shards(tmp_path):
    volumes = Volumes({"outputs": tmp_path}, {})
    executor = failing_executor(exit_code=2, shards=[1], succeed=echo_executor)
    spec = ModelSpec(docker=ModelJobSpecDocker(entrypoint=["echo", "hi"]))
    assert executor(spec, 0, volumes) == ("hi\n", "", 0)
    assert (tmp_path / "echo.txt").read_text() == "hi\n"  # the shards that succeed still get their volumes
    with pytest.raises(Exception) as caught:
        executor(spec, 1, volumes)
    assert caught.value.run_output["exitCode"] == 2
    assert caught.value.run_output["stderr"] == "simulated failure: exit code 2\n"


def test_wait_timeout_exits_1(capsys, monkeypatch):
    with LocalRequesterNode(step_delay=5) as slow:
        code, _, err = run(capsys, "docker", "run", "--host", slow.url, "--wait-timeout-secs", "0", "ubuntu", "date")
    assert code == 1
    assert err.startswith("error: job ") and err.endswith("did not finish within 0 s (--wait-timeout-secs)\n")


def test_submit_wait_timeout_names_its_own_flag(capsys):
    with LocalRequesterNode(step_delay=5) as slow:
        code, _, err = run(capsys, "submit", "--host", slow.url, "--wait", "--timeout", "0.01", "ubuntu", "date")
    assert code == 1
    assert err.startswith("error: job ") and err.endswith("did not finish within 0.01 s (--timeout)\n")


def test_progress_lines_are_gos(tmp_path):
    stream = io.StringIO()
    progress = Progress(stream)
    for name in ("Created", "Bid", "Bid", "BidAccepted", "ResultsProposed", "ResultsAccepted", "ResultsPublished"):
        progress.event(name)
    progress.finish()
    assert stream.getvalue() == (
        "\t       Creating job for submission ... done \u2705\n"
        "\t       Finding node(s) for the job ... done \u2705\n"
        "\t             Node accepted the job ... done \u2705\n"
        "\t   Job finished, verifying results ... done \u2705\n"
        "\t      Results accepted, publishing ... done \u2705\n")


def test_a_terminal_progress_line_ends_the_line():
    stream = io.StringIO()
    progress = Progress(stream)
    progress.event("Created")
    progress.event("ComputeError")
    progress.finish()
    assert stream.getvalue() == ("\t       Creating job for submission ... done \u2705\n"
                                 "\t   Error while executing the job.\n\n")


def test_progress_is_not_printed_when_stderr_is_not_a_terminal(capsys, node):
    assert run(capsys, "docker", "run", "ubuntu", "date")[2] == ""


# --- bad input: one line on stderr, exit 2 ----------------------------------------------------

@pytest.mark.parametrize("argv, message", [
    (["docker", "run", "-v", "foo", "ubuntu"], "error: invalid input volume: foo (expected CID:PATH)\n"),
    (["docker", "run", "-v", "a\x1b[2J\n\u202eb", "ubuntu"],
     "error: invalid input volume: a\\x1b[2J \\u202eb (expected CID:PATH)\n"),
    (["docker", "run", "-o", "a:", "ubuntu"], "error: invalid output volume: a: (expected NAME:PATH)\n"),
    (["docker", "run", "-u", "ftp://h/f", "ubuntu"],
     "error: URLs must begin with 'http' or 'https'. The submitted one began with ftp\n"),
    (["docker", "run", "-u", "https://h", "ubuntu"], "error: URL must end with a file name: https://h\n"),
    (["docker", "run", "--bogus", "ubuntu"], "error: unknown flag: --bogus\n"),
    (["docker", "run", "ubuntu", "echo", "-n", "hi"], "error: unknown shorthand flag: 'n' in -n\n"),
    (["docker", "run", "ubuntu", "sh", "-c", "echo hi"],
     'error: invalid argument "echo hi" for "-c, --concurrency" flag: strconv.ParseInt: parsing "echo hi": '
     'invalid syntax\n'),
    (["docker", "run"], "error: docker run: requires at least 1 arg(s), only received 0 (usage: bacalhau-client "
                        "docker run [flags] IMAGE [COMMAND [ARG...]])\n"),
    (["docker", "run", "-w", "work", "ubuntu"], "error: --workdir: must be an absolute path, got 'work'\n"),
    (["docker", "run", "--verifier", "magic", "ubuntu"],
     "error: verifier: unknown verifier 'magic'; known: Noop, Deterministic\n"),
    (["docker", "run", "-c", "1", "--confidence", "2", "ubuntu"],
     "error: confidence: must be <= concurrency (1), got 2\n"),
    (["wasm", "run", "missing.wasm"], 'error: "missing.wasm" is not a valid CID or local file: no such file or '
                                      'directory\n'),
    (["wasm", "run", CID, "-e", "A"], 'error: --env: "A" should contain exactly one =\n'),
    (["wasm", "run", CID, "-v", "a:b:c"], 'error: --input-volumes: "a:b:c" should contain exactly one :\n'),
    (["run", "python"], "error: run python: give an inline command (-c) or a path to a python file\n"),
    (["run", "python", "-c", "1", "--deterministic=false"],
     "error: --deterministic=false: not supported (languages only support the wasm backend with forced "
     "determinism)\n"),
    (["create", "missing.yaml"], "error: missing.yaml: no such file\n"),
    (["submit", "--file", "missing.yaml"], "error: --file missing.yaml: no such file\n"),
    (["list", "--sort-by", "name"], 'error: invalid argument "name" for "--sort-by" flag: must be one of "id", or '
                                    '"created_at"\n'),
    (["version", "--output", "xml"], "error: --output: must be one of text, json, yaml, got 'xml'\n"),
    (["frobnicate"], 'error: unknown command "frobnicate" for "bacalhau-client"\n'),
    (["docker", "build"], 'error: unknown command "build" for "bacalhau-client docker"\n'),
    (["describe"], "error: describe: requires at least 1 arg(s), only received 0 (usage: bacalhau-client describe "
                   "[flags] JOB_ID)\n"),
])
def test_bad_input_exits_2_with_one_line(capsys, argv, message):
    code, out, err = run(capsys, "--api-host", "127.0.0.1", "--api-port", "9", *argv)
    assert (code, out, err) == (2, "", message)


def test_a_yaml_tab_error_names_the_line(capsys):
    code, _, err = run(capsys, "create", str(FIXTURES / "cli" / "tab_error.yaml"))
    assert code == 2
    assert err == "error: %s: error converting YAML to JSON: yaml: line 2: found character '\\t' that cannot " \
                  "start any token\n" % (FIXTURES / "cli" / "tab_error.yaml")


def test_unsafe_labels_are_dropped_with_a_warning(capsys):
    code, out, err = run(capsys, "docker", "run", "--dry-run", "--output=json", "-l", "ok,not ok", "ubuntu")
    assert code == 0
    assert json.loads(out)["Job"]["Spec"]["Annotations"] == ["ok"]
    assert err == "warning: dropped unsafe labels (allowed: letters, digits, ._~!:@,;+-|^ and emoji): not ok\n"


def test_an_unreachable_node_exits_3(capsys):
    code, out, err = run(capsys, "list", "--api-host", "127.0.0.1", "--api-port", "9", "--retries", "0")
    assert (code, out) == (3, "")
    assert err.startswith("error: ") and err.count("\n") == 1 and "127.0.0.1:9" in err


@pytest.mark.parametrize("command", ["docker run", "wasm run", "wasm validate", "run python", "create", "validate",
                                     "list", "describe", "events", "wait", "get", "results", "version", "id",
                                     "submit", "devserver", "demo"])
def test_help_is_available_for_every_command(capsys, command):
    code, out, _ = run(capsys, *command.split(), "--help")
    assert code == 0 and out.startswith("Usage: bacalhau-client %s" % command)


@pytest.mark.parametrize("group", ["docker", "wasm", "run"])
def test_a_group_without_a_command_prints_its_help(capsys, group):
    code, out, _ = run(capsys, group)
    assert code == 0 and out.startswith("Usage: bacalhau-client %s COMMAND" % group)


def test_no_command_prints_help_and_exits_2(capsys):
    code, out, err = run(capsys)
    assert (code, out) == (2, "") and err.startswith("Usage: bacalhau-client")


# --- where the node is ------------------------------------------------------------------------

def test_global_flags_work_before_and_after_the_command(capsys, node, monkeypatch):
    monkeypatch.setenv("BACALHAU_API_PORT", "9")
    port = str(node.port)
    assert run(capsys, "--api-port", port, "list")[0] == 0
    assert run(capsys, "list", "--api-port", port)[0] == 0
    assert run(capsys, "list", "--api-port=%s" % port, "--api-host", "127.0.0.1")[0] == 0


def test_bacalhau_host_and_port_are_the_flag_defaults(capsys, node, monkeypatch):
    monkeypatch.delenv("BACALHAU_API_HOST")
    monkeypatch.delenv("BACALHAU_API_PORT")
    monkeypatch.setenv("BACALHAU_HOST", "127.0.0.1")
    monkeypatch.setenv("BACALHAU_PORT", str(node.port))
    assert run(capsys, "list")[0] == 0


def test_host_without_a_scheme_is_accepted(capsys, node):
    assert run(capsys, "list", "--host", "127.0.0.1:%d" % node.port)[0] == 0
    assert run(capsys, "list", "--api-host", "http://127.0.0.1", "--api-port", str(node.port))[0] == 0


def test_a_bad_port_in_the_environment_exits_2(capsys, monkeypatch):
    monkeypatch.setenv("BACALHAU_API_PORT", "http")
    code, _, err = run(capsys, "list")
    assert (code, err) == (2, "error: BACALHAU_API_PORT: must be a port number from 1 to 65535, got 'http'\n")


# --- list -------------------------------------------------------------------------------------

def test_list_prints_gos_table(capsys, node):
    job_id = finished_job(capsys)
    code, out, _ = run(capsys, "list", "--no-style")
    header, row = out.splitlines()
    assert code == 0
    assert header.split() == ["CREATED", "ID", "JOB", "STATE", "VERIFIED", "PUBLISHED"]
    cells = row.split()
    assert cells[1:6] == [job_id[:8], "Docker", "ubuntu", "echo", "h..."]
    assert cells[6] == "Completed" and cells[7].startswith("/ipfs/Qm") and cells[7].endswith("...")


def test_list_wide_hide_header_and_plain_output(capsys, node):
    job_id = finished_job(capsys)
    code, out, _ = run(capsys, "list", "--wide", "--hide-header")
    assert code == 0 and len(out.splitlines()) == 1
    assert " %s " % job_id in out and " Docker ubuntu echo hello " in out and "\x1b" not in out


def test_list_json_is_one_array_and_yaml_a_sequence(capsys, node):
    job_id = finished_job(capsys)
    assert [job["ID"] for job in json.loads(run(capsys, "list", "--output", "json")[1])] == [job_id]
    assert run(capsys, "list", "--output", "yaml")[1].startswith("- APIVersion: V1beta1\n")


def test_list_id_filter_and_number(capsys, node):
    first, second = finished_job(capsys), finished_job(capsys)
    assert [job["ID"] for job in json.loads(run(capsys, "list", "--id-filter", first[:8], "--output", "json")[1])] \
        == [first]
    assert len(json.loads(run(capsys, "list", "-n", "1", "--output", "json")[1])) == 1
    assert run(capsys, "list", "-n", "0", "--output", "json")[1] == "[]\n"
    assert second


def test_list_with_no_jobs_prints_the_header_only(capsys, node):
    assert run(capsys, "list", "--no-style")[1].split() == ["CREATED", "ID", "JOB", "STATE", "VERIFIED", "PUBLISHED"]
    assert run(capsys, "list", "--hide-header")[1] == ""


# --- describe, events, results, wait ----------------------------------------------------------

def test_describe_prints_gos_yaml(capsys, node):
    job_id = finished_job(capsys)
    code, out, _ = run(capsys, "describe", job_id[:8])
    assert code == 0
    assert out.startswith("APIVersion: V1beta1\nClientID: ")
    assert "ID: %s\nJobState:\n  Nodes:\n" % job_id in out
    assert '        "0":\n' in out and "          State: Completed\n" in out
    assert "            stdout: |\n              hello\n" in out


def test_describe_json_spec_and_events(capsys, node):
    job_id = finished_job(capsys)
    described = json.loads(run(capsys, "describe", job_id, "--json", "--include-events")[1])
    assert described["ID"] == job_id
    assert described["JobEvents"][-1]["EventName"] == "ResultsPublished"
    assert described["LocalJobEvents"]
    assert run(capsys, "describe", job_id, "--spec")[1].startswith("Docker:\n  Entrypoint:\n  - echo\n")


def test_describe_an_unknown_job_exits_3_with_the_node_message(capsys, node):
    code, _, err = run(capsys, "describe", "no-such-job")
    assert code == 3 and "Job not found. ID: no-such-job" in err


def test_events_and_results(capsys, node):
    job_id = finished_job(capsys)
    assert [event["EventName"] for event in json.loads(run(capsys, "events", job_id, "--output", "json")[1])][-1] \
        == "ResultsPublished"
    assert "ResultsPublished" in run(capsys, "events", job_id)[1]
    assert "job-%s-shard-0-host-" % job_id in run(capsys, "results", job_id)[1]


def test_wait_one_job(capsys, node):
    job_id = finished_job(capsys)
    code, out, _ = run(capsys, "wait", job_id)
    assert code == 0 and "Completed" in out


def test_wait_exits_1_when_the_job_failed(capsys, failing_node):
    code, _, _ = run(capsys, "docker", "run", "--wait=false", "ubuntu", "false")
    job_id = failing_node.jobs()[0].id
    code, _, err = run(capsys, "wait", job_id)
    assert code == 1 and "exit code 3" in err


def test_wait_json_shows_a_failed_jobs_final_state(capsys, failing_node):
    run(capsys, "docker", "run", "--wait=false", "ubuntu", "false")
    job_id = failing_node.jobs()[0].id
    code, out, err = run(capsys, "wait", job_id, "--output", "json")
    shard = next(iter(json.loads(out)[job_id]["Nodes"].values()))["Shards"]["0"]
    assert (code, shard["State"], err.count("\n")) == (1, "Error", 1)


def test_wait_many_jobs(capsys, node):
    first, second = finished_job(capsys), finished_job(capsys)
    code, out, _ = run(capsys, "wait", first, second, "--output", "json")
    assert code == 0 and set(json.loads(out)) == {first, second}


def test_describe_follow_prints_events_until_the_job_finished(capsys, node):
    job_id = finished_job(capsys)
    code, out, _ = run(capsys, "describe", job_id, "--follow")
    assert code == 0 and "ResultsPublished" in out.split("JobState:")[-1]


def test_events_follow(capsys, node):
    job_id = finished_job(capsys)
    code, out, _ = run(capsys, "events", job_id, "--follow")
    assert code == 0 and "ResultsPublished" in out


def test_follow_cannot_print_json(capsys, node):
    code, _, err = run(capsys, "events", "x", "--follow", "--output", "json")
    assert code == 2 and "--follow" in err


# --- get and --download -----------------------------------------------------------------------

def test_get_downloads_into_the_output_dir(capsys, node, tmp_path):
    job_id = finished_job(capsys)
    target = tmp_path / "results"
    code, out, _ = run(capsys, "get", job_id, "--output-dir", str(target))
    assert code == 0 and out.endswith("%s\n" % target)
    assert target.exists()


def test_docker_run_download(capsys, node, tmp_path):
    target = tmp_path / "downloaded"
    code, out, _ = run(capsys, "docker", "run", "--download", "--output-dir", str(target), "ubuntu", "echo", "hi")
    assert code == 0 and "have been written to...\n%s\n" % target in out


# --- version and id ---------------------------------------------------------------------------

def test_version_text_json_yaml(capsys, node):
    assert run(capsys, "version")[1] == "Client Version: v1.0.0\nServer Version: v0.3.0-local\n"
    versions = json.loads(run(capsys, "version", "-o", "json")[1])
    assert versions["clientVersion"]["gitversion"] == "v1.0.0"
    assert versions["serverVersion"]["gitversion"] == "v0.3.0-local"
    out = run(capsys, "version", "--client", "--output", "yaml")[1]
    assert out.startswith("clientVersion:\n  builddate: \"0001-01-01T00:00:00Z\"\n") and out.endswith("\n\n")


def test_version_client_needs_no_node(capsys):
    code, out, _ = run(capsys, "version", "--client", "--api-port", "9")
    assert (code, out) == (0, "Client Version: v1.0.0\n")


def test_id_prints_the_users_identity(capsys, key_dir):
    from bacalhau_client.signing import UserKey

    code, out, _ = run(capsys, "id")
    key = UserKey.load(key_dir / "user_id.pem")
    assert code == 0
    assert out == "Client ID:  %s\nPublic key: %s\nKey file:   %s\n" % (key.client_id, key.public_key,
                                                                          key_dir / "user_id.pem")
    assert json.loads(run(capsys, "id", "--output", "json")[1])["ClientID"] == key.client_id


# --- create and validate ----------------------------------------------------------------------

def test_create_submits_a_yaml_file(capsys, node):
    code, out, _ = run(capsys, "create", str(FIXTURES / "cli" / "job.yaml"), "--wait=false")
    assert code == 0
    stored = node.jobs()[0]
    assert out == stored.id + "\n"
    assert stored.spec.docker.entrypoint == ["sleep", "4"] and stored.spec.resources.gpu == "1"


def test_create_a_described_job_warns_about_server_fields(capsys, node):
    code, _, err = run(capsys, "create", str(FIXTURES / "cli" / "described.yaml"), "--wait=false")
    assert code == 0
    assert err == "WARNING: The following fields have data in them and will be ignored on creation: ClientID, " \
                  "CreatedAt, Verification, ID, RequesterNodeID, State\n"


def test_create_reads_stdin_for_a_dash(capsys, node, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(
        (FIXTURES / "cli" / "job.json").read_bytes())))
    code, out, _ = run(capsys, "create", "-", "--wait=false")
    assert code == 0 and node.jobs()[0].spec.engine == "Wasm"


def test_create_refuses_a_job_the_node_would_refuse(capsys, tmp_path):
    job_file = tmp_path / "job.yaml"
    job_file.write_text("Spec: {Engine: Docker}\nDeal: {Concurrency: 2, Confidence: 3}\n")
    code, out, err = run(capsys, "create", str(job_file), "--api-port", "9")
    assert (code, out) == (2, "")
    assert err == "error: Job.Deal.Confidence: must be <= Concurrency (2), got 3\n"


def test_validate_a_valid_file(capsys):
    assert run(capsys, "validate", str(FIXTURES / "cli" / "job.yaml")) == (0, "The Job is valid\n", "")


def test_validate_lists_every_problem_with_its_path(capsys, tmp_path):
    job_file = tmp_path / "job.json"
    job_file.write_text(json.dumps({"Spec": {"Engine": "Docker", "inputs": [{"CID": "Qm"}], "Colour": "red"},
                                    "Deal": {"Concurrency": 0, "MinBids": 1}}))
    code, out, err = run(capsys, "validate", str(job_file))
    assert code == 2
    assert out == ("The Job is not valid. See errors:\n"
                   "- Job.Deal.Concurrency: must be >= 1, got 0\n"
                   "- Job.Spec.inputs[0].StorageSource: must be set to one of IPFS, URLDownload, FilecoinUnsealed, "
                   "Filecoin, Estuary\n"
                   "- Job.Spec.Colour: unknown field, ignored by the node\n")
    assert err == "error: %s: the job is not valid: Job.Deal.Concurrency: must be >= 1, got 0 (and 2 more, listed " \
                  "above)\n" % job_file


def test_validate_reports_a_bad_value_with_its_path(capsys, tmp_path):
    job_file = tmp_path / "job.yaml"
    job_file.write_text("Spec:\n  Engine: Docker\n  Timeout: soon\nDeal: {Concurrency: 1}\n")
    code, _, err = run(capsys, "validate", str(job_file))
    assert (code, err) == (2, "error: %s: Job.Spec.Timeout: expected a number, got string \"soon\"\n" % job_file)


# --- wasm and python contexts -----------------------------------------------------------------

def tar_names(context):
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(base64.b64decode(context)))) as archive:
        return [(member.name, member.type) for member in archive.getmembers()]


def test_wasm_run_packs_a_local_module_into_the_context(capsys, tmp_path, monkeypatch):
    (tmp_path / "mod").mkdir()
    (tmp_path / "mod" / "main.wasm").write_bytes(b"\0asm\x01\0\0\0")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "wasm", "run", "--dry-run", "--output=json", "mod/main.wasm", "x")
    payload = json.loads(out)
    assert code == 0
    assert tar_names(payload["Context"]) == [("main.wasm", tarfile.REGTYPE)]
    assert "Contexts" not in payload["Job"]["Spec"] and payload["Job"]["Spec"]["Wasm"]["Parameters"] == ["x"]
    assert err == 'Uploading "mod/main.wasm" to server to execute command in context, press Ctrl+C to cancel\n'


def test_run_python_packs_the_context_folder_as_go_names_it(capsys, tmp_path, monkeypatch):
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "src" / "main.py").write_text("print(1)\n")
    (tmp_path / "src" / "pkg" / "util.py").write_text("")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "run", "python", "--dry-run", "--output=json", "--context-path", "src", "main.py")
    assert code == 0
    assert tar_names(json.loads(out)["Context"]) == [("src", tarfile.DIRTYPE), ("src/main.py", tarfile.REGTYPE),
                                                     ("src/pkg", tarfile.DIRTYPE), ("src/pkg/util.py", tarfile.REGTYPE)]
    monkeypatch.chdir(tmp_path / "src")
    code, out, _ = run(capsys, "run", "python", "--dry-run", "--output=json", "main.py")
    assert [name for name, _ in tar_names(json.loads(out)["Context"])] == [".", "main.py", "pkg", "pkg/util.py"]


def test_run_python_with_a_context_reaches_the_node(capsys, node, tmp_path, monkeypatch):
    (tmp_path / "main.py").write_text("print(1)\n")
    monkeypatch.chdir(tmp_path)
    code, _, _ = run(capsys, "run", "python", "main.py", "--wait=false")
    assert code == 0
    assert node.jobs()[0].spec.contexts[0].path == "/job"


def wasm_module(imports=(), exports=(("_start", 0),), function_type=((), ())):
    """A minimal module: one function type, some imported functions, one defined function, exports."""
    def vec(items):
        return bytes([len(items)]) + b"".join(items)

    def name(text):
        return bytes([len(text)]) + text.encode()

    def section(number, body):
        return bytes([number, len(body)]) + body

    params, results = function_type
    types = section(1, vec([b"\x60" + vec([bytes([0x7F])] * len(params)) + vec([bytes([0x7F])] * len(results))]))
    imported = section(2, vec([name(module) + name(field) + b"\x00\x00" for module, field in imports]))
    functions = section(3, vec([b"\x00"]))
    exported = section(7, vec([name(export) + b"\x00" + bytes([index + len(imports)]) for export, index in exports]))
    return b"\0asm" + struct.pack("<I", 1) + types + imported + functions + exported


@pytest.mark.parametrize("module, message", [
    (wasm_module(imports=[("wasi_snapshot_preview1", "fd_write")]), None),
    (wasm_module(imports=[("env", "host_call")]), "no export found for 'env::host_call' required by module"),
    (wasm_module(exports=[("main", 0)]), "function '_start' required but no WASM export with that name was found"),
    (wasm_module(exports=[("_start", 5)]), "function '_start' required but no WASM export with that name was found"),
    (wasm_module(function_type=((1,), ())), "function '_start' should take 0 parameters"),
    (wasm_module(function_type=((), (1,))), "function '_start' should return 0 results"),
    (b"not wasm", "not a WebAssembly module (no \\0asm header)"),
])
def test_wasm_validate(capsys, tmp_path, module, message):
    path = tmp_path / "m.wasm"
    path.write_bytes(module)
    code, out, err = run(capsys, "wasm", "validate", str(path))
    if message is None:
        assert (code, out, err) == (0, "OK\n", "")
    else:
        assert (code, err) == (2, "error: %s: %s\n" % (path, message))


# --- one JSON document, and text from the node made safe --------------------------------------

@pytest.mark.parametrize("argv", [["list"], ["describe", "{id}"], ["events", "{id}"], ["results", "{id}"],
                                  ["wait", "{id}"], ["version"], ["id"], ["docker", "run", "ubuntu", "echo", "x"],
                                  ["docker", "run", "--wait=false", "ubuntu"], ["create", str(FIXTURES / "cli" / "job.yaml")],
                                  ["run", "python", "-c", "print(1)"], ["submit", "--wait", "ubuntu", "echo", "x"]])
def test_every_output_json_is_exactly_one_document(capsys, node, argv):
    job_id = finished_job(capsys)
    code, out, _ = run(capsys, *[part.format(id=job_id) for part in argv], "--output", "json")
    assert code == 0
    json.loads(out)  # raises on a second document


def test_terminal_control_characters_from_the_node_are_escaped(capsys, monkeypatch):
    def hostile(spec, shard_index):
        return "\x1b]0;owned\x07\x1b[2Jtext\n", "\x9b31m", 0

    with LocalRequesterNode(step_delay=FAST_STEP, executor=hostile) as hostile_node:
        host = ["--host", hostile_node.url]
        code, out, _ = run(capsys, "docker", "run", "--node-details", "ubuntu", "x", *host)
        job_id = hostile_node.jobs()[0].id
        assert code == 0 and "\\x1b]0;owned\\x07\\x1b[2Jtext" in out and "\\x9b31m" in out
        for argv in (["describe", job_id], ["describe", job_id, "--json"], ["list", "--wide"], ["wait", job_id],
                     ["list", "--output", "json"], ["list", "--output", "yaml"], ["results", job_id],
                     ["events", job_id, "--output", "yaml"]):
            out = run(capsys, *argv, *host)[1]
            assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out, argv


# --- kept from earlier versions ----------------------------------------------------------------

def test_submit_still_works_with_its_old_flags(capsys, node, tmp_path):
    code, out, err = run(capsys, "submit", "--wait", "ubuntu", "echo", "hello")
    assert (code, err) == (0, "") and out.endswith("hello\n") and "Completed" in out
    job_file = tmp_path / "job.json"
    job_file.write_text(json.dumps({"Spec": {"Docker": {"Image": "ubuntu", "Entrypoint": ["echo", "from file"]}},
                                    "Deal": {"Concurrency": 1}}))
    code, out, _ = run(capsys, "submit", "--file", str(job_file), "--output", "json")
    assert code == 0 and json.loads(out)["Spec"]["Docker"]["Entrypoint"] == ["echo", "from file"]


def test_list_limit_is_still_accepted(capsys, node):
    finished_job(capsys)
    assert len(json.loads(run(capsys, "list", "--limit", "1", "--output", "json")[1])) == 1


def test_help_after_double_dash_is_the_commands_argument(capsys):
    code, out, _ = run(capsys, "docker", "run", "--dry-run", "--output=json", "ubuntu", "--", "ls", "-h")
    assert code == 0 and json.loads(out)["Job"]["Spec"]["Docker"]["Entrypoint"] == ["ls", "-h"]


class TerminalStream(io.StringIO):
    """Captures what is written, and says it is a terminal (as a user's stderr is)."""

    def isatty(self):
        return True


def test_progress_lines_go_to_a_terminal_stderr(capsys, node, monkeypatch):
    terminal = TerminalStream()
    monkeypatch.setattr("sys.stderr", terminal)
    code = main(["docker", "run", "ubuntu", "echo", "hi"])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("Job successfully submitted.")
    lines = terminal.getvalue().splitlines()
    assert lines[0] == "\t       Creating job for submission ... done \u2705"
    assert lines[-1] == "\t      Results accepted, publishing ... done \u2705"
    assert all(line.endswith(" ... done \u2705") for line in lines)


def test_progress_follows_the_jobs_events_on_a_terminal(capsys, node, monkeypatch):
    stderr = TerminalStream()
    monkeypatch.setattr("sys.stderr", stderr)
    code, out, _ = run(capsys, "docker", "run", "ubuntu", "echo", "hello")
    assert code == 0 and out.endswith("bacalhau-client describe %s\n" % node.jobs()[0].id)
    assert stderr.getvalue() == (
        "\t       Creating job for submission ... done \u2705\n"
        "\t       Finding node(s) for the job ... done \u2705\n"
        "\t             Node accepted the job ... done \u2705\n"
        "\t   Job finished, verifying results ... done \u2705\n"
        "\t      Results accepted, publishing ... done \u2705\n")


def test_id_only_shows_no_progress_even_on_a_terminal(capsys, node, monkeypatch):
    terminal = TerminalStream()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["docker", "run", "--id-only", "ubuntu", "echo", "hi"]) == 0
    assert terminal.getvalue() == ""


def test_validate_output_schema(capsys):
    code, out, _ = run(capsys, "validate", "--output-schema")
    schema = json.loads(out)
    assert code == 0 and schema["$ref"] == "#/$defs/Job"
    job = schema["$defs"]["Job"]
    assert job["required"] == ["APIVersion"] and job["additionalProperties"] is False
    assert schema["$defs"]["Spec"]["properties"]["Engine"] == {
        "type": "string", "enum": ["Noop", "Docker", "Wasm", "Language", "PythonWasm"]}
    assert list(schema["$defs"]["JobNodeState"]["properties"]["Shards"]["patternProperties"]) == ["^[0-9]+$"]


def test_describe_shows_an_unknown_enum_value_as_it_came(capsys):
    from bacalhau_client.cli.common import job_wire
    from bacalhau_client.models import ModelJob

    job = ModelJob.from_wire({"APIVersion": "V1beta1", "Spec": {"Engine": "Quantum"}})
    assert job_wire(job)["Spec"]["Engine"] == "Quantum"


def test_a_bacalhau_port_that_is_not_a_number_is_ignored(monkeypatch):
    from bacalhau_client.cli.common import GLOBAL_FLAGS, client_for
    from bacalhau_client.cli.flags import parse

    monkeypatch.setenv("BACALHAU_PORT", "http")
    values, _ = parse(GLOBAL_FLAGS, ["--api-host", "127.0.0.1"])
    with client_for(values) as client:
        assert client.configuration.host == "http://127.0.0.1:1234"


@pytest.mark.parametrize("run_output", ["not an object", 7, [1]])
def test_the_summary_reads_a_run_output_that_is_not_an_object_as_none(run_output):
    from bacalhau_client.models import ModelJobState

    state = ModelJobState.from_wire({"Nodes": {"QmNode": {"Shards": {"0": {"State": "Completed",
                                                                          "RunOutput": run_output}}}}})
    assert "    No RunOutput for this shard\n" in summary("job-1", state, node_details=True)


def test_job_output_keeps_its_lines_and_tabs_but_not_bidirectional_overrides():
    from bacalhau_client.cli.output import safe

    assert safe("a\tb\nc\u202eevil\x1b") == "a\tb\nc\\u202eevil\\x1b"
    assert safe("a\tb\nc", keep_lines=False) == "a\\x09b\\x0ac"


def test_json_output_escapes_what_a_terminal_would_act_on_and_stays_the_same_document():
    from bacalhau_client.cli.output import json_text

    value = {"stdout": "a\u202eb\x9bc\x7fd\u2066e\tf\n", "lone": "\udc80"}
    text = json_text(value)
    assert "\u202e" not in text and "\x9b" not in text and "\x7f" not in text and "\u2066" not in text
    assert "\\u202e" in text and "\\u009b" in text and "\\udc80" in text
    assert json.loads(text) == value and text.encode("utf-8")
    assert "\n  " in text  # the document's own indentation is kept


def test_json_output_from_a_node_keeps_bidirectional_overrides_out_of_the_terminal(capsys):
    def spoofing(spec, shard_index):
        return "evil\u202etxt.exe\n", "", 0

    with LocalRequesterNode(step_delay=FAST_STEP, executor=spoofing) as spoofing_node:
        host = ["--host", spoofing_node.url]
        assert run(capsys, "docker", "run", "--wait", "ubuntu", "x", *host)[0] == 0
        out = run(capsys, "list", "--output", "json", *host)[1]
    assert "\u202e" not in out and "evil\\u202etxt.exe" in out
    assert "evil\u202etxt.exe" in json.dumps(json.loads(out), ensure_ascii=False)


def test_yaml_output_escapes_bidirectional_overrides_and_lone_surrogates():
    from bacalhau_client.cli.output import go_yaml

    assert go_yaml({"a": "x\u202ey\x9b", "b": "\udc80", "c": "l1\nl2\n"}) == (
        'a: "x\\u202Ey\\x9B"\nb: "\\uDC80"\nc: |\n  l1\n  l2\n')
