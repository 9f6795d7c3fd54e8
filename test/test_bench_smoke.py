"""The benchmark still runs: `python bench/run.py --quick` prints its whole table.

No timings are checked here (machines are noisy); only that every figure is
measured and printed, so the benchmark cannot rot unnoticed.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIGURES = [
    "1 states call CPU vs urllib3+json",
    "2 deserialize vs json.loads",
    "2 deserialize + touch all vs json.loads",
    "2 memory peak vs json.loads",
    "3 import bacalhau_client vs urllib3",
    "3 import loads cryptography/devserver/signing",
    "4 canonical_json + sign (median)",
    "4 canonical_json 200 inputs vs dumps",
    "5 8 threads calls/s vs PoolManager, same timeouts",
    "5 8 threads calls/s vs PoolManager, no timeouts",
    "6 parse + touch, 10 jobs",
    "6 parse + touch, 100 jobs",
    "6 per-job time, largest vs smallest",
    "7 wait_all on 20 running jobs: requests/s",
    "7 same, one /states poll loop per job",
    "7 event latency, websocket (median)",
    "7 event latency, polling /events (median)",
    "8 verified download vs plain GET to disk",
    "8 most that ratio can be here (work / cores)",
    "8 download peak memory, 8 MiB result",
    "8 unixfs_add vs hashlib.sha256",
]

INFORMATION_ONLY = {"6 parse + touch, 10 jobs", "6 parse + touch, 100 jobs", "7 same, one /states poll loop per job",
                    "8 most that ratio can be here (work / cores)"}
GOAL_FIGURES = [figure + "  " for figure in FIGURES if figure not in INFORMATION_ONLY]


@pytest.fixture(scope="module")
def quick_run(fixtures_dir):
    """One `--quick` run, shared by the tests below: (exit code, stdout lines)."""
    process = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--fixtures", str(fixtures_dir)],
        cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=300)
    return process.returncode, process.stdout.splitlines()


def test_quick_run_exits_zero(quick_run):
    assert quick_run[0] == 0


def test_quick_run_prints_the_table_header(quick_run):
    assert quick_run[1][0].split() == ["figure", "measured", "goal", "result"]


def test_quick_run_prints_a_row_for_every_figure(quick_run):
    printed = [figure for figure in FIGURES if any(line.startswith(figure + "  ") for line in quick_run[1])]
    assert printed == FIGURES


def test_quick_run_gives_every_goal_a_verdict(quick_run):
    rows = [line.rstrip() for line in quick_run[1] if line.startswith(tuple(GOAL_FIGURES))]
    assert [row.endswith(("PASS", "MISS")) for row in rows] == [True] * len(GOAL_FIGURES)


def test_quick_run_has_no_failed_or_unavailable_figure(quick_run):
    assert [line for line in quick_run[1] if "failed:" in line or "not available:" in line] == []
