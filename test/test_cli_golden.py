"""Golden argument lines: the payload each command builds equals the one the Go CLI builds for the same line."""

import json

import pytest

from bacalhau_client.cli import main
from conftest import FIXTURES

GOLDEN = json.loads((FIXTURES / "cli" / "golden.json").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def no_node(monkeypatch, tmp_path):
    """A dry run needs no node and no key; point both somewhere harmless."""
    monkeypatch.setenv("BACALHAU_DIR", str(tmp_path))
    monkeypatch.setenv("BACALHAU_API_HOST", "127.0.0.1")
    monkeypatch.setenv("BACALHAU_API_PORT", "9")
    monkeypatch.delenv("DO_NOT_TRACK", raising=False)
    monkeypatch.chdir(FIXTURES.parent.parent)


@pytest.mark.parametrize("line", GOLDEN, ids=[line["name"]for line in GOLDEN])
def test_dry_run_payload_equals_the_go_payload(capsys, monkeypatch, line):
    for name, value in line.get("env", {}).items():
        monkeypatch.setenv(name, value)
    code = main(["--dry-run", "--output=json"] + line["argv"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert json.loads(out) == line["payload"]


def test_dry_run_yaml_is_the_go_yaml(capsys):
    assert main(["docker", "run", "--dry-run", "ubuntu", "echo", "hello"]) == 0
    assert capsys.readouterr().out == (FIXTURES / "cli" / "docker_run_dry_run.yaml").read_text(encoding="utf-8")


def test_dry_run_json_is_the_canonical_payload_the_node_signs(capsys):
    from bacalhau_client.jobs import docker_job
    from bacalhau_client.signing import canonical_json

    assert main(["docker", "run", "--dry-run", "--output", "json", "ubuntu", "date"]) == 0
    assert capsys.readouterr().out.encode() == canonical_json(docker_job("ubuntu", ["date"])) + b"\n"


def test_golden_lines_cover_every_job_building_command():
    commands = {" ".join(line["argv"][:2]) if line["argv"][0] in ("docker", "wasm", "run") else line["argv"][0]
                for line in GOLDEN}
    assert commands == {"docker run", "wasm run", "run python", "create"}
