"""Writing a CAR's tree to disk: every fixture unpacks to its files; tampered or hostile DAGs are refused,
naming the CID."""

import hashlib
import io
import itertools
import os

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bacalhau_client.ipfs import CID, CarError, unpack_car
from bacalhau_client.ipfs.car import read_header, read_sections
from bacalhau_client.ipfs.dagpb import DIRECTORY_DATA, encode_link, encode_node, file_leaf, file_parent, symlink_node
from unixfs_trees import (
    TREE_NAMES, car_blocks, car_bytes, description, expected_files, make_car, tree_dirs, tree_files,
)


def unpack(data: bytes, root, dest):
    stream = io.BytesIO(data)
    read_header(stream)
    unpack_car(read_sections(stream), CID.parse(str(root)), dest, dest.with_name("spool"))
    return dest


def block(data: bytes):
    return CID.for_block(data), data


def directory(*entries):
    """A folder block from ``(name bytes, (cid, block))`` pairs, in the order given."""
    links = b"".join(encode_link(cid.binary, name, len(child)) for name, (cid, child) in entries)
    return block(encode_node(links, DIRECTORY_DATA))


@pytest.mark.parametrize("name, variant", [(name, "") for name in TREE_NAMES] + [("bacalhau-result", ".order-unk")])
def test_every_fixture_car_unpacks_to_its_files(tmp_path, name, variant):
    tree = description(name)
    dest = unpack(car_bytes(name, variant), tree["root_cid"], tmp_path / "out")
    assert tree_files(dest) == expected_files(name)
    assert tree_dirs(dest) == sorted(tree["dirs"])


def test_a_sub_cid_unpacks_alone_and_blocks_of_the_rest_are_refused(tmp_path):
    tree = description("bacalhau-result")
    with pytest.raises(CarError, match="which is not part of %s" % tree["entries"]["outputs"]):
        unpack(car_bytes("bacalhau-result"), tree["entries"]["outputs"], tmp_path / "out")


def test_a_single_file_cid_becomes_a_file(tmp_path):
    hello = block(file_leaf(b"hello\n"))
    dest = unpack(make_car([hello[0]], [hello]), hello[0], tmp_path / "out")
    assert dest.read_bytes() == b"hello\n"


def test_a_block_repeated_in_the_dag_is_sent_once_and_reused(tmp_path):
    chunk = block(file_leaf(b"z" * 1000))
    big = block(file_parent(b"".join(encode_link(chunk[0].binary, b"", len(chunk[1])) for _ in range(3)),
                            3000, [1000] * 3))
    empty = block(file_leaf(b""))
    sub = directory((b"copy", big))
    root = directory((b"a", empty), (b"b", empty), (b"big", big), (b"chunk", chunk), (b"sub", sub))
    dest = unpack(make_car([root[0]], [root, empty, big, chunk, sub]), root[0], tmp_path / "out")
    assert tree_files(dest) == {"a": b"", "b": b"", "big": b"z" * 3000, "chunk": b"z" * 1000,
                                "sub/copy": b"z" * 3000}


def test_a_changed_byte_fails_naming_the_cid_and_writes_nothing_outside(tmp_path):
    blocks = car_blocks(car_bytes("bacalhau-result"))
    cid, data = blocks[5]
    tampered = make_car([blocks[0][0]], blocks[:5] + [(cid, data.replace(b"0", b"1", 1))] + blocks[6:])
    with pytest.raises(CarError, match="block %s does not match its CID" % cid):
        unpack(tampered, blocks[0][0], tmp_path / "out")


def test_a_missing_block_fails_naming_it_and_where_it_is_linked(tmp_path):
    blocks = car_blocks(car_bytes("bacalhau-result"))
    tree = description("bacalhau-result")
    missing = CID.parse(tree["entries"]["outputs/result.csv"])
    kept = [(cid, data) for cid, data in blocks if cid != missing]
    with pytest.raises(CarError, match=r"block %s \(the root/outputs/result.csv\) is missing" % missing):
        unpack(make_car([blocks[0][0]], kept), blocks[0][0], tmp_path / "out")


@pytest.mark.parametrize("position", [0, 4, -1])
def test_an_extra_block_is_refused_wherever_it_comes(tmp_path, position):
    blocks = car_blocks(car_bytes("bacalhau-result"))
    foreign = block(file_leaf(b"not part of the result"))
    with_extra = list(blocks)
    with_extra.insert(position if position >= 0 else len(blocks), foreign)
    with pytest.raises(CarError, match="holds block %s, which is not part of" % foreign[0]):
        unpack(make_car([blocks[0][0]], with_extra), blocks[0][0], tmp_path / "out")


def test_a_duplicate_block_is_ignored(tmp_path):
    blocks = car_blocks(car_bytes("single-small-file"))
    dest = unpack(make_car([blocks[0][0]], blocks + blocks[1:]), blocks[0][0], tmp_path / "out")
    assert len(tree_files(dest)) == 1


def test_the_wrong_root_is_refused_whatever_the_header_says(tmp_path):
    other = car_bytes("nested-dirs")
    wanted = description("bacalhau-result")["root_cid"]
    with pytest.raises(CarError, match="block %s \\(the root\\) is missing" % wanted):
        unpack(other, wanted, tmp_path / "out")


@pytest.mark.parametrize("name", [b"..", b".", b"", b"a/b", b"/etc", b"nul\0x"])
def test_unsafe_entry_names_are_refused(tmp_path, name):
    hello = block(file_leaf(b"hello\n"))
    root = directory((name, hello))
    with pytest.raises(CarError, match="has an entry named .*, which is not allowed"):
        unpack(make_car([root[0]], [root, hello]), root[0], tmp_path / "out")
    assert os.listdir(tmp_path) == []


def test_two_entries_with_one_name_are_refused(tmp_path):
    hello = block(file_leaf(b"hello\n"))
    root = directory((b"x", hello), (b"x", hello))
    with pytest.raises(CarError, match="has two entries named b'x'"):
        unpack(make_car([root[0]], [root, hello]), root[0], tmp_path / "out")


def test_symlinks_are_written_as_symlinks_and_never_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    link = block(symlink_node(str(outside).encode()))
    hello = block(file_leaf(b"hello\n"))
    root = directory((b"link", link), (b"z", hello))
    dest = unpack(make_car([root[0]], [root, link, hello]), root[0], tmp_path / "out")
    assert os.readlink(dest / "link") == str(outside)
    assert os.listdir(outside) == []


@pytest.mark.parametrize("codec, hash_code, message", [
    (0x71, 0x12, "uses the codec dag-cbor: only dag-pb and raw are supported"),
    (0x70, 0x13, "uses the hash sha2-512: only sha2-256 and identity are supported"),
])
def test_other_codecs_and_hashes_are_refused(tmp_path, codec, hash_code, message):
    data = b"\xa0"
    digest = hashlib.sha512(data).digest() if hash_code == 0x13 else hashlib.sha256(data).digest()
    strange = CID(1, codec, hash_code, digest)
    root = directory((b"x", (strange, data)))
    with pytest.raises(CarError, match=message):
        unpack(make_car([root[0]], [root]), root[0], tmp_path / "out")


def test_a_hamt_folder_is_refused(tmp_path):
    shard = block(encode_node(b"", b"\x08\x05\x12\x01\x00\x28\x22\x30\x80\x02"))
    with pytest.raises(CarError, match="is a HAMT-sharded folder, which this SDK does not read"):
        unpack(make_car([shard[0]], [shard]), shard[0], tmp_path / "out")


def test_sizes_that_disagree_with_the_parent_are_refused(tmp_path):
    chunk = block(file_leaf(b"abc"))
    liar = block(file_parent(encode_link(chunk[0].binary, b"", len(chunk[1])), 4, [4]))
    with pytest.raises(CarError, match="holds 3 bytes, its parent says 4"):
        unpack(make_car([liar[0]], [liar, chunk]), liar[0], tmp_path / "out")


def test_blocksizes_must_match_the_links(tmp_path):
    chunk = block(file_leaf(b"abc"))
    liar = block(file_parent(encode_link(chunk[0].binary, b"", len(chunk[1])), 3, [3, 0]))
    with pytest.raises(CarError, match="has 1 links but 2 blocksizes"):
        unpack(make_car([liar[0]], [liar, chunk]), liar[0], tmp_path / "out")


def test_a_block_that_is_not_dag_pb_is_refused(tmp_path):
    garbage = block(b"\x0f\x00")
    with pytest.raises(CarError, match="block %s is not valid dag-pb" % garbage[0]):
        unpack(make_car([garbage[0]], [garbage]), garbage[0], tmp_path / "out")


# ------------------------------------------------------------------ round trip, generated trees

NAMES = st.text(alphabet="abcdefghij-_.0123456789ÄéΩ", min_size=1, max_size=12).filter(
    lambda name: name not in (".", "..") and not name.startswith("."))
SIZES = st.one_of(st.integers(0, 3000), st.sampled_from([262143, 262144, 262145, 600000]))
TREES = st.recursive(SIZES, lambda children: st.dictionaries(NAMES, children, max_size=4), max_leaves=8)


FILE_NUMBERS = itertools.count()


def write_tree(path, tree):
    """A folder for a dict, else a file of that many bytes (each file's bytes its own, empty ones alike)."""
    if isinstance(tree, dict):
        path.mkdir()
        for name, child in tree.items():
            write_tree(path / name, child)
    else:
        path.write_bytes((b"%d:" % next(FILE_NUMBERS) * (tree // 2 + 1))[:tree])


def dfs_car(root: str, blocks: dict) -> bytes:
    """The CAR a gateway sends for ``root``: blocks depth-first, each once."""
    from bacalhau_client.ipfs.dagpb import decode_node

    ordered, seen, stack = [], set(), [CID.parse(root)]
    while stack:
        cid = stack.pop()
        if cid in seen:
            continue
        seen.add(cid)
        ordered.append((cid, blocks[str(cid)]))
        stack.extend(CID.from_bytes(link.cid) for link in reversed(decode_node(blocks[str(cid)])[0]))
    return make_car([CID.parse(root)], ordered)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=st.dictionaries(NAMES, TREES, max_size=5))
def test_any_tree_added_then_unpacked_gives_back_its_files(tmp_path_factory, tree):
    from bacalhau_client.ipfs import unixfs_add

    work = tmp_path_factory.mktemp("tree")
    write_tree(work / "source", tree)
    blocks = {}
    root = unixfs_add(work / "source", lambda cid, data: blocks.__setitem__(str(cid), bytes(data)))
    dest = unpack(dfs_car(root, blocks), root, work / "copy")
    assert tree_files(dest) == tree_files(work / "source")
    assert tree_dirs(dest) == tree_dirs(work / "source")
