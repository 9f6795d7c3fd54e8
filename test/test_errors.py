"""The exception hierarchy: which class each failure raises, what it carries, how it reads and
that it survives pickling."""

import json
import pickle

import pytest

import bacalhau_client
from bacalhau_client import (
    ApiClient, ApiConnectionError, ApiDecodeError, ApiException, ApiSSLError, ApiTimeoutError, BadRequestError,
    Configuration, JobApi, NotFoundError, PublicapiListRequest, PublicapiStateRequest, RateLimitError, ServerError,
    rest,
)
from bacalhau_client.exceptions import exception_for_status
from loopback import LoopbackServer

TEXT = {"Content-Type": "text/plain; charset=utf-8"}
NOT_FOUND_ENVELOPE = json.dumps({
    "Code": "error-job-not-found", "Message": "Job not found. ID: 9304c616",
    "Details": {"JobID": "9304c616"}, "Err": "Job not found. ID: 9304c616",
}) + "\n"
INVALID_JOB_ENVELOPE = json.dumps({
    "Code": "error-generic-error", "Message": "job spec invalid: Deal.Concurrency must be >= 1", "Details": None,
}) + "\n"
ALL_CLASSES = [ApiException, ApiConnectionError, ApiTimeoutError, ApiSSLError, ApiDecodeError, BadRequestError,
               NotFoundError, RateLimitError, ServerError]


@pytest.mark.parametrize("cls, parent", [
    (ApiConnectionError, ApiException), (ApiTimeoutError, ApiConnectionError), (ApiSSLError, ApiConnectionError),
    (ApiDecodeError, ApiException), (BadRequestError, ApiException), (NotFoundError, ApiException),
    (RateLimitError, ApiException), (ServerError, ApiException),
])
def test_exception_parent(cls, parent):
    assert cls.__bases__ == (parent,)


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda cls: cls.__name__)
def test_exception_is_the_same_class_in_the_package_and_in_rest(cls):
    assert getattr(bacalhau_client, cls.__name__) is cls
    assert getattr(rest, cls.__name__) is cls


def test_list_of_unknown_id_raises_not_found_from_the_400_envelope():
    error = exception_for_status(400, "Bad Request", TEXT, NOT_FOUND_ENVELOPE, "POST", "/list")
    assert type(error) is NotFoundError
    assert (error.code, error.message, error.details) == (
        "error-job-not-found", "Job not found. ID: 9304c616", {"JobID": "9304c616"})
    assert str(error) == ("HTTP 400 Bad Request from POST /list: Job not found. ID: 9304c616 "
                          "(error-job-not-found)")


def test_the_job_not_found_code_is_still_named_by_the_exceptions_module():
    from bacalhau_client import exceptions
    from bacalhau_client.exceptions import JOB_NOT_FOUND_CODE
    from bacalhau_client.models import job_state

    assert JOB_NOT_FOUND_CODE == exceptions.JOB_NOT_FOUND_CODE == job_state.JOB_NOT_FOUND_CODE == "error-job-not-found"
    with pytest.raises(AttributeError) as raised:
        exceptions.NO_SUCH_NAME  # noqa: B018
    assert str(raised.value) == "module 'bacalhau_client.exceptions' has no attribute 'NO_SUCH_NAME'"


@pytest.mark.parametrize("path", ["/states", "/events", "/local_events", "/results"])
def test_unknown_job_raises_not_found_from_the_bare_500_line(path):
    error = exception_for_status(500, "Internal Server Error", TEXT, "Job not found. ID: 9304c616\n", "POST", path)
    assert type(error) is NotFoundError
    assert (error.status, error.code, error.message) == (500, None, "Job not found. ID: 9304c616")
    assert str(error) == "HTTP 500 Internal Server Error from POST %s: Job not found. ID: 9304c616" % path


def test_invalid_job_raises_bad_request_with_the_envelope():
    error = exception_for_status(400, "Bad Request", TEXT, INVALID_JOB_ENVELOPE, "POST", "/submit")
    assert type(error) is BadRequestError
    assert str(error) == ("HTTP 400 Bad Request from POST /submit: job spec invalid: Deal.Concurrency must be >= 1 "
                          "(error-generic-error)")


def test_bare_400_line_raises_bad_request():
    error = exception_for_status(400, "Bad Request", TEXT, "unexpected EOF\n", "POST", "/states")
    assert type(error) is BadRequestError
    assert error.message == "unexpected EOF"


def test_429_raises_rate_limit_error_with_its_headers():
    error = exception_for_status(429, "Too Many Requests", {"Retry-After": "3"}, "slow down\n", "POST", "/list")
    assert type(error) is RateLimitError
    assert error.headers == {"Retry-After": "3"}


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_raises_server_error(status):
    assert type(exception_for_status(status, None, TEXT, "Server Timeout!\n", "POST", "/list")) is ServerError


def test_other_status_raises_api_exception_itself():
    error = exception_for_status(404, "Not Found", TEXT, "404 page not found\n", "GET", "/nope")
    assert type(error) is ApiException
    assert str(error) == "HTTP 404 Not Found from GET /nope: 404 page not found"


def test_html_error_page_reads_as_its_title():
    page = "<html>\n<head><title>504 Gateway Time-out</title></head>\n<body>nginx</body></html>"
    error = exception_for_status(504, "Gateway Timeout", {}, page, "POST", "/list")
    assert error.message == "504 Gateway Time-out"


def test_long_body_is_cut_to_one_short_line():
    error = exception_for_status(500, None, TEXT, "line one\nline two " + "x" * 1000, "POST", "/list")
    assert str(error) == "HTTP 500 from POST /list: line one line two " + "x" * 282 + "... (1018 characters)"
    assert error.body.endswith("x" * 1000)


def test_empty_body_leaves_the_status_alone():
    assert str(exception_for_status(502, "Bad Gateway", {}, "", "POST", "/list")) == \
        "HTTP 502 Bad Gateway from POST /list"


def test_connection_error_reads_as_call_and_cause():
    error = ApiConnectionError(message="connection to 127.0.0.1:1 failed: [Errno 111] Connection refused",
                               method="POST", path="/states")
    assert (error.status, error.body) == (None, None)
    assert str(error) == "POST /states: connection to 127.0.0.1:1 failed: [Errno 111] Connection refused"


def test_exception_built_from_a_response_like_the_generated_client():
    class Answer:
        status, reason, data = 418, "I'm a teapot", b"short and stout"

        def getheaders(self):
            return {"Content-Type": "text/plain"}

    error = ApiException(http_resp=Answer())
    assert (error.status, error.reason, error.headers, error.body) == (
        418, "I'm a teapot", {"Content-Type": "text/plain"}, "short and stout")


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda cls: cls.__name__)
def test_exception_survives_pickling(cls):
    error = cls(503, "Service Unavailable", headers={"Retry-After": "1"}, body=NOT_FOUND_ENVELOPE,
                method="POST", path="/states")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert copy.__dict__ == error.__dict__
    assert (str(copy), copy.args) == (str(error), error.args)


def test_not_found_from_a_real_answer_of_states():
    answer = (500, TEXT, b"Job not found. ID: 9304c616\n")
    with LoopbackServer(lambda request: answer) as server, ApiClient(Configuration(host=server.url)) as client:
        with pytest.raises(NotFoundError) as caught:
            JobApi(client).states(PublicapiStateRequest(client_id="client-1", job_id="9304c616"))
    assert str(caught.value) == "HTTP 500 Internal Server Error from POST /states: Job not found. ID: 9304c616"
    assert caught.value.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_not_found_from_a_real_answer_of_list():
    answer = (400, TEXT, NOT_FOUND_ENVELOPE.encode())
    with LoopbackServer(lambda request: answer) as server, ApiClient(Configuration(host=server.url)) as client:
        with pytest.raises(NotFoundError) as caught:
            JobApi(client).list(PublicapiListRequest(client_id="client-1", id="9304c616"))
    assert (caught.value.status, caught.value.code, caught.value.method, caught.value.path) == (
        400, "error-job-not-found", "POST", "/list")


def test_decode_error_from_a_real_answer_names_type_and_cause():
    with LoopbackServer(lambda request: b"[1, 2]") as server, ApiClient(Configuration(host=server.url)) as client:
        with pytest.raises(ApiDecodeError) as caught:
            JobApi(client).states(PublicapiStateRequest(client_id="client-1", job_id="job-1"))
    assert str(caught.value) == ("HTTP 200 OK from POST /states: expected a JSON object for "
                                 "PublicapiStateResponse, got array")


# --- printable: node text made safe for one terminal line ---------------------------------------------------


@pytest.mark.parametrize("text, shown", [
    ("plain text", "plain text"),
    ("line one\r\nline two\n\n\tthree", "line one line two three"),
    ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
    ("bell\x07 and nul\x00 and del\x7f", "bell\\x07 and nul\\x00 and del\\x7f"),
    ("c1 \x9b31m csi", "c1 \\x9b31m csi"),
    ("name\u202egpj.exe", "name\\u202egpj.exe"),
    ("lone \udcff surrogate", "lone \\udcff surrogate"),
    ("Estuary \u00e9\u4e2d\U0001f600", "Estuary \u00e9\u4e2d\U0001f600"),
])
def test_printable_escapes_what_a_terminal_would_act_on(text, shown):
    from bacalhau_client.exceptions import printable

    assert printable(text) == shown


def test_printable_cuts_long_text_and_says_how_long_it_was():
    from bacalhau_client.exceptions import printable

    shown = printable("x" * 5000, 100)
    assert len(shown) == 100 and shown.endswith("... (5000 characters)")


def test_printable_without_limit_only_escapes():
    from bacalhau_client.exceptions import printable

    assert printable("\x1b" * 3000, None) == "\\x1b" * 3000


def test_str_of_an_error_is_one_escaped_line_of_at_most_1000_characters():
    error = ApiException(500, "Internal\x1b[2J", body="\x1b]0;title\x07" + "word " * 2000, method="POST",
                         path="/states")
    text = str(error)
    assert len(text) <= 1000 and "\n" not in text and "\x1b" not in text and "\x07" not in text
    assert text.startswith("HTTP 500 Internal\\x1b[2J from POST /states: \\x1b]0;title\\x07word word")
    assert error.body.startswith("\x1b]0;title\x07")  # the attribute keeps what the node sent
