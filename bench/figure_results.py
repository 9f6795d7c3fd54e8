"""Figure 8: downloading and publishing results, measured side by side in one run.

- verified download (``bacalhau_client.ipfs.fetch``: CAR parsed, every block
  hashed, files written) vs a plain urllib3 GET of the same CAR streamed to a
  file, both from a local node's gateway on 127.0.0.1 running in its own
  process (as a real gateway is remote, so it does not share our GIL):
  throughput ratio, best of several alternating rounds, wall time (disk
  writes are part of both);
- the most that ratio can be on this machine: a verified download does all
  the work of the plain GET (client and gateway CPU, measured) plus SHA-256 of
  every byte (measured over the same CAR in block-sized pieces); spread
  perfectly over the cores, that work cannot take less than
  ``(GET CPU + gateway CPU + sha256 CPU) / cores``. Shown for information;
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
# Blocks of kubo's default chunker: what a download hashes one at a time.
BLOCK = 256 * 1024
# Runs in a child process: a local node that publishes the folders named on the command line,
# prints its gateway URL and their CIDs on one line, then answers each line on its stdin with the
# CPU seconds it has used so far (all threads), and serves until its stdin closes.
GATEWAY_PROCESS = """
import sys, time
sys.path.insert(0, sys.argv[1])
from bacalhau_client.devserver import LocalRequesterNode
with LocalRequesterNode() as node:
    cids = [node.blocks.publish(folder) for folder in sys.argv[2:]]
    print(node.gateway_url, *cids, flush=True)
    for _ in sys.stdin:
        print(time.process_time(), flush=True)
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
            download, ceiling = _download_ratio(gateway, cid, work, rounds, _cpu_reader(process))
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
        row("8 most that ratio can be here (work / cores)", "%.2fx  (GET %.0f + gateway %.0f + sha256 %.0f ms CPU "
            "on %d cores, GET %.0f ms)" % ceiling, "", None),
        row("8 download peak memory, %d MiB result" % (memory_size // MIB), "%.1f MiB" % (peak / MIB),
            "<= 16 MiB", peak <= 16 * MIB),
        row("8 unixfs_add vs hashlib.sha256", "%.2fx  (%.0f vs %.0f MiB/s)" % add, ">= 0.5x", add[0] >= 0.5),
    ]


def _write_random(folder: Path, size: int) -> None:
    folder.mkdir()
    with open(folder / "data.bin", "wb") as out:
        for _ in range(size // MIB):
            out.write(os.urandom(MIB))


def _cpu_reader(process):
    """A function giving the gateway process's CPU seconds so far."""
    def gateway_cpu() -> float:
        process.stdin.write("\n")
        process.stdin.flush()
        return float(process.stdout.readline())
    return gateway_cpu


def _download_ratio(gateway: str, cid: str, work: Path, rounds: int, gateway_cpu):
    """The download row's figures, each the best of ``rounds``, taking turns, and the ceiling row's.

    Returns ``(ratio, verified MiB/s, plain MiB/s)`` and ``(ceiling ratio,
    plain GET CPU ms, gateway CPU ms, sha256 CPU ms, cores, plain GET ms)``,
    the CPU figures those of the fastest plain GET.
    """
    url = "%s/ipfs/%s?format=car" % (gateway, cid)
    pool = urllib3.PoolManager()
    car_size = 0
    best_fetch = best_plain = best_hash = float("inf")
    plain_cpu = server_cpu = 0.0
    for index in range(rounds):
        dest = work / ("fetched-%d" % index)
        began = time.perf_counter()
        fetch(cid, dest, gateway=gateway)
        best_fetch = min(best_fetch, time.perf_counter() - began)
        shutil.rmtree(dest)
        target = work / ("plain-%d.car" % index)
        server_began, cpu_began = gateway_cpu(), time.process_time()
        began = time.perf_counter()
        response = pool.request("GET", url, headers={"Accept": "application/vnd.ipld.car"}, preload_content=False)
        with open(target, "wb") as out:
            for chunk in response.stream(MIB):
                out.write(chunk)
        response.release_conn()
        elapsed = time.perf_counter() - began
        cpu, server = time.process_time() - cpu_began, gateway_cpu() - server_began
        if elapsed < best_plain:
            best_plain, plain_cpu, server_cpu = elapsed, cpu, server
        car = memoryview(target.read_bytes())
        car_size = len(car)
        target.unlink()
        began = time.perf_counter()
        for start in range(0, car_size, BLOCK):
            hashlib.sha256(car[start:start + BLOCK]).digest()
        best_hash = min(best_hash, time.perf_counter() - began)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    least = max(best_plain, (plain_cpu + server_cpu + best_hash) / cores)
    ceiling = (best_plain / least, plain_cpu * 1000, server_cpu * 1000, best_hash * 1000, cores, best_plain * 1000)
    return (best_plain / best_fetch, car_size / MIB / best_fetch, car_size / MIB / best_plain), ceiling


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
