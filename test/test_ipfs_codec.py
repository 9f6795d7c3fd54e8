"""UnixFS CIDs as kubo computes them, and the codecs under them: varints, CIDs, dag-pb, CARv1."""

import io
import os
import socket

import pytest

from bacalhau_client.ipfs import CID, CarError, CarTruncatedError, CarWriter, read_car, unixfs_add
from bacalhau_client.ipfs.car import read_header
from bacalhau_client.ipfs.dagpb import FILE, decode_node, decode_unixfs
from bacalhau_client.ipfs.importer import CHUNK_SIZE, LINKS_PER_NODE
from bacalhau_client.ipfs.multiformats import (
    base32_decode, base32_encode, base58_decode, base58_encode, decode_varint, encode_varint,
)
from unixfs_trees import KUBO_TREES, TREE_NAMES, build_tree, car_blocks, car_bytes, description, make_car

WELL_KNOWN = description("empty-dir")  # any tree: the well-known values live in index.json
EMPTY_FILE = ("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH", "0a0408021800")
HELLO = ("QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN", "0a0c0802120668656c6c6f0a1806")
EMPTY_DIR = ("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn", "0a020801")


def collecting():
    blocks = {}

    def put(cid, block):
        blocks[str(cid)] = bytes(block)
    return blocks, put


# ------------------------------------------------------------------ multiformats

@pytest.mark.parametrize("value, encoded", [(0, b"\x00"), (1, b"\x01"), (127, b"\x7f"), (128, b"\x80\x01"),
                                            (300, b"\xac\x02"), (2 ** 63 - 1, b"\xff" * 8 + b"\x7f")])
def test_varint_round_trips(value, encoded):
    assert encode_varint(value) == encoded
    assert decode_varint(encoded) == (value, len(encoded))


@pytest.mark.parametrize("data, message", [(b"\x80", "ends inside a varint"), (b"\x80\x00", "not minimally encoded"),
                                           (b"\xff" * 10, "longer than 9 bytes")])
def test_bad_varints_are_refused(data, message):
    with pytest.raises(ValueError, match=message):
        decode_varint(data)


def test_base58_and_base32_round_trip():
    for data in (b"", b"\0\0abc", os.urandom(34)):
        assert base58_decode(base58_encode(data)) == data
        assert base32_decode(base32_encode(data)) == data


def test_cid_v0_and_v1_text_forms():
    v0 = CID.parse(HELLO[0])
    assert (v0.version, v0.codec_name, str(v0)) == (0, "dag-pb", HELLO[0])
    v1 = CID(1, v0.codec, v0.hash_code, v0.digest)
    assert str(v1).startswith("bafy") and CID.parse(str(v1)) == v1
    assert CID.from_bytes(v1.binary) == v1
    assert str(CID.parse("bafkqaaa")) == "bafkqaaa" and CID.parse("bafkqaaa").digest == b""


@pytest.mark.parametrize("text, message", [
    ("", "expected a CID string"), ("hello", "unknown multibase prefix 'h'"),
    ("Qm" + "0" * 44, "not a base58btc character"), ("bafyBAD", "lower case"),
    ("b" + base32_encode(b"\x02\x70\x12\x20" + b"\0" * 32), "CID version 2 is not supported"),
    ("b" + base32_encode(b"\x01\x70\x12\x10" + b"\0" * 16), "sha2-256 digest of 16 bytes"),
])
def test_malformed_cids_are_refused_with_the_reason(text, message):
    with pytest.raises(ValueError, match=message):
        CID.parse(text)


@pytest.mark.parametrize("cid, block", [EMPTY_FILE, HELLO, EMPTY_DIR])
def test_well_known_blocks_verify_against_their_cids(cid, block):
    assert str(CID.for_block(bytes.fromhex(block))) == cid
    CID.parse(cid).verify(bytes.fromhex(block))
    with pytest.raises(ValueError, match="block %s does not match its CID" % cid):
        CID.parse(cid).verify(bytes.fromhex(block) + b"\0")


# ------------------------------------------------------------------ unixfs_add

@pytest.mark.parametrize("content, expected", [(b"", EMPTY_FILE), (b"hello\n", HELLO)])
def test_unixfs_add_gives_the_well_known_file_cids(tmp_path, content, expected):
    (tmp_path / "file").write_bytes(content)
    blocks, put = collecting()
    assert unixfs_add(tmp_path / "file", put) == expected[0]
    assert blocks == {expected[0]: bytes.fromhex(expected[1])}


def test_unixfs_add_gives_the_empty_folder_cid(tmp_path):
    assert unixfs_add(tmp_path) == EMPTY_DIR[0]


@pytest.mark.parametrize("name", KUBO_TREES)
def test_every_fixture_tree_gives_its_root_cid_and_blocks(tmp_path, name):
    tree = description(name)
    root = build_tree(name, tmp_path / "root")
    blocks, put = collecting()
    assert unixfs_add(root, put) == tree["root_cid"]
    assert sorted(blocks) == sorted(block["cid"] for block in tree["blocks"])
    assert {cid: bytes(block) for cid, block in ((str(c), b) for c, b in car_blocks(car_bytes(name)))} == blocks
    for path, cid in tree["entries"].items():
        assert unixfs_add(root / path if path else root) == cid, path


def test_hidden_entries_are_left_out(tmp_path):
    root = build_tree("bacalhau-result", tmp_path / "root")
    (root / ".hidden").write_text("x")
    (root / "outputs" / ".cache").mkdir()
    (root / "outputs" / ".cache" / "f").write_text("y")
    assert unixfs_add(root) == description("bacalhau-result")["root_cid"]


def test_175_chunks_make_a_root_over_a_full_and_a_single_child_parent(tmp_path):
    path = tmp_path / "big"
    chunks = LINKS_PER_NODE + 1
    path.write_bytes(b"".join(bytes([index % 251]) * CHUNK_SIZE for index in range(chunks)))
    blocks, put = collecting()
    root = unixfs_add(path, put)
    links, data = decode_node(blocks[root])
    node = decode_unixfs(data)
    assert (node.type, node.filesize, len(links)) == (FILE, chunks * CHUNK_SIZE, 2)
    children = [decode_node(blocks[str(CID.from_bytes(link.cid))])[0] for link in links]
    assert [len(child) for child in children] == [LINKS_PER_NODE, 1]
    assert node.blocksizes == [LINKS_PER_NODE * CHUNK_SIZE, CHUNK_SIZE]
    assert all(link.name == b"" for link in links)


def test_symlinks_are_symlink_nodes_with_their_target(tmp_path):
    (tmp_path / "link").symlink_to("../elsewhere")
    blocks, put = collecting()
    cid = unixfs_add(tmp_path, put)
    links, _ = decode_node(blocks[cid])
    (link,) = links
    target = decode_unixfs(decode_node(blocks[str(CID.from_bytes(link.cid))])[1])
    assert (link.name, target.type, bytes(target.data)) == (b"link", 4, b"../elsewhere")


def test_a_missing_path_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unixfs_add: cannot read .*missing"):
        unixfs_add(tmp_path / "missing")


def test_a_special_file_is_refused(tmp_path):
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "sock"))
        with pytest.raises(ValueError, match="sock is neither a file, a folder nor a symlink"):
            unixfs_add(tmp_path)


def test_a_folder_kubo_would_shard_is_refused(tmp_path):
    for index in range(1200):
        (tmp_path / ("%04d" % index + "n" * 200)).touch()
    with pytest.raises(ValueError, match="too many entries for a plain UnixFS folder.*HAMT"):
        unixfs_add(tmp_path)


# ------------------------------------------------------------------ CAR

@pytest.mark.parametrize("name", TREE_NAMES)
def test_fixture_cars_read_back_every_listed_block(name):
    tree = description(name)
    blocks = car_blocks(car_bytes(name))
    assert [(str(cid), len(block)) for cid, block in blocks] == [(b["cid"], b["size"]) for b in tree["blocks"]]
    assert [str(root) for root in read_header(io.BytesIO(car_bytes(name)))] == [tree["root_cid"]]


@pytest.mark.parametrize("name", TREE_NAMES)
def test_car_writer_reproduces_the_fixture_cars_byte_for_byte(name):
    data = car_bytes(name)
    out = io.BytesIO()
    writer = CarWriter(out, read_header(io.BytesIO(data)))
    for cid, block in car_blocks(data):
        writer.add(cid, block)
    assert out.getvalue() == data


def test_a_changed_byte_is_refused_naming_the_block():
    blocks = car_blocks(car_bytes("bacalhau-result"))
    cid, block = blocks[3]
    data = make_car([blocks[0][0]], blocks[:3] + [(cid, block[:-1] + b"!")] + blocks[4:])
    with pytest.raises(CarError, match="block %s does not match its CID" % cid):
        list(read_car(io.BytesIO(data)))


@pytest.mark.parametrize("cut", [1, 20, 50, 120])
def test_a_truncated_car_is_refused_as_truncated(cut):
    data = car_bytes("single-small-file")
    with pytest.raises(CarTruncatedError, match="ends inside"):
        list(read_car(io.BytesIO(data[:-cut] if cut < 120 else data[:30])))


@pytest.mark.parametrize("header, message", [
    (b"", "the stream is empty"), (b"\x00", "length 0"), (b"\x02\xff\x00", "not DAG-CBOR"),
    (b"\x05\xa1\x61\x61\x01\x00", "not a single DAG-CBOR map"),
    (b"\x0b\xa2\x65roots\x80\x61v\x01", "version None is not supported"),
])
def test_bad_car_headers_are_refused(header, message):
    with pytest.raises(CarError, match=message):
        read_header(io.BytesIO(header))
