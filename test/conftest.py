"""Shared test fixtures: the read-only shared material (fixtures, spec) and loopback servers."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
SHARED = ROOT.parent / "shared"
FIXTURES = SHARED / "fixtures"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """``shared/fixtures``: the Go-produced vectors, keys and example bodies."""
    if not FIXTURES.is_dir():
        pytest.fail("shared/fixtures not found beside the checkout at %s" % FIXTURES)
    return FIXTURES


@pytest.fixture(scope="session")
def canonical_vectors(fixtures_dir):
    """Every line of canonical_vectors.jsonl, parsed."""
    with open(fixtures_dir / "canonical_vectors.jsonl", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]
