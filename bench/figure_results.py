"""Figure 8: downloading and publishing results, measured side by side in one run.

- verified download (``bacalhau_client.ipfs.fetch``: CAR parsed, every block
  hashed, files written) vs a plain urllib3 GET of the same CAR streamed to a
  file, both from a local node's gateway on 127.0.0.1 running in its own
  process (as a real gateway is remote, so it does not share our GIL):
  throughput ratio, best of several alternating rounds, wall time (disk
  writes are part of both);
- peak Python memory (tracemalloc) while fetching a 200 MiB result;
- ``unixfs_add`` over a file vs ``hashlib.sha256`` over the same bytes in
  memory: throughput ratio, best of several rounds.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import urllib3

from bacalhau_client.ipfs import fetch, unixfs_add

MIB = 1 << 20
ROOT = Path(__file__).resolve().parent.parent
# Runs in a child process: a local node that publishes the folders named on the command line,
# prints its gateway URL and their CIDs on one line, and serves until its stdin closes.
GATEWAY_PROCESS = """
import sys
sys.path.insert(0, sys.argv[1])
from bacalhau_client.devserver import LocalRequesterNode
with LocalRequesterNode() as node:
    cids = [node.blocks.publish(folder) for folder in sys.argv[2:]]
    print(node.gateway_url, *cids, flush=True)
    sys.stdin.read()
"""


def measure(row, quick: bool):
    """The rows of figure 8, built with ``row(figure, value, goal, passed)``."""
    size = 8 * MIB if quick else 64 * MIB
    memory_size = 8 * MIB if quick else 200 * MIB
    rounds = 1 if quick else 5
    work = Path(tempfile.mkdtemp(prefix="bench-results-"))
    try:
        _write_random(work / "small", size)
        _write_random(work / "big", memory_size)
        process = subprocess.Popen([sys.executable, "-c", GATEWAY_PROCESS, str(ROOT), str(work / "small"),
                                    str(work / "big")], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   universal_newlines=True)
        try:
            gateway, cid, big_cid = process.stdout.readline().split()
            download = _download_ratio(gateway, cid, work, rounds)
            peak = _fetch_peak(gateway, big_cid, work / "peak")
        finally:
            process.stdin.close()
            process.wait(30)
        add = _add_ratio(work / "small" / "data.bin", rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [
        row("8 verified download vs plain GET to disk", "%.2fx  (%.0f vs %.0f MiB/s, %d MiB)" % (
            download[0], download[1], download[2], size // MIB), ">= 0.7x", download[0] >= 0.7),
        row("8 download peak memory, %d MiB result" % (memory_size // MIB), "%.1f MiB" % (peak / MIB),
            "<= 16 MiB", peak <= 16 * MIB),
        row("8 unixfs_add vs hashlib.sha256", "%.2fx  (%.0f vs %.0f MiB/s)" % add, ">= 0.5x", add[0] >= 0.5),
    ]


def _write_random(folder: Path, size: int) -> None:
    folder.mkdir()
    with open(folder / "data.bin", "wb") as out:
        for _ in range(size // MIB):
            out.write(os.urandom(MIB))


def _download_ratio(gateway: str, cid: str, work: Path, rounds: int):
    """(ratio, verified MiB/s, plain MiB/s), each the best of ``rounds``, taking turns."""
    url = "%s/ipfs/%s?format=car" % (gateway, cid)
    pool = urllib3.PoolManager()
    car_size = 0
    best_fetch = best_plain = float("inf")
    for index in range(rounds):
        dest = work / ("fetched-%d" % index)
        began = time.perf_counter()
        fetch(cid, dest, gateway=gateway)
        best_fetch = min(best_fetch, time.perf_counter() - began)
        shutil.rmtree(dest)
        target = work / ("plain-%d.car" % index)
        began = time.perf_counter()
        response = pool.request("GET", url, headers={"Accept": "application/vnd.ipld.car"}, preload_content=False)
        with open(target, "wb") as out:
            for chunk in response.stream(MIB):
                out.write(chunk)
        response.release_conn()
        best_plain = min(best_plain, time.perf_counter() - began)
        car_size = target.stat().st_size
        target.unlink()
    return best_plain / best_fetch, car_size / MIB / best_fetch, car_size / MIB / best_plain


def _fetch_peak(gateway: str, cid: str, dest: Path) -> int:
    tracemalloc.start()
    try:
        fetch(cid, dest, gateway=gateway)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        shutil.rmtree(dest, ignore_errors=True)


def _add_ratio(path: Path, rounds: int):
    """(ratio, unixfs_add MiB/s, sha256 MiB/s), best of ``rounds`` each, taking turns."""
    data = path.read_bytes()
    best_add = best_hash = float("inf")
    for _ in range(rounds):
        began = time.perf_counter()
        unixfs_add(path)
        best_add = min(best_add, time.perf_counter() - began)
        began = time.perf_counter()
        hashlib.sha256(data).digest()
        best_hash = min(best_hash, time.perf_counter() - began)
    megabytes = len(data) / MIB
    return best_hash / best_add, megabytes / best_add, megabytes / best_hash
