"""Shared fixtures: the Go-produced vectors and keys in ``test/fixtures``, a user key and a running local node."""

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Seconds between the local node's job steps: fast, so that jobs finish within a test.
FAST_STEP = 0.001


def fresh_interpreter(code: str) -> str:
    """stdout of ``code`` run by a new Python that imports this checkout (what an import loads shows only there)."""
    done = subprocess.run([sys.executable, "-c", code], cwd=str(ROOT), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """``test/fixtures``: the Go-produced vectors, keys and example bodies (copied byte for byte)."""
    return FIXTURES


@pytest.fixture(scope="session")
def canonical_vectors(fixtures_dir):
    """Every line of canonical_vectors.jsonl, parsed."""
    with open(fixtures_dir / "canonical_vectors.jsonl", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="session")
def fixture_key(fixtures_dir):
    """The key the Go fixtures were signed with (``keys/test_user_id.pem``)."""
    from bacalhau_client.keys import UserKey

    return UserKey.from_pem((fixtures_dir / "keys" / "test_user_id.pem").read_bytes())


@pytest.fixture(scope="session")
def user_key():
    """A fresh RSA-2048 user key, shared by the session (generating one takes a while)."""
    from bacalhau_client.keys import UserKey

    return UserKey.generate()


@pytest.fixture(scope="module")
def signed_submit(fixtures_dir):
    """A real submit request, signed by the Go code (``keys/go_signed_submit_request.json``)."""
    with open(fixtures_dir / "keys" / "go_signed_submit_request.json", "rb") as source:
        return json.load(source)


@pytest.fixture
def nothing_left_behind():
    """The test must end without a thread it started or a file descriptor it opened."""
    from leaks import left_behind, snapshot

    before = snapshot()
    yield
    assert left_behind(before) == ([], [])


@pytest.fixture
def sdk_logger():
    """The ``bacalhau_client`` logger, its level, handlers and ``enable_logging``'s handler put back after the test."""
    import logging

    import bacalhau_client.configuration as configuration

    logger = logging.getLogger("bacalhau_client")
    level, handlers, own_handler = logger.level, list(logger.handlers), configuration._logging_handler
    yield logger
    logger.setLevel(level)
    logger.handlers[:] = handlers
    configuration._logging_handler = own_handler


@pytest.fixture
def local_node():
    """A running local requester node whose jobs echo their command and finish within milliseconds."""
    from bacalhau_client.devserver import LocalRequesterNode, echo_executor

    with LocalRequesterNode(step_delay=FAST_STEP, executor=echo_executor) as node:
        yield node


class ExampleNode(NamedTuple):
    """What the docs' examples talk to: the node, the fixture key's client ID and a finished job's ID."""

    node: object
    url: str
    client_id: str
    job_id: str


@pytest.fixture(scope="module")
def example_node(tmp_path_factory, fixtures_dir):
    """A local node where the docs' examples expect one, holding one finished job (``echo hello``).

    ``BACALHAU_API_HOST``/``PORT`` and the default host name it; ``BACALHAU_DIR``
    holds the fixture key, so ``UserKey.default()`` is that key.
    """
    from bacalhau_client import Client, configuration
    from bacalhau_client.devserver import LocalRequesterNode, echo_executor
    from bacalhau_client.jobs import docker_job

    key_dir = tmp_path_factory.mktemp("bacalhau_dir")
    shutil.copyfile(fixtures_dir / "keys" / "test_user_id.pem", key_dir / "user_id.pem")
    (key_dir / "user_id.pem").chmod(0o600)
    with pytest.MonkeyPatch.context() as patch, \
            LocalRequesterNode(step_delay=FAST_STEP, executor=echo_executor) as node:
        host, port = node.url.rsplit(":", 1)
        patch.setenv("BACALHAU_API_HOST", host)
        patch.setenv("BACALHAU_API_PORT", port)
        patch.setenv("BACALHAU_DIR", str(key_dir))
        patch.setattr(configuration, "DEFAULT_HOST", node.url)
        with Client(node.url) as client:
            job = client.submit(docker_job("ubuntu", ["echo", "hello"]))
            client.wait(job.id, timeout=60, poll_interval=0.01)
            yield ExampleNode(node, node.url, client.client_id, job.id)
