"""Shared fixtures: the Go-produced vectors and keys in ``test/fixtures``, a user key and a running local node."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Seconds between the local node's job steps: fast, so that jobs finish within a test.
FAST_STEP = 0.001


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


@pytest.fixture
def local_node():
    """A running local requester node whose jobs echo their command and finish within milliseconds."""
    from bacalhau_client.devserver import LocalRequesterNode, echo_executor

    with LocalRequesterNode(step_delay=FAST_STEP, executor=echo_executor) as node:
        yield node
