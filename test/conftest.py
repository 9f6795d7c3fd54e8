"""Test fixtures: the Go-produced vectors and reference bodies kept in ``test/fixtures``."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """``test/fixtures``: the Go-produced vectors, keys and example bodies (copied byte for byte)."""
    return FIXTURES


@pytest.fixture(scope="session")
def canonical_vectors(fixtures_dir):
    """Every line of canonical_vectors.jsonl, parsed."""
    with open(fixtures_dir / "canonical_vectors.jsonl", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]
