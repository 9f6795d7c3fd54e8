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


def test_list_table_is_the_go_table_for_the_reference_answer(capsys, fixtures_dir):
    from loopback import LoopbackServer

    body = (fixtures_dir / "responses" / "list_response.json").read_bytes()
    with LoopbackServer(lambda request: body) as server:
        code = main(["list", "--no-style", "--host", server.url])
    assert code == 0
    assert capsys.readouterr().out == (
        " CREATED   ID        JOB                      STATE      VERIFIED  PUBLISHED               \n"
        " 13:32:55  9304c616  Docker ubuntu date       Completed            /ipfs/QmTVmC7JBD2ES2... \n"
        " 13:29:01  92d5d4ee  Docker ubuntu sleep ...  Completed            /ipfs/QmWUXBndMuq2G6... \n")


def test_list_is_coloured_like_go_on_a_terminal(capsys, fixtures_dir, monkeypatch):
    from loopback import LoopbackServer

    class Terminal:
        text = ""

        def write(self, text):
            Terminal.text += text

        def flush(self):
            pass

        def isatty(self):
            return True

    body = (fixtures_dir / "responses" / "list_response.json").read_bytes()
    monkeypatch.setattr("sys.stdout", Terminal())
    with LoopbackServer(lambda request: body) as server:
        assert main(["list", "--host", server.url]) == 0
    lines = Terminal.text.splitlines()
    assert lines[0].startswith("\x1b[92;100m CREATED ") and lines[0].endswith("\x1b[0m")
    assert lines[1].startswith("\x1b[97;40m 13:32:55 ") and lines[2].startswith("\x1b[37;40m 13:29:01 ")


def test_describe_yaml_shape_for_the_reference_job(capsys, fixtures_dir):
    from loopback import LoopbackServer

    bodies = {"/list": (fixtures_dir / "responses" / "list_response.json").read_bytes(),
              "/states": (fixtures_dir / "responses" / "states_response.json").read_bytes()}
    with LoopbackServer(lambda request: bodies[request.path]) as server:
        code = main(["describe", "9304c616", "--host", server.url])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("APIVersion: V1beta1\nClientID: ")
    assert '\nCreatedAt: "2022-11-17T13:32:55.33837275Z"\nDeal:\n  Concurrency: 1\nExecutionPlan:\n  ShardsTotal: 1\n' \
           "ID: 9304c616-291f-41ad-b862-54e133c0149e\nJobState:\n  Nodes:\n" in out
    assert "          Status: 'Got results proposal of length: 0'\n" in out
    assert "            stdout: |\n              Thu Nov 17 13:32:55 UTC 2022\n" in out
    assert "\nSpec:\n  Docker:\n    Entrypoint:\n    - date\n    Image: ubuntu\n  Engine: Docker\n" in out
