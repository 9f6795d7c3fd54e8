"""The command line as a user runs it: ``python -m bacalhau_client`` in a subprocess, against a local node."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bacalhau_client import LocalRequesterNode
from bacalhau_client.devserver import echo_executor

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "test" / "fixtures" / "cli"


@pytest.fixture
def environment(tmp_path):
    """A fresh BACALHAU_DIR, the package on the path, and no node configured."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), BACALHAU_DIR=str(tmp_path))
    for name in ("BACALHAU_API_HOST", "BACALHAU_API_PORT", "BACALHAU_HOST", "BACALHAU_PORT", "DO_NOT_TRACK"):
        env.pop(name, None)
    return env


def cli(environment, *argv, stdin=None):
    return subprocess.run([sys.executable, "-m", "bacalhau_client", *argv], capture_output=True, text=True,
                          timeout=60, cwd=str(ROOT), env=environment, input=stdin)


def test_demo_runs_end_to_end(environment):
    finished = cli(environment, "demo")
    assert finished.returncode == 0, finished.stderr
    assert "\nEvents, as the node records them:\n" in finished.stdout
    assert "  ResultsPublished\n(followed over websocket)\n" in finished.stdout
    assert "Output (simulated by the local node; no container ran):\nhello\n" in finished.stdout
    assert "\nDownloaded results (" in finished.stdout


def test_demo_json_is_one_document(environment):
    finished = cli(environment, "demo", "--output", "json")
    assert finished.returncode == 0, finished.stderr
    document = json.loads(finished.stdout)
    assert document["events"][-1]["EventName"] == "ResultsPublished"
    shards = [shard for node in document["job"]["JobState"]["Nodes"].values() for shard in node["Shards"].values()]
    assert [shard["State"] for shard in shards] == ["Completed"]


def test_demo_piped_into_a_reader_that_stops_early_exits_quietly(environment):
    demo = subprocess.Popen([sys.executable, "-m", "bacalhau_client", "demo"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=str(ROOT), env=environment)
    assert demo.stdout.readline().startswith(b"Started a local requester node")
    demo.stdout.close()  # like `| head -1`
    _, stderr = demo.communicate(timeout=60)
    assert (demo.returncode, stderr) == (0, b"")


def test_a_job_runs_and_is_listed(environment):
    with LocalRequesterNode(step_delay=0.001, executor=echo_executor) as node:
        environment.update(BACALHAU_API_HOST="127.0.0.1", BACALHAU_API_PORT=str(node.port))
        ran = cli(environment, "docker", "run", "--id-only", "ubuntu", "echo", "hello")
        listed = cli(environment, "--api-port", str(node.port), "list", "--output", "json")
    assert (ran.returncode, ran.stderr) == (0, "")
    assert [job["ID"] for job in json.loads(listed.stdout)] == [ran.stdout.strip()]


@pytest.mark.parametrize("argv, stderr", [
    (["docker", "run", "--bogus", "ubuntu"], "error: unknown flag: --bogus\n"),
    (["docker", "run", "-v", "foo", "ubuntu"], "error: invalid input volume: foo (expected CID:PATH)\n"),
    (["create", "missing.yaml"], "error: missing.yaml: no such file\n"),
    (["validate", str(FIXTURES / "tab_error.yaml")],
     "error: %s: error converting YAML to JSON: yaml: line 2: found character '\\t' that cannot start any token\n"
     % (FIXTURES / "tab_error.yaml")),
])
def test_bad_input_gives_one_line_and_exit_2(environment, argv, stderr):
    finished = cli(environment, "--api-host", "127.0.0.1", "--api-port", "9", *argv)
    assert (finished.returncode, finished.stdout, finished.stderr) == (2, "", stderr)


def test_devserver_with_failing_runs(environment):
    server = subprocess.Popen([sys.executable, "-m", "bacalhau_client", "devserver", "--port", "0", "--step-delay",
                               "0.001", "--fail-exit-code", "7", "--fail-stderr", "disk full\n"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT),
                              env=environment)
    try:
        assert server.stdout.readline().startswith("Local Bacalhau requester node Qm")
        assert server.stdout.readline() == "Simulated: runs of every shard fail with exit code 7. Press Ctrl-C to stop.\n"
        exports = server.stdout.readline().split()
        port = exports[-1].split("=")[1]
        finished = cli(environment, "docker", "run", "--api-port", port, "--api-host", "127.0.0.1", "ubuntu", "date")
        server.send_signal(signal.SIGINT)
        out, _ = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert finished.returncode == 1
    assert finished.stderr.endswith(": exit code 7: exit code was not zero: 7; stderr: disk full\n")
    assert (server.returncode, out) == (0, "stopped\n")
