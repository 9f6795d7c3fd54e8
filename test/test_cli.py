"""The command line: ``python -m bacalhau_client`` and ``main([...])`` against a local node."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bacalhau_client import LocalRequesterNode
from bacalhau_client.cli import main
from bacalhau_client.devserver import echo_executor
from bacalhau_client.signing import UserKey

ROOT = Path(__file__).resolve().parent.parent
FAST = 0.001


@pytest.fixture(autouse=True)
def key_dir(tmp_path, monkeypatch):
    """Every command signs with a key in a fresh BACALHAU_DIR, never the user's own."""
    monkeypatch.setenv("BACALHAU_DIR", str(tmp_path))
    monkeypatch.delenv("BACALHAU_API_HOST", raising=False)
    monkeypatch.delenv("BACALHAU_API_PORT", raising=False)
    return tmp_path


@pytest.fixture
def node():
    with LocalRequesterNode(step_delay=FAST, executor=echo_executor) as running:
        yield running


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def submitted_id(capsys, node):
    code, out, _ = run(capsys, "submit", "--host", node.url, "ubuntu", "echo", "hello")
    assert code == 0
    return out.strip()


def test_demo_runs_end_to_end_as_a_subprocess():
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    finished = subprocess.run([sys.executable, "-m", "bacalhau_client", "demo"], capture_output=True, text=True,
                              timeout=60, cwd=str(ROOT), env=environment)
    assert finished.returncode == 0, finished.stderr
    assert "ResultsPublished" in finished.stdout
    assert "Output (simulated by the local node; no container ran):\nhello\n" in finished.stdout


def test_demo_piped_into_a_reader_that_stops_early_exits_quietly():
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    demo = subprocess.Popen([sys.executable, "-m", "bacalhau_client", "demo"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=str(ROOT), env=environment)
    assert demo.stdout.readline().startswith(b"Started a local requester node")
    demo.stdout.close()  # like `| head -1`
    _, stderr = demo.communicate(timeout=60)
    assert (demo.returncode, stderr) == (0, b"")


def test_submit_wait_prints_the_output(capsys, node):
    code, out, err = run(capsys, "submit", "--host", node.url, "--wait", "ubuntu", "echo", "hello")
    assert (code, err) == (0, "")
    assert out.endswith("hello\n") and "Completed" in out


def test_submit_from_a_file(capsys, node, tmp_path):
    job_file = tmp_path / "job.json"
    job_file.write_text(json.dumps({"APIVersion": "V1beta1", "Spec": {
        "Engine": "Docker", "Verifier": "Noop", "Publisher": "Estuary",
        "Docker": {"Image": "ubuntu", "Entrypoint": ["echo", "from file"]}}, "Deal": {"Concurrency": 1}}))
    code, out, _ = run(capsys, "submit", "--host", node.url, "--file", str(job_file), "--output", "json")
    assert code == 0
    assert json.loads(out)["Spec"]["Docker"]["Entrypoint"] == ["echo", "from file"]


def test_failing_job_exits_1_with_the_reason(capsys):
    def failing(spec, shard_index):
        raise RuntimeError("image not found: ubuntu")

    with LocalRequesterNode(step_delay=FAST, executor=failing) as node:
        code, _, err = run(capsys, "submit", "--host", node.url, "--wait", "ubuntu", "echo", "hello")
    assert code == 1
    assert err.startswith("error: job ") and err.endswith(": image not found: ubuntu\n")


def test_unreachable_host_exits_3_with_one_line(capsys):
    code, out, err = run(capsys, "list", "--host", "http://127.0.0.1:9", "--retries", "0")
    assert (code, out) == (3, "")
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_unknown_job_exits_3_with_the_node_message(capsys, node):
    code, _, err = run(capsys, "describe", "--host", node.url, "no-such-job")
    assert code == 3
    assert "Job not found. ID: no-such-job" in err


@pytest.mark.parametrize("argv", [[], ["bogus"], ["submit"], ["list", "--limit", "0"], ["wait"],
                                  ["submit", "--output", "yaml", "ubuntu"]])
def test_usage_errors_exit_2(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2 and err


def test_bad_port_in_the_environment_exits_2(capsys, monkeypatch):
    monkeypatch.setenv("BACALHAU_API_PORT", "http")
    code, _, err = run(capsys, "list")
    assert code == 2
    assert err == "error: BACALHAU_API_PORT: must be a port number from 1 to 65535, got 'http'\n"


def test_unreadable_job_file_exits_2(capsys, tmp_path):
    code, _, err = run(capsys, "submit", "--host", "http://127.0.0.1:9", "--file", str(tmp_path / "missing.json"))
    assert code == 2 and err.startswith("error: --file %s: " % (tmp_path / "missing.json"))


@pytest.mark.parametrize("command", ["demo", "submit", "list", "describe", "events", "results", "wait", "id",
                                     "devserver"])
def test_help_is_available_for_every_command(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0 and out.startswith("usage: bacalhau-client %s" % command)


def test_list_describe_events_results_wait(capsys, node):
    job_id = submitted_id(capsys, node)
    assert run(capsys, "wait", "--host", node.url, job_id)[0] == 0
    code, out, _ = run(capsys, "list", "--host", node.url, "--output", "json")
    assert code == 0 and [job["ID"] for job in json.loads(out)] == [job_id]
    code, out, _ = run(capsys, "describe", "--host", node.url, job_id[:8])
    assert code == 0 and "State:     Completed" in out
    code, out, _ = run(capsys, "events", "--host", node.url, job_id, "--output", "json")
    assert [event["EventName"] for event in json.loads(out)][-1] == "ResultsPublished"
    code, out, _ = run(capsys, "results", "--host", node.url, job_id)
    assert code == 0 and "job-%s-shard-0-host-" % job_id in out


def test_host_comes_from_the_environment(capsys, node, monkeypatch):
    monkeypatch.setenv("BACALHAU_API_HOST", "127.0.0.1")
    monkeypatch.setenv("BACALHAU_API_PORT", str(node.port))
    code, out, _ = run(capsys, "list")
    assert code == 0 and out.startswith("ID")


def test_id_prints_the_client_id_of_the_key(capsys, key_dir):
    code, out, _ = run(capsys, "id")
    assert code == 0
    assert out == UserKey.load(key_dir / "user_id.pem").client_id + "\n"


def test_devserver_serves_until_interrupted():
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen([sys.executable, "-m", "bacalhau_client", "devserver", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT),
                               env=environment)
    try:
        first_line = process.stdout.readline()
        assert first_line.startswith("Local Bacalhau requester node Qm")
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert out.endswith("stopped\n")
