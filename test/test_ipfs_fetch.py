"""fetch() against real gateways on 127.0.0.1: verified downloads, and gateway faults handled per the retry policy."""

import io
import os
import socket
import struct
import time
import tracemalloc

import pytest
import urllib3

from bacalhau_client import Configuration
from bacalhau_client.exceptions import ApiConnectionError, ApiDecodeError, ApiException, ApiTimeoutError
from bacalhau_client.ipfs import CAR_ACCEPT, DEFAULT_GATEWAY, CarError, fetch, resolve_gateway
from bacalhau_client.ipfs.car import read_header, read_sections
from bacalhau_client.ipfs.gateway import _body_stream
from bacalhau_client.retries import read_only_policy
from conftest import fresh_interpreter
from faulty_server import FaultyServer, reply, response_bytes, send_raw, stall
from loopback import LoopbackServer
from unixfs_trees import TREE_NAMES, car_blocks, car_bytes, description, expected_files, make_car, tree_files

CAR_TYPE = {"Content-Type": "application/vnd.ipld.car; version=1; order=dfs; dups=n"}
ROOT = description("bacalhau-result")["root_cid"]


def test_the_gateway_client_and_its_transport_load_on_first_use_of_their_names():
    code = ("import sys, bacalhau_client.ipfs as ipfs\n"
            "print('urllib3' in sys.modules, 'bacalhau_client.ipfs.gateway' in sys.modules, 'fetch' in dir(ipfs))\n"
            "print(ipfs.fetch.__module__, ipfs.DEFAULT_GATEWAY, 'urllib3' in sys.modules)")
    assert fresh_interpreter(code).split("\n")[:2] == ["False False True",
                                                       "bacalhau_client.ipfs.gateway %s True" % DEFAULT_GATEWAY]


def quick_retries(retries: int = 3) -> Configuration:
    """The SDK's policy for read-only calls, without the waits between attempts."""
    return Configuration(retries=read_only_policy(retries).new(backoff_factor=0), timeout=(5, 10))


def car_gateway(name: str = "bacalhau-result"):
    return LoopbackServer(lambda request: (200, dict(CAR_TYPE), car_bytes(name)))


@pytest.mark.parametrize("name", TREE_NAMES)
def test_every_fixture_downloads_to_its_files(tmp_path, name):
    tree = description(name)
    with car_gateway(name) as gateway:
        dest = fetch(tree["root_cid"], tmp_path / "out", gateway=gateway.url)
    (request,) = gateway.requests
    assert (request.method, request.path) == ("GET", "/ipfs/%s?format=car" % tree["root_cid"])
    assert request.headers["Accept"] == CAR_ACCEPT
    assert tree_files(dest) == expected_files(name)
    assert os.listdir(tmp_path) == ["out"]


def test_progress_reports_bytes_received_and_the_total(tmp_path):
    seen = []
    with car_gateway() as gateway:
        fetch(ROOT, tmp_path / "out", gateway=gateway.url, progress=lambda done, total: seen.append((done, total)))
    size = len(car_bytes("bacalhau-result"))
    assert seen[-1] == (size, size)


def test_an_existing_dest_is_refused_before_any_request(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep").write_text("mine")
    with car_gateway() as gateway:
        with pytest.raises(ValueError, match="out already exists: fetch never overwrites"):
            fetch(ROOT, tmp_path / "out", gateway=gateway.url)
    assert gateway.requests == []
    assert (tmp_path / "out" / "keep").read_text() == "mine"


def test_404_raises_the_gateway_answer_and_leaves_nothing(tmp_path):
    with LoopbackServer(lambda request: (404, {"Content-Type": "text/plain"}, b"ipfs resolve: not found\n")) as gateway:
        with pytest.raises(ApiException) as caught:
            fetch(ROOT, tmp_path / "out", gateway=gateway.url, configuration=quick_retries())
    assert caught.value.status == 404
    assert str(caught.value) == "HTTP 404 Not Found from GET /ipfs/%s: ipfs resolve: not found" % ROOT
    assert len(gateway.requests) == 1  # 404 is final
    assert os.listdir(tmp_path) == []


def test_504_then_200_is_retried_and_succeeds(tmp_path):
    car = car_bytes("bacalhau-result")
    with FaultyServer(reply(504, b"gateway timeout"), reply(200, car, dict(CAR_TYPE))) as gateway:
        dest = fetch(ROOT, tmp_path / "out", gateway=gateway.url, configuration=quick_retries())
    assert len(gateway.requests) == 2
    assert (dest / "stdout").exists()


def test_a_truncated_answer_is_downloaded_again(tmp_path):
    car = car_bytes("bacalhau-result")
    cut = response_bytes(200, car, dict(CAR_TYPE, **{"Content-Length": str(len(car))}))[:-1000]
    with FaultyServer(send_raw(cut), reply(200, car, dict(CAR_TYPE))) as gateway:
        dest = fetch(ROOT, tmp_path / "out", gateway=gateway.url, configuration=quick_retries())
    assert len(gateway.requests) == 2
    assert sorted(os.listdir(tmp_path)) == ["out"] and (dest / "outputs").is_dir()


def test_a_car_cut_inside_a_block_without_a_length_is_downloaded_again(tmp_path):
    car = car_bytes("bacalhau-result")
    head = "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nConnection: close\r\n\r\n" % CAR_TYPE["Content-Type"]
    with FaultyServer(send_raw(head.encode() + car[:2000]), reply(200, car, dict(CAR_TYPE))) as gateway:
        fetch(ROOT, tmp_path / "out", gateway=gateway.url, configuration=quick_retries())
    assert len(gateway.requests) == 2


def test_a_chunked_answer_downloads(tmp_path):
    car = car_bytes("bacalhau-result")
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(car[start:start + 700]), car[start:start + 700])
                      for start in range(0, len(car), 700))
    head = "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    with FaultyServer(send_raw((head % CAR_TYPE["Content-Type"]).encode() + chunks + b"0\r\n\r\n")) as gateway:
        dest = fetch(ROOT, tmp_path / "out", gateway=gateway.url, configuration=quick_retries())
    assert tree_files(dest) == expected_files("bacalhau-result")


def reset_midway(car: bytes):
    """A gateway step that sends half the answer, then resets the connection."""
    answer = response_bytes(200, car, dict(CAR_TYPE))

    def step(server, connection):
        if server.read_request(connection) is not None:
            connection.sendall(answer[:len(answer) // 2])
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    return step


def test_a_connection_reset_inside_a_block_is_downloaded_again(tmp_path):
    car = car_bytes("bacalhau-result")
    with FaultyServer(reset_midway(car), reply(200, car, dict(CAR_TYPE))) as gateway:
        dest = fetch(ROOT, tmp_path / "out", gateway=gateway.url, configuration=quick_retries())
    assert len(gateway.requests) == 2
    assert tree_files(dest) == expected_files("bacalhau-result")


def test_a_connection_always_reset_fails_naming_the_cid(tmp_path):
    with FaultyServer(reset_midway(car_bytes("bacalhau-result"))) as gateway:
        with pytest.raises(ApiConnectionError, match="downloading %s from .* broke off" % ROOT):
            fetch(ROOT, tmp_path / "out", gateway=gateway.url, configuration=quick_retries(1))
    assert os.listdir(tmp_path) == []


def test_an_always_truncated_answer_fails_after_the_retries(tmp_path):
    car = car_bytes("bacalhau-result")
    cut = response_bytes(200, car, dict(CAR_TYPE))[:-1000]
    with FaultyServer(send_raw(cut)) as gateway:
        with pytest.raises(ApiConnectionError, match="downloading %s from 127.0.0.1:\\d+ broke off" % ROOT):
            fetch(ROOT, tmp_path / "out", gateway=gateway.url, configuration=quick_retries(2))
    assert len(gateway.requests) == 3
    assert os.listdir(tmp_path) == []


def test_a_stalled_stream_times_out_at_the_deadline(tmp_path):
    car = car_bytes("file-2MiB")
    partial = response_bytes(200, car, dict(CAR_TYPE))[:100000]
    began = time.monotonic()
    with FaultyServer(stall(partial)) as gateway:
        with pytest.raises(ApiTimeoutError, match="GET /ipfs/.*: timed out"):
            fetch(description("file-2MiB")["root_cid"], tmp_path / "out", gateway=gateway.url, timeout=1.5,
                  configuration=quick_retries())
    assert time.monotonic() - began < 8  # the 1.5 s deadline, with generous slack for a busy machine
    assert os.listdir(tmp_path) == []


def test_an_html_answer_says_the_server_is_not_a_trustless_gateway(tmp_path):
    page = b"<html><title>IPFS</title><body>Index of /ipfs/Qm...</body></html>"
    with LoopbackServer(lambda request: (200, {"Content-Type": "text/html; charset=utf-8"}, page)) as gateway:
        with pytest.raises(ApiDecodeError, match="answered with text/html, not a CAR .*not a trustless gateway"):
            fetch(ROOT, tmp_path / "out", gateway=gateway.url)
    assert os.listdir(tmp_path) == []


def test_a_raw_file_answer_is_refused(tmp_path):
    with LoopbackServer(lambda request: (200, {"Content-Type": "application/octet-stream"}, b"hello\n")) as gateway:
        with pytest.raises(ApiDecodeError, match="answered with application/octet-stream, not a CAR"):
            fetch(ROOT, tmp_path / "out", gateway=gateway.url)


def test_an_untyped_answer_that_is_not_a_car_is_refused(tmp_path):
    with FaultyServer(send_raw(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello\n")) as gateway:
        with pytest.raises(ApiDecodeError, match="is not a CARv1 stream"):
            fetch(ROOT, tmp_path / "out", gateway=gateway.url)


def test_a_carv2_answer_is_refused(tmp_path):
    headers = {"Content-Type": "application/vnd.ipld.car; version=2"}
    with LoopbackServer(lambda request: (200, headers, b"\x0a")) as gateway:
        with pytest.raises(ApiDecodeError, match="a CAR version 2: only CARv1 is read"):
            fetch(ROOT, tmp_path / "out", gateway=gateway.url)


def test_a_tampered_car_fails_naming_the_cid_and_leaves_dest_absent(tmp_path):
    blocks = car_blocks(car_bytes("bacalhau-result"))
    cid, data = blocks[-1]
    tampered = make_car([blocks[0][0]], blocks[:-1] + [(cid, data[:-1] + b"?")])
    with LoopbackServer(lambda request: (200, dict(CAR_TYPE), tampered)) as gateway:
        with pytest.raises(CarError, match="block %s does not match its CID" % cid):
            fetch(ROOT, tmp_path / "out", gateway=gateway.url)
    assert len(gateway.requests) == 1  # a CAR that does not verify is not asked for again
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("cid, message", [("nope", "CID 'nope': unknown multibase prefix"),
                                          (ROOT[:-1], "CID '%s'" % ROOT[:-1])])
def test_a_malformed_cid_is_refused(tmp_path, cid, message):
    with pytest.raises(ValueError, match=message):
        fetch(cid, tmp_path / "out", gateway="http://127.0.0.1:9")


@pytest.mark.parametrize("timeout", [0, -1, "5", True])
def test_a_bad_timeout_is_refused(tmp_path, timeout):
    with pytest.raises(ValueError, match="timeout: expected seconds > 0"):
        fetch(ROOT, tmp_path / "out", gateway="http://127.0.0.1:9", timeout=timeout)


def test_gateway_order_argument_configuration_environment_default(monkeypatch):
    monkeypatch.delenv("BACALHAU_IPFS_GATEWAY", raising=False)
    configured = Configuration()
    configured.ipfs_gateway = "https://configured.example/"
    assert resolve_gateway() == DEFAULT_GATEWAY
    monkeypatch.setenv("BACALHAU_IPFS_GATEWAY", "http://env.example:8080/ipfs/")
    assert resolve_gateway() == "http://env.example:8080"
    assert resolve_gateway(None, configured) == "https://configured.example"
    assert resolve_gateway("http://given.example", configured) == "http://given.example"


@pytest.mark.parametrize("gateway", ["ftp://x.example", "gateway.example", "http://x.example/?a=1", 5])
def test_a_bad_gateway_url_is_refused(gateway):
    with pytest.raises(ValueError, match="gateway: expected an http\\(s\\) URL"):
        resolve_gateway(gateway)


def test_a_200_mib_result_downloads_with_bounded_memory(tmp_path):
    from bacalhau_client.devserver import LocalRequesterNode

    source = tmp_path / "source"
    source.mkdir()
    with open(source / "big.bin", "wb") as out:
        for _ in range(200):
            out.write(os.urandom(1 << 20))
    with LocalRequesterNode() as node:
        cid = node.blocks.publish(source)
        tracemalloc.start()
        try:
            dest = fetch(cid, tmp_path / "out", gateway=node.gateway_url)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert (dest / "big.bin").stat().st_size == 200 << 20
    with open(source / "big.bin", "rb") as expected, open(dest / "big.bin", "rb") as got:
        while True:
            chunk = expected.read(1 << 22)
            assert got.read(1 << 22) == chunk
            if not chunk:
                break
    assert peak < 16 << 20, "peak %d bytes" % peak


def test_a_bad_block_fails_at_once_even_while_the_gateway_is_still_sending(tmp_path):
    blocks = car_blocks(car_bytes("bacalhau-result"))
    cid, data = blocks[0]
    tampered = make_car([cid], [(cid, data + b"!")] + blocks[1:])
    head = response_bytes(200, tampered, dict(CAR_TYPE, **{"Content-Length": str(len(tampered) + 100000)}))
    began = time.monotonic()
    with FaultyServer(stall(head)) as gateway:
        with pytest.raises(CarError, match="block %s does not match its CID" % cid):
            fetch(ROOT, tmp_path / "out", gateway=gateway.url, timeout=60, configuration=quick_retries())
    assert time.monotonic() - began < 8  # not the 10 s read timeout nor the 60 s deadline
    assert os.listdir(tmp_path) == []


def test_a_progress_that_is_not_callable_is_refused(tmp_path):
    with pytest.raises(ValueError, match="progress: expected a callable"):
        fetch(ROOT, tmp_path / "out", gateway="http://127.0.0.1:9", progress=5)


def test_a_dest_that_cannot_be_created_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(ValueError, match="dest: cannot create the folder .*file"):
        fetch(ROOT, tmp_path / "file" / "out", gateway="http://127.0.0.1:9")


def test_a_response_not_over_http_client_is_read_through_urllib3(tmp_path):
    car = car_bytes("bacalhau-result")
    response = urllib3.HTTPResponse(body=io.BytesIO(car), headers={"Content-Length": str(len(car))},
                                    preload_content=False)
    seen = []
    stream = _body_stream(response, time.monotonic() + 60, lambda received, total: seen.append((received, total)))
    read_header(stream)
    assert [(str(cid), bytes(block)) for cid, block in read_sections(stream)] == \
        [(str(cid), bytes(block)) for cid, block in car_blocks(car)]
    assert seen[-1] == (len(car), len(car))
