"""The local node's gateway sends CARs straight from its block store's pack file: exact bytes, bounded writes.

Each CAR is compared byte for byte with what :class:`CarWriter` writes for the
same DAG (and, for the kubo trees, with the fixture CAR a kubo gateway sends);
hostile clients are raw sockets that stop reading.
"""

import io
import os
import socket
import time

import pytest
import urllib3

from bacalhau_client.devserver import LocalRequesterNode
from bacalhau_client.devserver.http_handler import ROUTES, Route
from bacalhau_client.devserver.publisher import BlockStore, FileSpan
from bacalhau_client.ipfs import CID, CarWriter, unixfs_add
from bacalhau_client.ipfs.dagpb import decode_node
from bacalhau_client.ipfs.multiformats import DAG_PB, IDENTITY, encode_varint
from leaks import left_behind, snapshot
from unixfs_trees import KUBO_TREES, build_tree, car_blocks, car_bytes, description

SLOW = 30.0  # a step delay no job reaches during a test: the node's work is only HTTP
MIB = 1 << 20


@pytest.fixture
def node():
    with LocalRequesterNode(step_delay=SLOW) as running:
        yield running


def get_car(node, cid, method="GET"):
    return urllib3.PoolManager().request(method, "%s/ipfs/%s?format=car" % (node.gateway_url, cid), retries=False)


def written_car(root: CID, blocks) -> bytes:
    """What CarWriter writes for ``root``: blocks in depth-first order, each once."""
    out = io.BytesIO()
    writer = CarWriter(out, [root])
    for cid, block in blocks:
        writer.add(cid, block)
    return out.getvalue()


def dfs_blocks(root: CID, blocks: dict):
    """(cid, block) of the DAG under ``root`` from a dict of blocks, depth-first, each once."""
    seen, stack, order = set(), [root], []
    while stack:
        cid = stack.pop()
        if cid.binary in seen:
            continue
        seen.add(cid.binary)
        order.append((cid, blocks[cid.binary]))
        if cid.codec == DAG_PB:
            links, _ = decode_node(blocks[cid.binary])
            stack.extend(CID.from_bytes(link.cid) for link in reversed(links))
    return order


def publish_collecting(node, folder):
    """Publish ``folder`` on the node; its root CID and every block of it (binary CID -> bytes)."""
    blocks = {}
    unixfs_add(folder, lambda cid, block: blocks.__setitem__(cid.binary, bytes(block)))
    return CID.parse(node.blocks.publish(folder)), blocks


@pytest.mark.parametrize("name", KUBO_TREES)
def test_a_served_car_is_byte_identical_to_the_car_writers_and_kubos(node, tmp_path, name):
    root = CID.parse(node.blocks.publish(build_tree(name, tmp_path / name)))
    assert str(root) == description(name)["root_cid"]
    response = get_car(node, root)
    assert response.status == 200
    assert response.data == written_car(root, car_blocks(car_bytes(name))) == car_bytes(name)
    assert response.headers["Content-Length"] == str(len(response.data))


def test_blocks_shared_with_earlier_dags_are_served_from_where_they_were_first_stored(node, tmp_path):
    shared = os.urandom(3 * 262144 + 5)
    first = tmp_path / "first"
    first.mkdir()
    (first / "a.bin").write_bytes(shared)
    publish_collecting(node, first)
    second = tmp_path / "second"
    (second / "inner").mkdir(parents=True)
    (second / "inner" / "again.bin").write_bytes(shared)  # every leaf already stored, far back in the pack
    (second / "new.bin").write_bytes(os.urandom(600000))
    (second / "same.bin").write_bytes(shared)  # a duplicate subtree: sent once
    root, blocks = publish_collecting(node, second)
    expected = written_car(root, dfs_blocks(root, blocks))
    response = get_car(node, root)
    assert response.data == expected
    head = get_car(node, root, "HEAD")
    assert (head.status, head.data, head.headers["Content-Length"]) == (200, b"", str(len(expected)))


def test_the_identity_probe_cid_is_written_as_the_car_writer_would(node):
    probe = CID.parse("bafkqaaa")
    assert get_car(node, probe).data == written_car(probe, [(probe, b"")])


def test_an_identity_cid_whose_inline_dag_pb_block_does_not_decode_is_a_clear_400(node):
    digest = b"\xff\xff\xff"
    bad = CID.from_bytes(b"\x01" + encode_varint(DAG_PB) + encode_varint(IDENTITY) + encode_varint(len(digest)) + digest)
    response = get_car(node, bad)
    assert response.status == 400
    assert response.data.decode() == "the DAG under %s does not decode as dag-pb: %s\n" % (
        bad, "data ends inside a varint at offset 0")


def test_a_client_that_stops_reading_mid_car_is_dropped_after_the_write_timeout(tmp_path, capfd):
    before = snapshot()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "big.bin").write_bytes(os.urandom(32 * MIB))  # far more than the socket buffers hold
    with LocalRequesterNode(step_delay=SLOW, max_handler_threads=1, write_timeout=0.3) as node:
        cid = node.blocks.publish(tmp_path / "data")
        with socket.create_connection(("127.0.0.1", node.port), timeout=10.0) as stuck:
            stuck.sendall(b"GET /ipfs/%s?format=car HTTP/1.1\r\nHost: x\r\n\r\n" % cid.encode())
            head = stuck.recv(4096)
            assert head.startswith(b"HTTP/1.1 200 OK\r\n")
            time.sleep(1.0)  # stop reading, well past the write timeout
            started = time.monotonic()
            with socket.create_connection(("127.0.0.1", node.port), timeout=10.0) as other:
                other.sendall(b"GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                answer = b""
                while not answer.endswith(b"OK"):
                    chunk = other.recv(4096)
                    assert chunk, answer
                    answer += chunk
            assert time.monotonic() - started < 5.0  # the only handler thread was freed
            received, stuck_for = len(head), time.monotonic()
            while True:  # the server closed its end: what is left in the buffers, then the end
                chunk = stuck.recv(MIB)
                if not chunk:
                    break
                received += len(chunk)
            assert time.monotonic() - stuck_for < 5.0
            assert received < 32 * MIB  # cut off: only what the buffers held when the server gave up
        log = node.store.log_text()
        assert '"GET /ipfs/%s?format=car HTTP/1.1" 200' % cid in log
        assert "Traceback" not in log
    assert capfd.readouterr().err == ""
    assert left_behind(before) == ([], [])


def test_stop_is_prompt_while_sending_a_car_to_a_client_that_does_not_read(tmp_path, capfd):
    before = snapshot()
    node = LocalRequesterNode(step_delay=SLOW, write_timeout=60.0).start()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "big.bin").write_bytes(os.urandom(32 * MIB))
    cid = node.blocks.publish(tmp_path / "data")
    stuck = socket.create_connection(("127.0.0.1", node.port), timeout=10.0)
    try:
        stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stuck.sendall(b"GET /ipfs/%s?format=car HTTP/1.1\r\nHost: x\r\n\r\n" % cid.encode())
        assert stuck.recv(4096).startswith(b"HTTP/1.1 200 OK\r\n")
        time.sleep(0.3)  # the handler is now waiting in sendfile for the client to read
        started = time.monotonic()
        node.stop()
        assert time.monotonic() - started < 3.0
    finally:
        stuck.close()
    assert capfd.readouterr().err == ""
    assert left_behind(before) == ([], [])


def test_a_route_can_stream_file_spans_chunked_or_sized(node, tmp_path, monkeypatch):
    data = os.urandom(300000)
    (tmp_path / "file").write_bytes(data)

    def spans(exchange):
        sized = exchange.request.query == "sized"
        with open(tmp_path / "file", "rb") as file:
            exchange.stream(200, {"Content-Type": "application/octet-stream"},
                            [b"<", FileSpan(file, 10, 200000), FileSpan(file, 0, 0), b">", FileSpan(file, 250000, 50000)],
                            200002 + 50000 if sized else None)

    monkeypatch.setitem(ROUTES, "/spans", Route(spans))
    expected = b"<" + data[10:200010] + b">" + data[250000:]
    with urllib3.PoolManager() as pool:
        chunked = pool.request("GET", node.url + "/spans", retries=False)
        assert chunked.headers["Transfer-Encoding"] == "chunked" and chunked.data == expected
        sized = pool.request("GET", node.url + "/spans?sized", retries=False)
        assert sized.headers["Content-Length"] == str(len(expected)) and sized.data == expected


def test_a_span_past_the_end_of_its_file_ends_the_connection_quietly(node, tmp_path, monkeypatch, capfd):
    (tmp_path / "short").write_bytes(b"0123456789")

    def short(exchange):
        with open(tmp_path / "short", "rb") as file:
            exchange.stream(200, {"Content-Type": "application/octet-stream"}, [FileSpan(file, 0, 100)], 100)

    monkeypatch.setitem(ROUTES, "/short", Route(short))
    with socket.create_connection(("127.0.0.1", node.port), timeout=10.0) as sock:
        sock.sendall(b"GET /short HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    assert data.startswith(b"HTTP/1.1 200 OK\r\n") and data.endswith(b"\r\n\r\n0123456789")
    assert capfd.readouterr().err == ""


def test_a_closed_block_store_holds_nothing_and_refuses_new_blocks(tmp_path):
    store = BlockStore()
    (tmp_path / "file").write_bytes(b"some bytes\n")
    root = CID.parse(store.publish(tmp_path / "file"))
    assert store.get(root) is not None and store.pack.exists()
    store.close()
    assert (store.get(root), store.size(root), store.has_dag(str(root))) == (None, None, False)
    assert not store.root.exists()
    with pytest.raises(RuntimeError, match="the block store .* is closed: the node has stopped"):
        store.publish(tmp_path / "file")
    store.close()  # twice is fine
