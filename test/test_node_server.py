"""The local node as a server you could leave running: bursts, hostile clients, Go's answers, a quiet stop.

Every test talks to a real node on loopback: through the SDK for normal
clients, through raw sockets for hostile ones.
"""

import json
import os
import socket
import threading
import time

import pytest
import urllib3

from bacalhau_client import ApiClient, Client, Configuration, JobApi, PublicapiListRequest
from bacalhau_client.devserver import LocalRequesterNode
from bacalhau_client.devserver.endpoints import Answer
from bacalhau_client.devserver.http_handler import ROUTES, Route
from bacalhau_client.jobs import docker_job
from bacalhau_client.signing import UserKey, sign_submit_request
from leaks import left_behind, snapshot

SLOW = 30.0  # a step delay no job reaches during a test: the node's work is only HTTP
GO_400 = (b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
          b"400 Bad Request")


@pytest.fixture(scope="module")
def keys():
    return [UserKey.generate() for _ in range(4)]


@pytest.fixture
def node():
    with LocalRequesterNode(step_delay=SLOW) as running:
        yield running


def connect(node, timeout=10.0):
    return socket.create_connection(("127.0.0.1", node.port), timeout=timeout)


class Response:
    """One HTTP answer read from a raw socket."""

    def __init__(self, status, headers, body, raw):
        self.status, self.headers, self.body, self.raw = status, headers, body, raw

    def json(self):
        return json.loads(self.body)


def read_response(sock, head_only=False):
    """The next answer on ``sock``: by its Content-Length, else until the server closes."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError("connection closed before a whole head: %r" % data)
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if head_only:
        return Response(status, headers, rest, data)
    if "content-length" in headers:
        length = int(headers["content-length"])
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise AssertionError("connection closed %d bytes into a %d-byte body" % (len(rest), length))
            rest += chunk
        return Response(status, headers, rest[:length], head + b"\r\n\r\n" + rest[:length])
    return Response(status, headers, rest + read_to_close(sock), None)


def read_to_close(sock, limit=5.0):
    """Everything until the server closes (fails if it does not within ``limit`` seconds)."""
    sock.settimeout(limit)
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def raw_exchange(node, data):
    """Send ``data`` on a new connection; the first answer, and whatever follows until the close."""
    with connect(node) as sock:
        sock.sendall(data)
        response = read_response(sock)
        return response, read_to_close(sock)


def request_bytes(method, path, body=b"", headers=None):
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1"]
    lines += ["%s: %s" % item for item in (headers or {"Content-Length": str(len(body))}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def signed_body(key, job=None):
    request = sign_submit_request(job or docker_job("ubuntu", ["echo", "hello"]), key)
    return json.dumps(ApiClient().sanitize_for_serialization(request)).encode()


def thread_cpu_seconds(native_ids):
    """CPU time (user + system) the given threads of this process have used, from /proc."""
    total = 0
    for native_id in native_ids:
        try:
            with open("/proc/self/task/%d/stat" % native_id) as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue  # a thread that has ended
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


needs_proc = pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="per-thread CPU time needs /proc")


# --- bursts --------------------------------------------------------------------------------------

def test_two_hundred_simultaneous_submits_all_succeed(keys):
    bodies = [signed_body(keys[index % len(keys)]) for index in range(200)]
    with LocalRequesterNode(step_delay=SLOW) as node:
        start = threading.Barrier(len(bodies))
        outcomes = [None] * len(bodies)

        def submit(index):
            api = JobApi(ApiClient(Configuration(host=node.url, retries=0, timeout=(30, 60))))
            try:
                start.wait(30)
                outcomes[index] = api.api_client.call_api("/submit", "POST", bodies[index],
                                                          "PublicapiSubmitResponse").job.id
            except Exception as error:  # every failure is reported below, with its kind
                outcomes[index] = error
            finally:
                api.api_client.close()

        threads = [threading.Thread(target=submit, args=(index,)) for index in range(len(bodies))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        failures = [outcome for outcome in outcomes if not isinstance(outcome, str)]
        assert failures == []
        assert len(set(outcomes)) == 200 and len(node.jobs()) == 200


# --- hostile clients -----------------------------------------------------------------------------

def serve_normally(node, key, calls=5):
    """A normal SDK client submits a job and reads it back ``calls`` times; the slowest call's seconds."""
    slowest = 0.0
    with Client(configuration=Configuration(host=node.url, retries=0, timeout=(10, 10)), key=key) as client:
        for _ in range(calls):
            started = time.monotonic()
            job = client.submit(docker_job("ubuntu", ["echo", "hi"]))
            assert client.get(job.id).id == job.id
            slowest = max(slowest, time.monotonic() - started)
    return slowest


@needs_proc
def test_slowloris_neither_stops_normal_clients_nor_spins_a_core(keys):
    attackers = 300
    with LocalRequesterNode(step_delay=SLOW, header_timeout=0.5, max_handler_threads=8) as node:
        stop = threading.Event()
        dropped = [0]

        def drip():
            socks = [connect(node) for _ in range(attackers)]
            head = request_bytes("POST", "/list", b"{}")
            sent = 0
            while not stop.is_set():
                byte = head[sent % len(head):sent % len(head) + 1]
                for index, sock in enumerate(socks):
                    try:
                        sock.send(byte)
                    except OSError:  # the server timed this one out: a real attacker reconnects
                        dropped[0] += 1
                        sock.close()
                        socks[index] = connect(node)
                sent += 1
                stop.wait(0.05)
            for sock in socks:
                sock.close()

        attacker = threading.Thread(target=drip)
        attacker.start()
        try:
            time.sleep(0.5)
            threads = node.server_thread_ids()
            cpu_before, wall_before = thread_cpu_seconds(threads), time.monotonic()
            slowest = serve_normally(node, keys[0])
            time.sleep(max(0.0, 1.5 - (time.monotonic() - wall_before)))  # past the header timeout
            threads = node.server_thread_ids()
            cpu = thread_cpu_seconds(threads) - cpu_before
            wall = time.monotonic() - wall_before
        finally:
            stop.set()
            attacker.join(30)
        assert slowest < 5.0
        assert dropped[0] >= attackers  # the header timeout closed the slow connections
        assert cpu < 0.5 * wall, "the node used %.2f s of CPU in %.2f s" % (cpu, wall)
        assert len(threads) <= 1 + 8


@needs_proc
def test_a_thousand_idle_connections_hold_no_thread_and_no_core(keys):
    with LocalRequesterNode(step_delay=SLOW, max_handler_threads=4) as node:
        idle = [connect(node) for _ in range(1000)]
        kept_alive = []
        try:
            for _ in range(50):  # idle after one answered request, the way pooled clients wait
                sock = connect(node)
                sock.sendall(request_bytes("GET", "/livez"))
                assert read_response(sock).body == b"OK"
                kept_alive.append(sock)
            threads = node.server_thread_ids()
            cpu_before, wall_before = thread_cpu_seconds(threads), time.monotonic()
            time.sleep(0.5)
            slowest = serve_normally(node, keys[1])
            cpu = thread_cpu_seconds(node.server_thread_ids()) - cpu_before
            wall = time.monotonic() - wall_before
            assert slowest < 5.0
            assert cpu < 0.5 * wall, "the node used %.2f s of CPU in %.2f s" % (cpu, wall)
            assert len(node.server_thread_ids()) <= 1 + 4
        finally:
            for sock in idle + kept_alive:
                sock.close()


def test_at_max_connections_a_new_client_replaces_the_oldest_waiting_one():
    with LocalRequesterNode(step_delay=SLOW, max_connections=10) as node:
        idle = [connect(node) for _ in range(10)]
        time.sleep(0.2)
        try:
            response, _ = raw_exchange(node, request_bytes("GET", "/livez", headers={"Connection": "close"}))
            assert response.body == b"OK"
            assert read_to_close(idle[0]) == b""  # the oldest was closed to make room
        finally:
            for sock in idle:
                sock.close()


def test_timeouts_close_slow_and_idle_connections_and_answer_a_stalled_body():
    with LocalRequesterNode(step_delay=SLOW, header_timeout=0.3, idle_timeout=0.3, read_timeout=0.6) as node:
        with connect(node) as slow:
            slow.sendall(b"POST /list HTTP/1.1\r\nHost: x\r\n")
            started = time.monotonic()
            assert read_to_close(slow) == b""  # Go closes without an answer
            assert time.monotonic() - started < 5.0
        with connect(node) as idle:
            idle.sendall(request_bytes("GET", "/livez"))
            assert read_response(idle).body == b"OK"
            assert read_to_close(idle) == b""
        with connect(node) as stalled:
            stalled.sendall(request_bytes("POST", "/list", headers={"Content-Length": "10"}) + b"{")
            response = read_response(stalled)
            assert response.status == 400 and response.headers["connection"] == "close"
            assert response.body.startswith(b"read tcp 127.0.0.1:") and response.body.endswith(b": i/o timeout\n")


# --- Go's answers to odd requests ----------------------------------------------------------------

@pytest.mark.parametrize("length", ["abc", "-1", "+5", "1 2", "99999999999999999999", "0x10"])
def test_content_length_that_is_not_a_number_is_go_s_400(node, length, capfd):
    with connect(node) as sock:
        sock.sendall(request_bytes("POST", "/list", b"{}", {"Content-Length": length}))
        assert read_to_close(sock) == GO_400
    assert capfd.readouterr().err == ""


def test_disagreeing_content_lengths_are_go_s_400(node):
    data = b"POST /list HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"
    with connect(node) as sock:
        sock.sendall(data)
        assert read_to_close(sock) == GO_400


@pytest.mark.parametrize("path, expected", [
    ("/list", b"http: request body too large\n"),
    ("/submit", b'{"Code":"error-unknown-server-error","Message":"http: request body too large",'
                b'"Details":{},"Err":"http: request body too large"}\n'),
])
def test_a_huge_content_length_is_answered_at_once_with_go_s_too_large(node, path, expected, capfd):
    with connect(node) as sock:
        sock.sendall(request_bytes("POST", path, b"{}", {"Content-Length": str(10 ** 12)}))
        response = read_response(sock)
        assert (response.status, response.body) == (400, expected)
        assert response.headers["connection"] == "close" and response.headers["x-content-type-options"] == "nosniff"
        sock.sendall(b" " * 100000)  # the client keeps sending: the answer it already has is not lost
        assert read_to_close(sock) == b""
    assert capfd.readouterr().err == ""


def test_a_body_over_the_limit_to_a_route_that_ignores_bodies_is_answered_then_closed(node):
    response, after = raw_exchange(node, request_bytes("GET", "/livez", b"", {"Content-Length": str(10 ** 12)}))
    assert (response.status, response.body, response.headers["connection"]) == (200, b"OK", "close")
    assert after == b""


def chunked(body, size=7):
    pieces = [body[offset:offset + size] for offset in range(0, len(body), size)]
    return b"".join(b"%x;ext=1\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\nTrailer: x\r\n\r\n"


def test_a_chunked_signed_submit_is_accepted(node, keys):
    body = chunked(signed_body(keys[0]))
    with connect(node) as sock:
        sock.sendall(request_bytes("POST", "/submit", body, {"Transfer-Encoding": "chunked"}))
        response = read_response(sock)
        assert response.status == 200, response.body
        job_id = response.json()["job"]["ID"]
        sock.sendall(request_bytes("POST", "/list", chunked(json.dumps({"id": job_id, "max_jobs": 1}).encode(), 3),
                                   {"Transfer-Encoding": "chunked"}))  # the connection is kept
        assert read_response(sock).json()["jobs"][0]["ID"] == job_id
    assert [job.id for job in node.jobs()] == [job_id]


@pytest.mark.parametrize("body, message", [
    (b"zz\r\n{}\r\n0\r\n\r\n", b"invalid byte in chunk length\n"),
    (b"2\r\n{}XX0\r\n\r\n", b"malformed chunked encoding\n"),
    (b"11111111111111111\r\n", b"http chunk length too large\n"),
    (b"ffffff\r\n", b"http: request body too large\n"),
])
def test_bad_chunked_bodies_get_the_go_reader_s_error(node, body, message, capfd):
    response, after = raw_exchange(node, request_bytes("POST", "/list", body, {"Transfer-Encoding": "chunked"}))
    assert (response.status, response.body, response.headers["connection"]) == (400, message, "close")
    assert after == b""
    assert capfd.readouterr().err == ""


def test_a_transfer_coding_other_than_chunked_is_go_s_501(node):
    with connect(node) as sock:
        sock.sendall(request_bytes("POST", "/list", b"{}", {"Transfer-Encoding": "gzip"}))
        assert read_to_close(sock) == (b"HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                       b"Connection: close\r\n\r\nUnsupported transfer encoding")


@pytest.mark.parametrize("data, expected", [
    (b"GET /livez HTTP/1.1\r\n\r\n", b"400 Bad Request: missing required Host header"),
    (b"GET /livez HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", b"400 Bad Request: too many Host headers"),
    (b"GET /livez HTTP/2.0\r\nHost: a\r\n\r\n", b"505 HTTP Version Not Supported: unsupported protocol version"),
    (b"GE(T /livez HTTP/1.1\r\nHost: a\r\n\r\n", b"400 Bad Request"),
    (b"GET /livez\r\nHost: a\r\n\r\n", b"400 Bad Request"),
    (b"GET /livez HTTP/1.1\r\nHost: a\r\nBad Name: 1\r\n\r\n", b"400 Bad Request"),
    (b"GET /livez HTTP/1.1\r\nHost: a\r\nno colon\r\n\r\n", b"400 Bad Request"),
    (b"GET livez HTTP/1.1\r\nHost: a\r\n\r\n", b"400 Bad Request"),
])
def test_malformed_heads_get_go_s_early_answer(node, data, expected):
    with connect(node) as sock:
        sock.sendall(data)
        answer = read_to_close(sock)
    status_line, _, body = answer.partition(b"\r\n\r\n")
    assert status_line.startswith(b"HTTP/1.1 " + expected + b"\r\n") and body == expected


def test_a_head_over_the_header_limit_is_go_s_431():
    with LocalRequesterNode(step_delay=SLOW, max_header_bytes=1024) as node:
        with connect(node) as sock:
            sock.sendall(b"GET /livez HTTP/1.1\r\nHost: a\r\nX-Big: " + b"a" * 8000)
            answer = read_to_close(sock)
    assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    assert answer.endswith(b"\r\n\r\n431 Request Header Fields Too Large")


def test_head_answers_the_headers_alone_with_the_length_a_get_would_have(node):
    with connect(node) as sock:
        sock.sendall(request_bytes("HEAD", "/livez") + request_bytes("HEAD", "/list") + request_bytes("GET", "/readyz"))
        data = b""
        while not data.endswith(b"READY"):
            data += sock.recv(65536)
    livez, listed, readyz_head, readyz = data.split(b"\r\n\r\n")  # two heads alone, then a whole answer
    assert livez.startswith(b"HTTP/1.1 200 OK\r\n") and livez.endswith(b"\r\nContent-Length: 2")
    assert listed.startswith(b"HTTP/1.1 400 Bad Request\r\n") and listed.endswith(b"\r\nContent-Length: 4")
    assert readyz_head.startswith(b"HTTP/1.1 200 OK\r\n") and readyz == b"READY"


def test_an_unknown_method_reaches_the_handler_as_in_go_s_mux(node):
    response, _ = raw_exchange(node, request_bytes("BREW", "/livez", headers={"Connection": "close"}))
    assert (response.status, response.body) == (200, b"OK")
    response, _ = raw_exchange(node, request_bytes("CONNECT", "example.com:443", headers={"Connection": "close"}))
    assert (response.status, response.body) == (404, b"404 page not found\n")  # an authority is no path
    response, _ = raw_exchange(node, request_bytes("DELETE", "/list", b"{}", {"Content-Length": "2",
                                                                              "Connection": "close"}))
    assert (response.status, response.json()) == (200, {"jobs": []})


@pytest.mark.parametrize("method, path, location, body", [
    ("GET", "//list", "/list", b'<a href="/list">Moved Permanently</a>.\n\n'),
    ("POST", "/a/../submit?x=1&y", "/submit?x=1&y", b""),
    ("GET", "/./livez/", "/livez/", b'<a href="/livez/">Moved Permanently</a>.\n\n'),
])
def test_unclean_paths_are_redirected_as_go_s_mux_does(node, method, path, location, body):
    response, _ = raw_exchange(node, request_bytes(method, path, headers={"Connection": "close"}))
    assert (response.status, response.headers["location"], response.body) == (301, location, body)
    assert ("content-type" in response.headers) == (method == "GET")


def test_a_subtree_root_without_its_slash_is_redirected_to_it(node, monkeypatch):
    monkeypatch.setitem(ROUTES, "/tree/", Route(lambda exchange: exchange.send(Answer(200, "text/plain", b"leaf"))))
    response, _ = raw_exchange(node, request_bytes("GET", "/tree?q=1", headers={"Connection": "close"}))
    assert (response.status, response.headers["location"]) == (301, "/tree/?q=1")
    response, _ = raw_exchange(node, request_bytes("GET", "/tree/a/b", headers={"Connection": "close"}))
    assert (response.status, response.body) == (200, b"leaf")


def test_deep_nesting_is_answered_never_dropped(node, capfd):
    for body in (b"[" * 100000, b'{"id":' * 100000):
        with connect(node) as sock:
            sock.sendall(request_bytes("POST", "/list", body))
            response = read_response(sock)
        assert response.status in (400, 500) and response.body.endswith(b"\n")
    assert raw_exchange(node, request_bytes("GET", "/livez", headers={"Connection": "close"}))[0].body == b"OK"
    assert capfd.readouterr().err == ""


def test_pipelined_requests_are_answered_in_order(node):
    with connect(node) as sock:
        sock.sendall(request_bytes("GET", "/livez") + request_bytes("POST", "/list", b'{"return_all":true}')
                     + b"\r\n" + request_bytes("GET", "/readyz"))
        data = b""
        while not data.endswith(b"READY"):
            data += sock.recv(65536)
    bodies = [part.split(b"HTTP/1.1")[0] for part in data.split(b"\r\n\r\n")[1:]]
    assert bodies == [b"OK", b'{"jobs":[]}\n', b"READY"]


def test_http_1_0_clients_are_closed_unless_they_ask_to_keep_alive(node):
    response, after = raw_exchange(node, b"GET /livez HTTP/1.0\r\n\r\n")
    assert response.body == b"OK" and after == b"" and "connection" not in response.headers
    with connect(node) as sock:
        sock.sendall(b"GET /livez HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        assert read_response(sock).headers["connection"] == "keep-alive"
        sock.sendall(b"GET /readyz HTTP/1.0\r\n\r\n")
        assert read_response(sock).body == b"READY"


def test_expect_100_continue_is_answered_before_the_body(node):
    with connect(node) as sock:
        sock.sendall(request_bytes("POST", "/list", headers={"Content-Length": "2", "Expect": "100-continue"}))
        assert read_response(sock, head_only=True).status == 100
        sock.sendall(b"{}")
        assert read_response(sock).body == b'{"jobs":[]}\n'


def test_local_events_before_any_local_event_are_an_empty_list_as_go_answers(node, keys):
    api = JobApi(ApiClient(Configuration(host=node.url, retries=0)))
    try:
        job = api.submit(sign_submit_request(docker_job("ubuntu", ["true"]), keys[0])).job
    finally:
        api.api_client.close()
    body = json.dumps({"client_id": keys[0].client_id, "job_id": job.id}).encode()
    response, _ = raw_exchange(node, request_bytes("POST", "/local_events", body,
                                                   {"Content-Length": str(len(body)), "Connection": "close"}))
    assert (response.status, response.body) == (200, b'{"localEvents":[]}\n')


# --- stopping ------------------------------------------------------------------------------------

def test_stop_is_quiet_and_prompt_with_idle_slow_and_half_sent_connections(keys, capfd):
    before = snapshot()
    node = LocalRequesterNode(step_delay=SLOW).start()
    api = JobApi(ApiClient(Configuration(host=node.url, retries=0)))
    api.submit(sign_submit_request(docker_job("ubuntu", ["true"]), keys[0]))
    socks = [connect(node) for _ in range(20)]
    socks[1].sendall(b"POST /list HTTP/1.1\r\nHost: x\r\n")
    socks[2].sendall(request_bytes("POST", "/submit", headers={"Content-Length": "1000"}) + b"{")
    socks[3].sendall(request_bytes("GET", "/livez"))
    assert read_response(socks[3]).body == b"OK"
    started = time.monotonic()
    node.stop()
    took = time.monotonic() - started
    api.api_client.close()
    try:
        assert took < 3.0
        assert all(read_to_close(sock) == b"" for sock in socks)
    finally:
        for sock in socks:
            sock.close()
    assert capfd.readouterr().err == ""
    assert left_behind(before) == ([], [])
    node.stop()  # twice is fine


# --- the route hook: streamed answers, taken-over connections -------------------------------------

def test_a_route_can_stream_its_answer(node, monkeypatch):
    def numbers(exchange):
        exchange.stream(200, {"Content-Type": "text/plain"}, (b"%d\n" % number for number in range(1000)))

    monkeypatch.setitem(ROUTES, "/numbers/", Route(numbers))
    with urllib3.PoolManager() as pool:
        response = pool.request("GET", node.url + "/numbers/any", retries=False)
        assert response.headers["Transfer-Encoding"] == "chunked"
        assert response.data == b"".join(b"%d\n" % number for number in range(1000))
        head = pool.request("HEAD", node.url + "/numbers/", retries=False)
        assert head.status == 200 and head.data == b""


def test_a_route_can_take_the_connection_over_and_no_timeout_applies():
    released = []

    def upgrade(exchange):
        sock, leftover = exchange.take_over()
        sock.sendall(b"HTTP/1.1 101 Switching Protocols\r\n\r\n")

        def echo():
            data = leftover
            while not data.endswith(b"\n"):
                data += sock.recv(100)
            sock.sendall(data.upper())
            released.append(sock)

        threading.Thread(target=echo).start()

    with LocalRequesterNode(step_delay=SLOW, idle_timeout=0.2, read_timeout=0.2, header_timeout=0.2) as node:
        ROUTES["/upgrade"] = Route(upgrade)
        try:
            with connect(node) as sock:
                sock.sendall(request_bytes("GET", "/upgrade") + b"early ")
                assert read_response(sock, head_only=True).status == 101
                time.sleep(0.8)  # longer than every timeout of the server
                sock.sendall(b"late\n")
                assert sock.recv(100) == b"EARLY LATE\n"
        finally:
            del ROUTES["/upgrade"]
    assert released and released[0].fileno() >= 0  # the route owns it; stopping only shut it down
    released[0].close()


def test_a_client_that_never_reads_holds_a_handler_thread_only_for_the_write_timeout(monkeypatch):
    def flood(exchange):
        exchange.stream(200, {"Content-Type": "application/octet-stream"}, (b"x" * 65536 for _ in range(4096)))

    monkeypatch.setitem(ROUTES, "/flood", Route(flood))
    with LocalRequesterNode(step_delay=SLOW, max_handler_threads=1, write_timeout=0.3) as node:
        with connect(node) as stuck:
            stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            stuck.sendall(request_bytes("GET", "/flood"))
            time.sleep(0.2)  # the only handler thread is now blocked writing to a client that does not read
            started = time.monotonic()
            response, _ = raw_exchange(node, request_bytes("GET", "/livez", headers={"Connection": "close"}))
            assert response.body == b"OK" and time.monotonic() - started < 5.0
        assert "/flood" in node.store.log_text()


def test_a_route_that_fails_still_answers_500_and_the_node_keeps_serving(node, monkeypatch):
    def broken(exchange):
        raise KeyError("boom")

    monkeypatch.setitem(ROUTES, "/broken", Route(broken))
    response, _ = raw_exchange(node, request_bytes("GET", "/broken", headers={"Connection": "close"}))
    assert (response.status, response.body) == (500, b"KeyError: 'boom'\n")
    assert raw_exchange(node, request_bytes("GET", "/livez", headers={"Connection": "close"}))[0].body == b"OK"


# --- settings ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, value", [
    ("listen_backlog", 0), ("max_connections", "many"), ("max_handler_threads", 0), ("max_header_bytes", 10),
    ("header_timeout", 0), ("read_timeout", -1), ("idle_timeout", float("nan")), ("write_timeout", True),
])
def test_bad_server_settings_are_refused_by_name(name, value):
    with pytest.raises(ValueError, match="^%s: must be" % name):
        LocalRequesterNode(**{name: value})


def test_the_list_endpoint_still_serves_sdk_clients_after_the_attacks(node, keys):
    api = JobApi(ApiClient(Configuration(host=node.url, retries=0)))
    try:
        for _ in range(3):
            raw_exchange(node, request_bytes("POST", "/list", b"{", {"Content-Length": "abc"}))
        assert api.list(PublicapiListRequest(return_all=True)).jobs == []
    finally:
        api.api_client.close()


# --- anything a client sends ---------------------------------------------------------------------

PIECES = [b"GET ", b"POST ", b"HEAD ", b"/list", b"/livez", b"/submit", b"*", b" HTTP/1.1", b" HTTP/1.0", b"\r\n",
          b"\n", b"Host: a", b"Content-Length: ", b"Transfer-Encoding: chunked", b"Expect: 100-continue",
          b"Connection: close", b"0", b"5", b"-1", b"ff", b"{}", b'{"id":"x"}', b"[", b":", b" ", b";", b"\x00"]


def test_whatever_a_client_sends_is_answered_or_closed_and_never_breaks_the_node():
    from hypothesis import HealthCheck, given, settings, strategies as st

    with LocalRequesterNode(step_delay=SLOW) as node:
        @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
        @given(st.lists(st.sampled_from(PIECES) | st.binary(max_size=8), max_size=30))
        def send(pieces):
            with connect(node) as sock:
                sock.sendall(b"".join(pieces))
                sock.shutdown(socket.SHUT_WR)
                answer = read_to_close(sock)
            assert answer == b"" or answer.startswith(b"HTTP/1.1 ")

        send()
        assert raw_exchange(node, request_bytes("GET", "/livez", headers={"Connection": "close"}))[0].body == b"OK"
        log = node.store.log_text()
        assert "connection 127.0.0.1" not in log and "server loop" not in log and " failed: " not in log, log
