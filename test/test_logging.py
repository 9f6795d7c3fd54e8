"""``debug=True`` logs each request to the ``bacalhau_client`` logger, never a key or a signature,
and leaves other libraries' loggers alone."""

import json
import logging
import re

import pytest

from bacalhau_client import ApiClient, Configuration, JobApi
from bacalhau_client.signing import UserKey, sign_submit_request
from loopback import LoopbackServer

SUBMIT_ANSWER = b'{"job":{"ID":"4ff3e1f9-1a45-4d0a-9d7b-ac0b8e7aa6d0"}}\n'


@pytest.fixture(scope="module")
def key_pem(fixtures_dir) -> bytes:
    return (fixtures_dir / "keys" / "test_user_id.pem").read_bytes()


@pytest.fixture(scope="module")
def signed_request(fixtures_dir, key_pem):
    """A submit request signed here with the fixture's RSA key."""
    with open(fixtures_dir / "keys" / "go_signed_submit_request.json", "rb") as source:
        payload = json.load(source)["data"]
    return sign_submit_request(payload, UserKey.from_pem(key_pem))


@pytest.fixture
def debug_off_afterwards():
    """``debug`` sets process-wide logger state; put it back for the next test."""
    yield
    Configuration(debug=False)


@pytest.fixture
def submit_log(caplog, signed_request, debug_off_afterwards) -> str:
    """Everything the ``bacalhau_client`` logger wrote while a signed job was submitted with debug on."""
    with LoopbackServer(lambda request: SUBMIT_ANSWER) as server:
        with ApiClient(Configuration(host=server.url, debug=True)) as client:
            with caplog.at_level(logging.DEBUG, logger="bacalhau_client"):
                JobApi(client).submit(signed_request)
    return "\n".join(record.getMessage() for record in caplog.records if record.name.startswith("bacalhau_client"))


def test_debug_logs_the_submit_request_and_answer(submit_log):
    assert re.search(r"^POST http://127\.0\.0\.1:\d+/submit \(\d+ bytes\)$", submit_log, re.MULTILINE)
    assert "POST /submit -> 200 OK" in submit_log


def test_debug_log_holds_no_signature(submit_log, signed_request):
    assert signed_request.signature not in submit_log
    assert signed_request.signature[:16] not in submit_log


def test_debug_log_holds_no_public_key(submit_log, signed_request):
    assert signed_request.client_public_key[:32] not in submit_log


def test_debug_log_holds_no_private_key(submit_log, key_pem):
    key_lines = [line for line in key_pem.decode().splitlines() if line and not line.startswith("-----")]
    assert "PRIVATE KEY" not in submit_log
    assert not any(line in submit_log for line in key_lines)


def test_debug_leaves_urllib3_logger_handlers_alone(debug_off_afterwards):
    urllib3_logger = logging.getLogger("urllib3")
    handlers, level = list(urllib3_logger.handlers), urllib3_logger.level
    Configuration(debug=True)
    assert (urllib3_logger.handlers, urllib3_logger.level) == (handlers, level)


def test_debug_leaves_the_root_logger_alone(debug_off_afterwards):
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    Configuration(debug=True)
    assert (root.handlers, root.level) == (handlers, level)


def test_without_debug_nothing_is_logged(caplog):
    with LoopbackServer(lambda request: b'{"state":{}}') as server:
        with ApiClient(Configuration(host=server.url)) as client:
            with caplog.at_level(logging.INFO, logger="bacalhau_client"):
                JobApi(client).states({"client_id": "client-1", "job_id": "job-1"})
    assert [record for record in caplog.records if record.name.startswith("bacalhau_client")] == []
