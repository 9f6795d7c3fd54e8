"""The local node's ``GET /websocket``, spoken to over raw sockets: handshake, frames, stored and live events."""

import base64
import json
import os
import socket
import struct
import threading
import time

import pytest
import urllib3

from bacalhau_client import Client, LocalRequesterNode
from bacalhau_client.devserver import websocket as node_websocket
from bacalhau_client.jobs import docker_job
from bacalhau_client.signing import UserKey

SLOW = 0.05  # seconds between lifecycle steps: slow enough to subscribe mid-job
WAIT = 10.0  # generous bound for anything the node does


@pytest.fixture(scope="module")
def key():
    return UserKey.generate()


@pytest.fixture
def node():
    with LocalRequesterNode(step_delay=SLOW, compute_nodes=2) as running:
        yield running


@pytest.fixture
def client(node, key):
    with Client(node.url, key) as connected:
        yield connected


def handshake(node, path="/websocket", *, method="GET", headers=None):
    """Open a TCP connection, send an upgrade request; return (socket, status line, headers, rest of the bytes)."""
    sock = socket.create_connection(("127.0.0.1", node.port), timeout=WAIT)
    request_headers = {"Host": "127.0.0.1:%d" % node.port, "Upgrade": "websocket", "Connection": "Upgrade",
                       "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
                       "Sec-WebSocket-Version": "13"}
    request_headers.update(headers or {})
    lines = ["%s %s HTTP/1.1" % (method, path)] + ["%s: %s" % item for item in request_headers.items()
                                                    if item[1] is not None]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        assert chunk, "the node closed the connection during the handshake"
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    status, *header_lines = head.decode().split("\r\n")
    answer_headers = {name.lower(): value.strip() for name, value in (line.split(":", 1) for line in header_lines)}
    return sock, status, answer_headers, rest


class FrameReader:
    """Reads the node's frames from a raw socket (the bytes already read after the handshake first)."""

    def __init__(self, sock, rest=b""):
        self.sock = sock
        self.buffer = rest

    def _exactly(self, count):
        while len(self.buffer) < count:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def frame(self):
        """(fin, opcode, masked, payload) of the next frame."""
        first, second = self._exactly(2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack("!H", self._exactly(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self._exactly(8))[0]
        assert not second & 0x80, "a server must not mask its frames"
        return bool(first & 0x80), first & 0x0F, False, self._exactly(length)

    def events(self, until_name=None, count=None):
        """Parsed events from text frames, until one named ``until_name`` or ``count`` of them."""
        events = []
        while True:
            fin, opcode, _, payload = self.frame()
            assert (fin, opcode) == (True, node_websocket.OPCODE_TEXT)
            assert payload.endswith(b"\n")
            events.append(json.loads(payload))
            if events[-1]["EventName"] == until_name or len(events) == count:
                return events


def client_frame(opcode, payload=b""):
    """A masked client frame, as RFC 6455 requires of clients."""
    mask = os.urandom(4)
    masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
    return struct.pack("!BB", 0x80 | opcode, 0x80 | len(payload)) + mask + masked


def wait_until_finished(client, job_id):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if client.get(job_id).job_state is not None and client.events(job_id)[-1].event_name == "ResultsPublished":
            return
        time.sleep(0.01)
    raise AssertionError("job %s did not finish within %s s" % (job_id, WAIT))


def test_accept_key_is_the_rfc_6455_example():
    assert node_websocket.accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_upgrade_answers_101_with_the_accept_key(node):
    key = base64.b64encode(b"0123456789abcdef").decode()
    sock, status, headers, _ = handshake(node, headers={"Sec-WebSocket-Key": key})
    with sock:
        assert status == "HTTP/1.1 101 Switching Protocols"
        assert headers["upgrade"] == "websocket" and headers["connection"] == "Upgrade"
        assert headers["sec-websocket-accept"] == node_websocket.accept_key(key)


def test_job_stream_sends_stored_events_then_live_ones_equal_to_events(node, client):
    job = client.submit(docker_job("ubuntu", ["echo", "hi"]))
    time.sleep(SLOW * 2.5)  # some events are stored, others are still to come
    sock, status, _, rest = handshake(node, "/websocket?job_id=" + job.id)
    with sock:
        assert status.startswith("HTTP/1.1 101")
        streamed = FrameReader(sock, rest).events(until_name="ResultsPublished")
    assert streamed == [event.to_wire() for event in client.events(job.id)]
    assert streamed[0]["EventName"] == "Created"


def test_job_stream_of_a_finished_job_sends_its_stored_events(node, client):
    job = client.submit(docker_job("ubuntu", ["echo", "hi"]))
    wait_until_finished(client, job.id)
    stored = [event.to_wire() for event in client.events(job.id)]
    sock, _, _, rest = handshake(node, "/websocket?job_id=" + job.id)
    with sock:
        assert FrameReader(sock, rest).events(count=len(stored)) == stored


def test_message_is_the_events_json_of_the_go_encoder(node, client):
    job = client.submit(docker_job("ubuntu", ["echo", "hi"]))
    wait_until_finished(client, job.id)
    body = urllib3.PoolManager().request("POST", node.url + "/events", body=json.dumps({"job_id": job.id})).data
    start = body.index(b"[") + 1
    end = json.JSONDecoder().raw_decode(body.decode(), start)[1]
    sock, _, _, rest = handshake(node, "/websocket?job_id=" + job.id)
    with sock:
        payload = FrameReader(sock, rest).frame()[3]
    assert payload == body[start:end] + b"\n"


def test_stream_without_job_id_sends_every_new_event_of_every_job(node, client):
    sock, _, _, rest = handshake(node)
    with sock:
        jobs = [client.submit(docker_job("ubuntu", ["echo", str(number)])) for number in range(2)]
        reader = FrameReader(sock, rest)
        streamed = []
        while sum(1 for event in streamed if event["EventName"] == "ResultsPublished") < 2:
            streamed.extend(reader.events(count=1))
    for job in jobs:
        assert [event for event in streamed if event["JobID"] == job.id] == [
            event.to_wire() for event in client.events(job.id)]


def test_stream_of_an_unknown_job_is_upgraded_then_closed(node):
    sock, status, _, rest = handshake(node, "/websocket?job_id=no-such-job")
    with sock:
        assert status.startswith("HTTP/1.1 101")
        with pytest.raises(EOFError):
            FrameReader(sock, rest).frame()


@pytest.mark.parametrize("method, headers, status, reason", [
    ("GET", {"Connection": None, "Upgrade": None}, 400,
     "websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header"),
    ("GET", {"Upgrade": "h2c"}, 400,
     "websocket: the client is not using the websocket protocol: 'websocket' token not found in 'Upgrade' header"),
    ("POST", {}, 405, "websocket: the client is not using the websocket protocol: request method is not GET"),
    ("GET", {"Sec-WebSocket-Version": "8"}, 400,
     "websocket: unsupported version: 13 not found in 'Sec-Websocket-Version' header"),
    ("GET", {"Origin": "http://elsewhere.example"}, 403,
     "websocket: request origin not allowed by Upgrader.CheckOrigin"),
    ("GET", {"Sec-WebSocket-Key": "c2hvcnQ="}, 400,
     "websocket: not a websocket handshake: 'Sec-WebSocket-Key' header must be Base64 encoded value of 16-byte "
     "in length"),
    ("GET", {"Sec-WebSocket-Key": "AAAAAAAAAAAAAAAAAAAAAA"}, 400,  # 16 bytes, but without Go's required padding
     "websocket: not a websocket handshake: 'Sec-WebSocket-Key' header must be Base64 encoded value of 16-byte "
     "in length"),
    ("GET", {"Sec-WebSocket-Key": "AAAAAAAAAAAAAAAAAAAA-A=="}, 400,  # URL-safe alphabet
     "websocket: not a websocket handshake: 'Sec-WebSocket-Key' header must be Base64 encoded value of 16-byte "
     "in length"),
])
def test_refused_upgrade_answers_as_the_go_upgrader(node, method, headers, status, reason):
    sock, status_line, answer_headers, rest = handshake(node, method=method, headers=headers)
    with sock:
        length = int(answer_headers["content-length"])
        while len(rest) < length:
            rest += sock.recv(4096)
    status_text = {400: "Bad Request", 403: "Forbidden", 405: "Method Not Allowed"}[status]
    assert status_line == "HTTP/1.1 %d %s" % (status, status_text)
    assert answer_headers["sec-websocket-version"] == "13"
    assert rest.decode() == "%s\n%s\n" % (status_text, reason)


def test_same_origin_is_allowed(node):
    sock, status, _, _ = handshake(node, headers={"Origin": "http://127.0.0.1:%d" % node.port})
    with sock:
        assert status.startswith("HTTP/1.1 101")


def test_ping_gets_a_pong_and_close_gets_a_close(node):
    sock, _, _, rest = handshake(node)
    with sock:
        reader = FrameReader(sock, rest)
        sock.sendall(client_frame(node_websocket.OPCODE_TEXT, b"ignored by the node"))
        sock.sendall(client_frame(node_websocket.OPCODE_PING, b"are you there"))
        assert reader.frame() == (True, node_websocket.OPCODE_PONG, False, b"are you there")
        sock.sendall(client_frame(node_websocket.OPCODE_CLOSE, struct.pack("!H", 1000) + b"bye"))
        assert reader.frame() == (True, node_websocket.OPCODE_CLOSE, False, struct.pack("!H", 1000))
        with pytest.raises(EOFError):
            reader.frame()


def test_node_keeps_serving_while_a_subscriber_does_not_read(node, client):
    sock, _, _, _ = handshake(node)
    with sock:
        job = client.submit(docker_job("ubuntu", ["echo", "hi"]))
        wait_until_finished(client, job.id)
        assert client.get(job.id).id == job.id


def test_a_subscriber_too_far_behind_is_dropped():
    subscriber = node_websocket.Subscriber()
    event = {"JobID": "j", "EventName": "Bid"}
    for _ in range(node_websocket.MAX_QUEUED_MESSAGES + 1):
        subscriber.offer(event)
    assert subscriber.closed


def test_stop_closes_open_websockets_promptly(key):
    node = LocalRequesterNode().start()
    sockets = [handshake(node)[0] for _ in range(3)]
    started = time.monotonic()
    node.stop()
    assert time.monotonic() - started < WAIT
    for sock in sockets:
        sock.settimeout(WAIT)
        assert sock.recv(10) == b""
        sock.close()


def test_a_client_that_disappears_is_unsubscribed(node, client):
    sock, _, _, _ = handshake(node)
    sock.close()
    deadline = time.monotonic() + WAIT
    while node.store._listeners.get("") and time.monotonic() < deadline:
        time.sleep(0.01)
        client.submit(docker_job("ubuntu", ["echo", "hi"]))  # an event to write finds the socket gone
    assert not node.store._listeners.get("")


def test_request_counts_count_every_path_including_refusals(node, client):
    before = node.request_counts
    job = client.submit(docker_job("ubuntu", ["echo", "hi"]))
    client.states(job.id)
    client.states(job.id)
    client.misc.version({})
    sock, _, _, _ = handshake(node)
    sock.close()
    assert urllib3.PoolManager().request("GET", node.url + "/nope").status == 404
    counted = node.request_counts - before
    assert counted == {"/submit": 1, "/states": 2, "/version": 1, "/websocket": 1, "/nope": 1}


def test_request_counts_are_a_copy(node):
    counts = node.request_counts
    counts["/list"] += 100
    assert node.request_counts["/list"] == 0


def test_concurrent_subscribers_each_get_every_event(node, client):
    job = client.submit(docker_job("ubuntu", ["echo", "hi"]))
    results = []

    def subscribe():
        sock, _, _, rest = handshake(node, "/websocket?job_id=" + job.id)
        with sock:
            results.append(FrameReader(sock, rest).events(until_name="ResultsPublished"))

    threads = [threading.Thread(target=subscribe) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    expected = [event.to_wire() for event in client.events(job.id)]
    assert results == [expected] * 4


def test_a_taken_over_socket_is_served_with_the_bytes_that_came_with_the_request(node):
    server_side, client_side = socket.socketpair()
    key = base64.b64encode(b"0123456789abcdef").decode()
    early_ping = client_frame(node_websocket.OPCODE_PING, b"early")
    serving = threading.Thread(target=node_websocket.serve_upgraded, args=(
        node, server_side, node_websocket.socket_reader(server_side, early_ping), key, "job_id="))
    serving.start()
    with client_side:
        client_side.settimeout(WAIT)
        head = b""
        while b"\r\n\r\n" not in head:
            head += client_side.recv(1)
        assert head == (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        b"Sec-WebSocket-Accept: " + node_websocket.accept_key(key).encode() + b"\r\n\r\n")
        assert FrameReader(client_side).frame() == (True, node_websocket.OPCODE_PONG, False, b"early")
    serving.join(WAIT)
    assert not serving.is_alive()
    server_side.close()
