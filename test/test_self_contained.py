"""A fresh clone passes alone: nothing in the package, tests, benchmark or CI reads outside the repository."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "test" / "fixtures"
# Ways code could reach the material that lies beside a checkout rather than in it.
OUTSIDE = re.compile(r"""\.\./shared|parent\s*/\s*["']shared["']|["']shared["']\s*/\s*["']fixtures["']""")


def tracked_files():
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:      # an unpacked sdist: no git, read the tree instead
        return [path for path in ROOT.rglob("*") if path.is_file() and ".git" not in path.parts]
    return [ROOT / name for name in listed.stdout.splitlines()]


def test_no_code_reads_material_beside_the_checkout():
    readers = [path for path in tracked_files()
               if path.suffix in (".py", ".cfg", ".ini", ".toml", ".sh") or path.parent.name == ".ci"]
    offenders = [str(path.relative_to(ROOT)) for path in readers
                 if path.exists() and OUTSIDE.search(path.read_text(encoding="utf-8", errors="replace"))
                 and path.name != Path(__file__).name]
    assert offenders == []


def test_the_fixtures_the_tests_use_are_in_the_repository():
    for name in ("canonical_vectors.jsonl", "keys/go_signed_submit_request.json", "keys/test_user_id.pem",
                 "responses/list_response.json", "spec/API_REFERENCE.md", "unixfs/index.json"):
        assert (FIXTURES / name).is_file(), name
