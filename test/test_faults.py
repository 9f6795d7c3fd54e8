"""The client against servers that misbehave: each fault ends in the right result or exception
subclass, within the call's time budget, without leaking threads or sockets, and a submit
whose body may have arrived is never sent twice."""

import json
import random
import time
import tracemalloc

import pytest

from bacalhau_client import (
    ApiClient, ApiConnectionError, ApiDecodeError, ApiException, ApiTimeoutError, Configuration, JobApi,
    PublicapiStateRequest, RateLimitError, ServerError,
)
from bacalhau_client.retries import RetrySettings
from faulty_server import (
    STATE_BODY, SUBMIT_ANSWER, FaultyServer, close_at_once, fails_within, refusing_port, reply,
    reply_then_close_idle, reply_then_drop_next, response_bytes, send_raw, stall, unaccepted_port,
)

TIMEOUT = 0.3
# Allowance for a loaded machine on top of a call's timeout, deadline and backoff.
SLACK = 1.5
HTML_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
LARGE_BODY_SIZE = 50 * 1024 * 1024


# Every test must end without a thread it started or a file descriptor it opened.
pytestmark = pytest.mark.usefixtures("nothing_left_behind")


def client_for(url: str, **settings) -> ApiClient:
    """A client whose backoff waits are counted against the deadline but not slept, so tests stay fast."""
    settings.setdefault("timeout", TIMEOUT)
    retries = settings.get("retries", 3)
    if isinstance(retries, int):
        settings["retries"] = RetrySettings(total=retries, sleep=lambda seconds: None)
    return ApiClient(Configuration(host=url, **settings))


def states(client: ApiClient):
    return JobApi(client).states(PublicapiStateRequest(client_id="client-1", job_id="job-1"))


@pytest.fixture(params=["call_api", "JobApi.submit"])
def submit(request, signed_submit):
    """Send the signed request to /submit: through the transport alone, and through JobApi.submit."""
    if request.param == "call_api":
        return lambda client: client.call_api("/submit", "POST", signed_submit, "PublicapiSubmitResponse",
                                              idempotent=False)
    return lambda client: JobApi(client).submit(signed_submit)


def test_refused_connection_raises_connection_error_after_retries():
    with refusing_port() as port, client_for("http://127.0.0.1:%d" % port, deadline=1.0) as client:
        error = fails_within(1.0 + SLACK, ApiConnectionError, states, client)
    assert type(error) is ApiConnectionError
    assert "Connection refused" in str(error)
    assert str(error).startswith("POST /states: connection to 127.0.0.1:%d failed" % port)


def test_submit_is_retried_while_the_port_refuses_and_arrives_once(submit, signed_submit):
    with FaultyServer(reply(200, SUBMIT_ANSWER), listen_after=0.2) as server:
        with client_for(server.url, deadline=5.0, retries=RetrySettings()) as client:  # real waits: 0.25 s and up
            answer = submit(client)
    assert answer.job.id == "4ff3e1f9-1a45-4d0a-9d7b-ac0b8e7aa6d0"
    assert [json.loads(request.body) for request in server.requests_to("/submit")] == [signed_submit]


def test_connect_timeout_raises_timeout_error_within_the_deadline(submit):
    with unaccepted_port() as port, client_for("http://127.0.0.1:%d" % port, deadline=1.0) as client:
        error = fails_within(1.0 + SLACK, ApiTimeoutError, submit, client)
    assert "timed out" in str(error)


def test_connection_closed_at_once_is_retried_for_read_only_calls():
    with FaultyServer(close_at_once()) as server:
        with client_for(server.url, retries=2, deadline=5.0) as client:
            fails_within(5.0 + SLACK, ApiConnectionError, states, client)
    assert server.connections == 3


def test_connection_closed_at_once_is_not_retried_for_submit(submit):
    with FaultyServer(close_at_once()) as server:
        with client_for(server.url, retries=3, deadline=5.0) as client:
            fails_within(TIMEOUT + SLACK, ApiConnectionError, submit, client)
    assert server.connections == 1


def test_stall_before_status_line_raises_timeout_error_within_the_timeout():
    with FaultyServer(stall()) as server, client_for(server.url) as client:
        error = fails_within(TIMEOUT + SLACK, ApiTimeoutError, states, client)
    assert "Read timed out" in str(error)


def test_deadline_bounds_retries_of_a_stalled_server():
    # Eleven attempts of 0.3 s each would take 3.3 s; the 1 s deadline ends the call first.
    with FaultyServer(stall()) as server, client_for(server.url, retries=10, deadline=1.0) as client:
        fails_within(1.0 + SLACK / 2, ApiTimeoutError, states, client)
    assert 2 <= server.connections <= 4


def test_submit_to_a_stalled_server_is_sent_once(submit):
    with FaultyServer(stall()) as server, client_for(server.url, deadline=5.0) as client:
        fails_within(TIMEOUT + SLACK, ApiTimeoutError, submit, client)
    assert len(server.requests_to("/submit")) == 1


def test_headers_then_stall_raises_timeout_error():
    first_part = response_bytes(200, headers={"Content-Length": "100"})
    with FaultyServer(stall(first_part)) as server, client_for(server.url) as client:
        fails_within(TIMEOUT + SLACK, ApiTimeoutError, states, client)


def test_submit_answered_with_headers_then_stall_is_sent_once(submit):
    first_part = response_bytes(200, headers={"Content-Length": "100"})
    with FaultyServer(stall(first_part)) as server, client_for(server.url, deadline=5.0) as client:
        fails_within(TIMEOUT + SLACK, ApiTimeoutError, submit, client)
    assert len(server.requests_to("/submit")) == 1


def test_truncated_body_raises_connection_error_after_retries():
    truncated = response_bytes(200, STATE_BODY, {"Content-Length": "100"})
    with FaultyServer(send_raw(truncated)) as server:
        with client_for(server.url, retries=2, deadline=5.0) as client:
            error = fails_within(5.0 + SLACK, ApiConnectionError, states, client)
    assert "IncompleteRead" in str(error)
    assert server.connections == 3


def test_submit_with_truncated_answer_is_sent_once(submit):
    truncated = response_bytes(200, SUBMIT_ANSWER, {"Content-Length": "100"})
    with FaultyServer(send_raw(truncated)) as server, client_for(server.url, deadline=5.0) as client:
        fails_within(TIMEOUT + SLACK, ApiConnectionError, submit, client)
    assert len(server.requests_to("/submit")) == 1


def test_content_length_shorter_than_the_body_raises_decode_error():
    short = response_bytes(200, STATE_BODY, {"Content-Length": "5"})
    with FaultyServer(send_raw(short)) as server, client_for(server.url) as client:
        error = fails_within(TIMEOUT + SLACK, ApiDecodeError, states, client)
    assert error.body == '{"sta'
    assert str(error).startswith("HTTP 200 OK from POST /states: expected JSON for PublicapiStateResponse")


def test_html_502_page_is_retried_then_raises_server_error_with_its_title():
    with FaultyServer(reply(502, HTML_502, {"Content-Type": "text/html"})) as server:
        with client_for(server.url, retries=2, deadline=5.0) as client:
            error = fails_within(5.0 + SLACK, ServerError, states, client)
    assert str(error) == "HTTP 502 Bad Gateway from POST /states: 502 Bad Gateway"
    assert server.connections == 3


def test_submit_answered_with_html_502_is_sent_once(submit):
    with FaultyServer(reply(502, HTML_502, {"Content-Type": "text/html"})) as server:
        with client_for(server.url, deadline=5.0) as client:
            error = fails_within(TIMEOUT + SLACK, ServerError, submit, client)
    assert error.status == 502
    assert len(server.requests_to("/submit")) == 1


def test_random_bytes_instead_of_http_raise_connection_error():
    noise = random.Random(7).randbytes(4096)
    with FaultyServer(send_raw(noise)) as server, client_for(server.url, retries=1, deadline=5.0) as client:
        error = fails_within(5.0 + SLACK, ApiConnectionError, states, client)
    assert type(error) is ApiConnectionError
    assert server.connections == 2


def test_submit_answered_with_random_bytes_is_sent_once(submit):
    noise = random.Random(7).randbytes(4096)
    with FaultyServer(send_raw(noise)) as server, client_for(server.url, deadline=5.0) as client:
        fails_within(TIMEOUT + SLACK, ApiConnectionError, submit, client)
    assert len(server.requests_to("/submit")) == 1


def test_random_bytes_body_raises_decode_error():
    noise = random.Random(8).randbytes(4096)
    with FaultyServer(reply(200, noise)) as server, client_for(server.url) as client:
        error = fails_within(TIMEOUT + SLACK, ApiDecodeError, states, client)
    assert error.status == 200


def test_undecodable_gzip_body_raises_decode_error():
    noise = random.Random(9).randbytes(512)
    with FaultyServer(reply(200, noise, {"Content-Encoding": "gzip"})) as server, client_for(server.url) as client:
        error = fails_within(TIMEOUT + SLACK, ApiDecodeError, states, client)
    assert "could not decode the gzip answer from 127.0.0.1" in str(error)


def test_invalid_utf8_in_json_raises_decode_error():
    body = b'{"state":{"Nodes":{"node-\xff\xfe":{}}}}'
    with FaultyServer(reply(200, body)) as server, client_for(server.url) as client:
        error = fails_within(TIMEOUT + SLACK, ApiDecodeError, states, client)
    assert "can't decode byte 0xff" in str(error)


def test_50_mb_body_parses_without_copying_it_many_times():
    output = "x" * LARGE_BODY_SIZE
    state = {"state": {"Nodes": {"node-1": {"Shards": {"0": {"RunOutput": {"stdout": output}}}}}}}
    answer = response_bytes(200, json.dumps(state).encode())
    with FaultyServer(send_raw(answer)) as server, client_for(server.url, timeout=(0.3, 10.0)) as client:
        tracemalloc.start()
        try:
            result = states(client)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert result.state.nodes["node-1"].shards["0"].run_output.stdout == output
    # The bytes read, the text json decodes from them and the parsed string: three copies, not dozens.
    assert peak < 4 * LARGE_BODY_SIZE


def test_503_twice_then_200_succeeds_for_read_only_calls():
    busy = reply(503, b"Server Timeout!\n", {"Content-Type": "text/plain"})
    with FaultyServer(busy, busy, reply(200, STATE_BODY)) as server:
        with client_for(server.url, deadline=5.0) as client:
            result = states(client)
    assert result.state.nodes == {}
    assert server.connections == 3


def test_submit_answered_503_raises_server_error_once(submit):
    busy = reply(503, b"Server Timeout!\n", {"Content-Type": "text/plain"})
    with FaultyServer(busy, reply(200, SUBMIT_ANSWER)) as server, client_for(server.url, deadline=5.0) as client:
        error = fails_within(TIMEOUT + SLACK, ServerError, submit, client)
    assert str(error) == "HTTP 503 Service Unavailable from POST /submit: Server Timeout!"
    assert len(server.requests_to("/submit")) == 1


def test_429_with_retry_after_is_waited_for_then_succeeds():
    limited = reply(429, b"rate limited\n", {"Retry-After": "1"})
    waits = []
    with FaultyServer(limited, reply(200, STATE_BODY)) as server:
        with client_for(server.url, deadline=5.0, retries=RetrySettings(sleep=waits.append)) as client:
            states(client)
    assert waits == [1]
    assert server.connections == 2


def test_429_with_retry_after_over_the_cap_raises_rate_limit_error_at_once():
    limited = reply(429, b"rate limited\n", {"Retry-After": "120"})
    with FaultyServer(limited, reply(200, STATE_BODY)) as server, client_for(server.url, deadline=500.0) as client:
        error = fails_within(TIMEOUT + SLACK, RateLimitError, states, client)
    assert error.headers["Retry-After"] == "120"
    assert server.connections == 1


def test_retry_after_past_the_deadline_raises_at_once():
    busy = reply(503, b"Server Timeout!\n", {"Retry-After": "30"})
    with FaultyServer(busy, reply(200, STATE_BODY)) as server, client_for(server.url, deadline=2.0) as client:
        fails_within(TIMEOUT + SLACK, ServerError, states, client)
    assert server.connections == 1


def test_submit_answered_429_raises_rate_limit_error_once(submit):
    limited = reply(429, b"rate limited\n", {"Retry-After": "1"})
    with FaultyServer(limited, reply(200, SUBMIT_ANSWER)) as server, client_for(server.url, deadline=5.0) as client:
        fails_within(TIMEOUT + SLACK, RateLimitError, submit, client)
    assert len(server.requests_to("/submit")) == 1


def test_307_redirect_of_a_post_read_only_call_is_not_followed():
    moved = reply(307, headers={"Location": "/v2/states"})
    with FaultyServer(moved, reply(200, STATE_BODY)) as server, client_for(server.url) as client:
        error = fails_within(TIMEOUT + SLACK, ApiException, states, client)
    assert (type(error), error.status, error.headers["Location"]) == (ApiException, 307, "/v2/states")
    assert str(error) == ("HTTP 307 Temporary Redirect from POST /states: redirect to '/v2/states' not followed: "
                          "POST requests are never redirected")
    assert [request.path for request in server.requests] == ["/states"]


def test_307_redirect_of_submit_is_not_followed(submit):
    moved = reply(307, headers={"Location": "/v2/submit"})
    with FaultyServer(moved, reply(200, SUBMIT_ANSWER)) as server, client_for(server.url) as client:
        error = fails_within(TIMEOUT + SLACK, ApiException, submit, client)
    assert (type(error), error.status, error.headers["Location"]) == (ApiException, 307, "/v2/submit")
    assert [request.path for request in server.requests] == ["/submit"]


def test_connection_the_server_closed_while_idle_is_replaced_without_a_retry():
    with FaultyServer(reply_then_close_idle(STATE_BODY)) as server, client_for(server.url, retries=0) as client:
        states(client)
        time.sleep(0.05)  # the server's close reaches the client's pooled connection
        states(client)
    assert server.connections == 2


def test_connection_dropped_as_it_is_reused_is_retried_for_read_only_calls():
    with FaultyServer(reply_then_drop_next(STATE_BODY), reply(200, STATE_BODY)) as server:
        with client_for(server.url, deadline=5.0) as client:
            states(client)
            states(client)
    assert [request.path for request in server.requests] == ["/states"] * 3
    assert server.connections == 2
