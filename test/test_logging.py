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
def submit_log(caplog, signed_request) -> str:
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


def test_debug_leaves_urllib3_logger_handlers_alone():
    urllib3_logger = logging.getLogger("urllib3")
    handlers, level = list(urllib3_logger.handlers), urllib3_logger.level
    Configuration(debug=True)
    assert (urllib3_logger.handlers, urllib3_logger.level) == (handlers, level)


def test_debug_leaves_the_root_logger_alone():
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


# --- the process-wide switch and the retry log ------------------------------------------------------------


def test_making_a_configuration_changes_no_logger():
    names = ["", "bacalhau_client", "urllib3"]
    before = [(logging.getLogger(name).level, list(logging.getLogger(name).handlers)) for name in names]
    for debug in (True, False):
        ApiClient(Configuration(host="http://127.0.0.1:1", debug=debug)).close()
    assert [(logging.getLogger(name).level, list(logging.getLogger(name).handlers)) for name in names] == before


def test_enable_logging_adds_one_handler_however_often_it_is_called(sdk_logger):
    from bacalhau_client.configuration import enable_logging

    handlers = len(sdk_logger.handlers)
    enable_logging("info")
    enable_logging("debug")
    assert len(sdk_logger.handlers) == handlers + 1
    assert sdk_logger.level == logging.DEBUG


def test_enable_logging_refuses_an_unknown_level():
    from bacalhau_client.configuration import enable_logging

    with pytest.raises(ValueError) as caught:
        enable_logging("loud")
    assert str(caught.value) == "enable_logging: expected one of debug, info, warning, error, got 'loud'"


def test_environment_variable_switches_the_log_on_for_the_process():
    import os
    import subprocess
    import sys

    program = ("import sys; sys.path.insert(0, 'test'); from loopback import LoopbackServer; import bacalhau_client as b\n"
               "with LoopbackServer(lambda request: b'{}') as server, b.ApiClient(b.Configuration(host=server.url)) as c:\n"
               "    c.call_api('/states', 'POST', {}, 'object')\n")
    environment = dict(os.environ, BACALHAU_CLIENT_LOG="debug")
    result = subprocess.run([sys.executable, "-c", program], env=environment, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert "bacalhau_client DEBUG POST /states -> 200 OK" in result.stderr


def test_each_retry_is_logged_with_attempt_reason_and_wait(caplog):
    from bacalhau_client.retries import RetrySettings

    answers = iter([(503, {}, b"busy"), (503, {"Retry-After": "2"}, b"busy"), (200, {}, b"{}")])
    waits = []
    with LoopbackServer(lambda request: next(answers)) as server:
        settings = RetrySettings(sleep=waits.append, jitter=False)
        with ApiClient(Configuration(host=server.url, retries=settings, deadline=30.0)) as client:
            with caplog.at_level(logging.INFO, logger="bacalhau_client"):
                client.call_api("/states", "POST", {}, "object")
    lines = [record.getMessage() for record in caplog.records if record.name == "bacalhau_client"]
    assert lines == ["retrying POST /states in 0.50 s (retry 1): HTTP 503",
                     "retrying POST /states in 2.00 s (retry 2): HTTP 503"]
    assert waits == [0.5, 2.0]


def test_debug_client_writes_to_stderr_when_the_process_has_no_logging_handler():
    import os
    import subprocess
    import sys

    program = ("import sys; sys.path.insert(0, 'test'); from loopback import LoopbackServer; import bacalhau_client as b\n"
               "with LoopbackServer(lambda request: b'{}') as server:\n"
               "    with b.ApiClient(b.Configuration(host=server.url, debug=True)) as loud:\n"
               "        loud.call_api('/loud', 'POST', {}, 'object')\n"
               "    with b.ApiClient(b.Configuration(host=server.url)) as quiet:\n"
               "        quiet.call_api('/quiet', 'POST', {}, 'object')\n")
    environment = {name: value for name, value in os.environ.items() if name != "BACALHAU_CLIENT_LOG"}
    result = subprocess.run([sys.executable, "-c", program], env=environment, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert "POST /loud -> 200 OK" in result.stderr
    assert "/quiet" not in result.stderr
