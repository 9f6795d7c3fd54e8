"""Retry policies: which failures are retried for read-only calls and for /submit, how long the
waits are, and how ``retries``, ``_retries``, ``timeout`` and ``deadline`` are set."""

import time

import pytest
import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError, MaxRetryError, NewConnectionError, ProtocolError, ReadTimeoutError,
)
from urllib3.util.retry import Retry

from bacalhau_client import (
    ApiClient, Configuration, HealthApi, JobApi, MiscApi, PublicapiEventsRequest, PublicapiListRequest,
    PublicapiLocalEventsRequest, PublicapiStateRequest, ServerError,
)
from bacalhau_client.retries import (
    DeadlineTimeout, RetryPolicy, RetrySettings, make_policies, read_only_policy, submit_policy,
)
from loopback import LoopbackServer

URL = "/states"
BUSY = (503, {"Content-Type": "text/plain"}, b"Server Timeout!\n")
STATE_REQUEST = PublicapiStateRequest(client_id="client-1", job_id="job-1")


def failed(policy: Retry, times: int, error: Exception) -> Retry:
    """The policy after ``times`` failures with ``error``."""
    for _ in range(times):
        policy = policy.increment("POST", URL, error=error)
    return policy


def answer_with(status: int, headers=None) -> urllib3.HTTPResponse:
    return urllib3.HTTPResponse(body=b"", headers=headers or {}, status=status, preload_content=False)


def without_jitter(policy: RetryPolicy) -> RetryPolicy:
    policy.jitter = False
    return policy


def read_timeout() -> ReadTimeoutError:
    return ReadTimeoutError(None, URL, "Read timed out. (read timeout=0.3)")


def refused() -> NewConnectionError:
    return NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")


def busy_then(answer: bytes, busy_answers: int):
    """A server answer: ``busy_answers`` times 503, then ``answer``."""
    seen = []

    def respond(request):
        seen.append(request)
        return BUSY if len(seen) <= busy_answers else answer
    return respond


@pytest.mark.parametrize("failures, wait", [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 8.0), (9, 8.0)])
def test_backoff_doubles_from_half_a_second_up_to_8(failures, wait):
    policy = failed(without_jitter(read_only_policy(10)), failures, read_timeout())
    assert policy.get_backoff_time() == wait


def test_backoff_with_jitter_stays_in_the_upper_half_of_the_wait():
    policy = failed(read_only_policy(10), 3, read_timeout())
    waits = [policy.get_backoff_time() for _ in range(500)]
    assert all(1.0 <= wait <= 2.0 for wait in waits)
    assert len(set(waits)) > 400


@pytest.mark.parametrize("error", [read_timeout(), refused(), ConnectTimeoutError(None, "timed out"),
                                   ProtocolError("Connection aborted.", ConnectionResetError(104, "reset"))],
                         ids=["read timeout", "refused", "connect timeout", "reset"])
def test_read_only_policy_retries_every_connection_failure(error):
    assert failed(read_only_policy(3), 3, error).history[-1].error is error


@pytest.mark.parametrize("error", [refused(), ConnectTimeoutError(None, "timed out")], ids=["refused", "connect timeout"])
def test_submit_policy_retries_failures_before_the_request_left(error):
    assert len(failed(submit_policy(3), 3, error).history) == 3


@pytest.mark.parametrize("error", [read_timeout(), ProtocolError("Connection aborted.", ConnectionResetError())],
                         ids=["read timeout", "reset"])
def test_submit_policy_never_retries_failures_after_the_request_may_have_left(error):
    with pytest.raises(MaxRetryError) as caught:
        submit_policy(3).increment("POST", "/submit", error=error)
    assert caught.value.reason is error


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_read_only_policy_retries_busy_statuses(status):
    assert read_only_policy(3).is_retry("POST", status)


@pytest.mark.parametrize("status", [400, 404, 500, 501])
def test_read_only_policy_does_not_retry_other_statuses(status):
    assert not read_only_policy(3).is_retry("POST", status, has_retry_after=True)


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_submit_policy_never_retries_a_status(status):
    assert not submit_policy(3).is_retry("POST", status, has_retry_after=True)


def test_retry_after_up_to_60_seconds_is_the_wait():
    policy = read_only_policy(3).increment("POST", URL, response=answer_with(429, {"Retry-After": "60"}))
    assert policy.next_wait == 60


def test_retry_after_over_60_seconds_ends_the_retries():
    with pytest.raises(MaxRetryError):
        read_only_policy(3).increment("POST", URL, response=answer_with(429, {"Retry-After": "61"}))


def test_unreadable_retry_after_falls_back_to_the_backoff():
    policy = without_jitter(read_only_policy(3))
    policy = policy.increment("POST", URL, response=answer_with(503, {"Retry-After": "soon"}))
    assert policy.next_wait == 0.5


def test_no_retry_begins_whose_wait_ends_past_the_deadline():
    error = read_timeout()
    policy = read_only_policy(3).with_deadline(time.monotonic() + 0.1)
    with pytest.raises(MaxRetryError) as caught:
        policy.increment("POST", URL, error=error)
    assert caught.value.reason is error


def test_with_deadline_leaves_the_shared_policy_unchanged():
    shared = read_only_policy(3)
    shared.with_deadline(time.monotonic())
    assert shared.deadline is None


def test_deadline_timeout_gives_each_attempt_only_the_time_left():
    attempt = DeadlineTimeout(urllib3.Timeout(connect=10.0, read=300.0), time.monotonic() + 2.0).clone()
    attempt.start_connect()
    assert attempt.connect_timeout <= 2.0
    assert attempt.read_timeout <= 2.0


def test_deadline_timeout_keeps_shorter_timeouts():
    attempt = DeadlineTimeout(urllib3.Timeout(connect=1.0, read=3.0), time.monotonic() + 100.0).clone()
    attempt.start_connect()
    assert (attempt.connect_timeout, attempt.read_timeout) == (1.0, 3.0)


@pytest.mark.parametrize("retries", [3, True, None])
def test_retries_default_to_three(retries):
    read_only, submit = make_policies(retries)
    assert (read_only.total, submit.total) == (3, 3)


@pytest.mark.parametrize("retries", [0, False])
def test_retries_zero_or_false_disable_retries(retries):
    with LoopbackServer(busy_then(b'{"state":{}}', 1)) as server:
        with ApiClient(Configuration(host=server.url, retries=retries)) as client:
            with pytest.raises(ServerError):
                JobApi(client).states(STATE_REQUEST)
    assert len(server.requests) == 1


def test_a_urllib3_retry_is_used_as_given():
    given = Retry(total=1, status_forcelist=[503], allowed_methods=None, backoff_factor=0)
    with LoopbackServer(busy_then(b'{"state":{}}', 2)) as server:
        with ApiClient(Configuration(host=server.url, retries=given)) as client:
            with pytest.raises(ServerError) as caught:
                JobApi(client).states(STATE_REQUEST)
    assert caught.value.status == 503
    assert len(server.requests) == 2


def test_per_call_retries_override_the_configuration():
    with LoopbackServer(busy_then(b'{"state":{}}', 2)) as server:
        with ApiClient(Configuration(host=server.url, retries=0, deadline=10.0)) as client:
            no_sleep = RetrySettings(total=2, sleep=lambda seconds: None)
            assert JobApi(client).states(STATE_REQUEST, _retries=no_sleep).state.to_wire() == {}
    assert len(server.requests) == 3


READ_ONLY_CALLS = {
    "list": lambda client: JobApi(client).list(PublicapiListRequest(client_id="client-1")),
    "states": lambda client: JobApi(client).states(STATE_REQUEST),
    "events": lambda client: JobApi(client).events(PublicapiEventsRequest(client_id="c", job_id="j")),
    "local_events": lambda client: JobApi(client).local_events(PublicapiLocalEventsRequest(job_id="j")),
    "results": lambda client: JobApi(client).results(STATE_REQUEST),
    "version": lambda client: MiscApi(client).version(),
    "id": lambda client: MiscApi(client).id(),
    "peers": lambda client: MiscApi(client).peers(),
    "livez": lambda client: HealthApi(client).livez(),
    "readyz": lambda client: HealthApi(client).readyz(),
    "healthz": lambda client: HealthApi(client).healthz(),
    "logz": lambda client: HealthApi(client).logz(),
    "varz": lambda client: HealthApi(client).varz(),
    "debug": lambda client: HealthApi(client).debug(),
}


@pytest.mark.parametrize("name", sorted(READ_ONLY_CALLS))
def test_read_only_call_is_retried_after_503(name):
    with LoopbackServer(busy_then(b"{}", 1)) as server:
        no_sleep = RetrySettings(sleep=lambda seconds: None)
        with ApiClient(Configuration(host=server.url, deadline=10.0, retries=no_sleep)) as client:
            READ_ONLY_CALLS[name](client)
    assert len(server.requests) == 2


@pytest.mark.parametrize("retries", [-1, "3", 2.5, [3]])
def test_invalid_retries_raise_value_error_when_the_configuration_is_made(retries):
    with pytest.raises(ValueError) as caught:
        Configuration(host="http://127.0.0.1:1", retries=retries)
    assert str(caught.value) == (
        "retries: expected a whole number >= 0, False, a RetrySettings or a urllib3 Retry, got %r" % (retries,))


SECONDS = "expected seconds above 0 and at most 1e+06"


@pytest.mark.parametrize("deadline", [0, -1, "10", True, float("inf"), float("nan"), 1e300, 1e10])
def test_invalid_deadline_raises_value_error_when_the_configuration_is_made(deadline):
    with pytest.raises(ValueError) as caught:
        Configuration(host="http://127.0.0.1:1", deadline=deadline)
    assert str(caught.value) == "deadline: %s, got %r" % (SECONDS, deadline)


@pytest.mark.parametrize("timeout, message", [
    (0, "timeout: %s, got 0" % SECONDS),
    (-1, "timeout: %s, got -1" % SECONDS),
    (float("inf"), "timeout: %s, got inf" % SECONDS),
    (float("nan"), "timeout: %s, got nan" % SECONDS),
    (1e300, "timeout: %s, got 1e+300" % SECONDS),
    ((1, 0), "timeout (read): %s, got 0" % SECONDS),
    ((5, 1e10), "timeout (read): %s, got 10000000000.0" % SECONDS),
    ((float("inf"), 5), "timeout (connect): %s, got inf" % SECONDS),
    ((1, 2, 3), "timeout: expected seconds or a (connect, read) pair of them, got (1, 2, 3)"),
    ("5", "timeout: expected seconds or a (connect, read) pair of them, got '5'"),
    (None, "timeout: expected seconds or a (connect, read) pair of them, got None"),
    (urllib3.Timeout(connect=1, read=float("inf")), "timeout.read: %s, got inf" % SECONDS),
])
def test_invalid_timeout_raises_value_error_when_the_configuration_is_made(timeout, message):
    with pytest.raises(ValueError) as caught:
        Configuration(host="http://127.0.0.1:1", timeout=timeout)
    assert str(caught.value) == message


def test_invalid_setting_assigned_later_raises_value_error_at_once():
    config = Configuration(host="http://127.0.0.1:1")
    with pytest.raises(ValueError, match="deadline: expected seconds"):
        config.deadline = float("inf")
    with pytest.raises(ValueError, match="timeout: expected seconds"):
        config.timeout = -5
    assert (config.deadline, config.timeout) == (None, (10.0, 300.0))


def test_invalid_per_call_timeout_raises_value_error():
    with ApiClient(Configuration(host="http://127.0.0.1:1")) as client:
        with pytest.raises(ValueError) as caught:
            JobApi(client).states(STATE_REQUEST, _request_timeout=-2)
    assert str(caught.value) == "_request_timeout: %s, got -2" % SECONDS


@pytest.mark.parametrize("timeout", [float("inf"), float("nan"), (5, 1e10), 1e300])
def test_unbounded_per_call_timeout_raises_value_error(timeout):
    with ApiClient(Configuration(host="http://127.0.0.1:1")) as client:
        with pytest.raises(ValueError, match="^_request_timeout"):
            JobApi(client).states(STATE_REQUEST, _request_timeout=timeout)


# --- RetrySettings: one immutable object behind both policies ---------------------------------------------


def test_retry_settings_are_immutable_and_replace_returns_a_changed_copy():
    settings = RetrySettings()
    with pytest.raises(AttributeError, match="immutable"):
        settings.total = 9
    changed = settings.replace(total=9, backoff_factor=0.1)
    assert (settings.total, changed.total, changed.backoff_factor) == (3, 9, 0.1)
    assert settings.replace() == settings and changed != settings


def test_retry_settings_replace_refuses_an_unknown_setting():
    with pytest.raises(TypeError, match="RetrySettings has no setting totl"):
        RetrySettings().replace(totl=1)


@pytest.mark.parametrize("changes, message", [
    ({"total": -1}, "retries: expected a whole number >= 0, got -1"),
    ({"backoff_factor": float("inf")}, "retries: backoff_factor must be seconds from 0 to 86400, got inf"),
    ({"retry_after_max": -1}, "retries: retry_after_max must be seconds from 0 to 86400, got -1"),
    ({"max_redirects": 99}, "retries: max_redirects must be a whole number from 0 to 30, got 99"),
    ({"sleep": 5}, "retries: sleep must be a function of seconds, got 5"),
    ({"base": 3}, "retries: base must be a urllib3 Retry, got 3"),
])
def test_bad_retry_settings_raise_value_error(changes, message):
    with pytest.raises(ValueError) as caught:
        RetrySettings(**changes)
    assert str(caught.value) == message


@pytest.mark.parametrize("settings", [RetrySettings(total=7), RetrySettings(base=Retry(5, allowed_methods=None,
                                                                                          status_forcelist=[503]))],
                         ids=["counts", "urllib3 Retry"])
def test_submit_policy_is_derived_without_any_unsafe_retry(settings):
    submit = settings.submit_policy()
    assert (submit.read, submit.status, submit.other, submit.redirect) == (0, 0, 0, 0)
    assert not submit.is_retry("POST", 503, has_retry_after=True)
    with pytest.raises(MaxRetryError):
        submit.increment("POST", "/submit", error=read_timeout())
    assert len(failed(submit, 2, refused()).history) == 2  # never sent: still retried


def test_a_urllib3_retry_keeps_its_own_counts_and_backoff_for_read_only_calls():
    policy = RetrySettings.of(Retry(4, allowed_methods=None, backoff_factor=0.2)).read_only_policy()
    assert (policy.total, policy.backoff_factor) == (4, 0.2)
    assert failed(without_jitter(policy), 2, read_timeout()).get_backoff_time() == 0.4
