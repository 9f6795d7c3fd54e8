"""The docs say what the code does: these tests fail when a doc and the code disagree."""

import inspect
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
from conftest import ROOT

import bacalhau_client
from bacalhau_client import HealthApi, JobApi, MiscApi, models
from bacalhau_client.api.base import CALL_OPTIONS, BaseApi
from bacalhau_client.api.endpoints import ENDPOINTS
from bacalhau_client.models import enums
from bacalhau_client.models.base import Model

DOCS = ROOT / "docs"
README = ROOT / "README.md"
DEMO_COMMAND = "pip install . && python -m bacalhau_client demo"
TEST_COMMAND = "pip install -r test-requirements.txt . && python -m pytest -q test"
API_CLASSES = [JobApi, HealthApi, MiscApi]

MODELS = [cls for cls in (getattr(models, name) for name in models.__all__)
          if inspect.isclass(cls) and issubclass(cls, Model) and cls is not Model]
MODEL_IDS = [cls.__name__ for cls in MODELS]


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def properties_table(doc: str) -> List[Tuple[str, str, str]]:
    """(name, type, JSON key) of each row of a model doc's Properties table."""
    section = doc.split("## Properties", 1)[1]
    rows = []
    for line in section.splitlines():
        match = re.match(r"\*\*(\w+)\*\* \| (?:\[\*\*(.+?)\*\*\]\(\w+\.md\)|\*\*(.+?)\*\*) \| `([^`]+)` \|", line)
        if match:
            rows.append((match.group(1), match.group(2) or match.group(3), match.group(4)))
    return rows


def public_methods(api_class: type) -> Dict[str, inspect.Signature]:
    """Every public method of an API class (seed names, aliases, twins): {name: signature}."""
    return {name: inspect.signature(member) for name, member in inspect.getmembers(api_class, inspect.isfunction)
            if not name.startswith("_") and not hasattr(BaseApi, name)}


def documented_call(name: str, signature: inspect.Signature) -> str:
    """How a doc writes a call of the method: ``states(body, **kwargs)``."""
    parameters = [str(parameter).split(":")[0] + ("=None" if parameter.default is None else "")
                  for parameter in list(signature.parameters.values())[1:]]
    return "%s(%s)" % (name, ", ".join(parameter.replace(" ", "") for parameter in parameters))


def quickstart_commands() -> List[str]:
    """The lines of the code block under README's Quickstart heading."""
    section = read(README).split("\n## Quickstart\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```\w*\n(.*?)```", section, flags=re.S)
    assert block is not None, "README: no code block under ## Quickstart"
    return [line for line in block.group(1).splitlines() if line.strip()]


# --- model docs ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", MODELS, ids=MODEL_IDS)
def test_model_doc_lists_exactly_the_models_attributes(cls):
    doc = read(DOCS / ("%s.md" % cls.__name__))
    assert properties_table(doc) == [(field.attr, field.type, field.key) for field in cls._fields]


@pytest.mark.parametrize("cls", MODELS, ids=MODEL_IDS)
def test_model_doc_is_titled_with_the_class_name(cls):
    assert read(DOCS / ("%s.md" % cls.__name__)).startswith("# %s\n" % cls.__name__)


def test_model_docs_are_what_the_generator_writes(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_model_docs.py"), str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    generated = sorted(path.name for path in tmp_path.iterdir())
    assert generated == sorted("%s.md" % name for name in MODEL_IDS)
    stale = [name for name in generated if read(tmp_path / name) != read(DOCS / name)]
    assert stale == [], "run: python scripts/gen_model_docs.py"


def test_every_model_is_listed_in_the_docs_index():
    index = read(DOCS / "README.md")
    listed = re.findall(r"^- \[(\w+)\]\((\w+)\.md\)$", index, flags=re.M)
    assert sorted(listed) == sorted((name, name) for name in MODEL_IDS)


def test_enums_doc_lists_every_enum_value():
    doc = read(DOCS / "Enums.md")
    for cls in (getattr(enums, name) for name in dir(enums)):
        if inspect.isclass(cls) and issubclass(cls, enums.EnumNames) and cls is not enums.EnumNames:
            for constant, value in vars(cls).items():
                if constant.isupper() and isinstance(value, str):
                    assert "`%s.%s` | `%s`" % (cls.__name__, constant, value) in doc


# --- API docs -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("api_class", API_CLASSES, ids=lambda cls: cls.__name__)
def test_every_public_method_is_documented_with_its_parameters(api_class):
    doc = read(DOCS / ("%s.md" % api_class.__name__))
    missing = [documented_call(name, signature) for name, signature in public_methods(api_class).items()
               if documented_call(name, signature) not in doc]
    assert missing == []


@pytest.mark.parametrize("api_class", API_CLASSES, ids=lambda cls: cls.__name__)
def test_every_documented_method_exists(api_class):
    doc = read(DOCS / ("%s.md" % api_class.__name__))
    named = set(re.findall(r"^# \*\*(\w+)\*\*$", doc, flags=re.M))
    named |= set(re.findall(r"\[\*\*(\w+)\*\*\]\(%s\.md#" % api_class.__name__, doc))
    named |= set(re.findall(r"^> .* (\w+)\(", doc, flags=re.M))
    for aliases in re.findall(r"^Aliases: (.*)$", doc, flags=re.M):
        named |= set(re.findall(r"`(\w+)\(", aliases))
    assert sorted(name for name in named if not hasattr(api_class, name)) == []


@pytest.mark.parametrize("api_class", API_CLASSES, ids=lambda cls: cls.__name__)
def test_every_seed_method_has_its_own_section(api_class):
    doc = read(DOCS / ("%s.md" % api_class.__name__))
    sections = re.findall(r"^# \*\*(\w+)\*\*$", doc, flags=re.M)
    assert sorted(sections) == sorted(endpoint.seed_name for endpoint in ENDPOINTS
                                      if endpoint.api == api_class.__name__)


def test_every_seed_method_is_in_the_docs_index():
    index = read(DOCS / "README.md")
    assert [endpoint.seed_name for endpoint in ENDPOINTS
            if "[**%s**](%s.md#%s)" % (endpoint.seed_name, endpoint.api, endpoint.seed_name) not in index] == []


@pytest.mark.parametrize("api_class", API_CLASSES, ids=lambda cls: cls.__name__)
def test_endpoint_table_of_each_api_doc_is_the_endpoint_table(api_class):
    doc = read(DOCS / ("%s.md" % api_class.__name__))
    rows = re.findall(r"^\[\*\*(\w+)\*\*\]\(\w+\.md#\w+\) \| `(\w+)` \| \*\*(\w+)\*\* (/\w+) \|", doc, flags=re.M)
    assert rows == [(endpoint.seed_name, endpoint.name, endpoint.method, endpoint.path) for endpoint in ENDPOINTS
                    if endpoint.api == api_class.__name__]


def test_keyword_options_documented_are_the_ones_accepted():
    doc = read(DOCS / "JobApi.md")
    table = doc.split("## Keyword options", 1)[1].split("\n# ", 1)[0]
    assert set(re.findall(r"^`(\w+)` \|", table, flags=re.M)) == set(CALL_OPTIONS)


@pytest.mark.parametrize("name", ["JobApi.md", "HealthApi.md", "MiscApi.md", "README.md"])
def test_json_examples_in_api_docs_are_valid_json(name):
    blocks = re.findall(r"```json\n(.*?)```", read(DOCS / name), flags=re.S)
    for block in blocks:
        json.loads(block)


def test_seed_example_responses_in_job_api_doc_are_the_fixture_bodies(fixtures_dir):
    blocks = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", read(DOCS / "JobApi.md"), flags=re.S)]
    for name in ("events_response.json", "results_response.json", "states_response.json"):
        assert json.loads(read(fixtures_dir / "responses" / name)) in blocks, name


def test_job_api_doc_has_no_html_escapes():
    assert re.findall(r"&#x27;|&#x60;|&lt;|&gt;|&quot;|\\\"", read(DOCS / "JobApi.md")) == []


# --- links --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [README] + sorted(DOCS.glob("*.md")), ids=lambda path: str(path.relative_to(ROOT)))
def test_relative_links_point_to_existing_files(path):
    targets = re.findall(r"\]\((?!https?:|#)([^)#\s]+)", read(path))
    missing = sorted({target for target in targets if not (path.parent / target).exists()})
    assert missing == []


# --- README quickstart --------------------------------------------------------------------------------------


def test_readme_quickstart_is_exactly_the_two_commands():
    assert quickstart_commands() == [DEMO_COMMAND, TEST_COMMAND]


def test_readme_test_command_is_the_one_ci_runs():
    # CI adds only output-quietening flags: pip's -q and pytest's cache-off switch.
    ci_lines = [line.replace("pip install -q ", "pip install ").replace(" -p no:cacheprovider", "")
                for line in read(ROOT / ".ci" / "run").splitlines()]
    assert TEST_COMMAND in ci_lines


def test_readme_test_command_installs_what_the_tests_import():
    requirements = read(ROOT / "test-requirements.txt").split()
    assert {"-r", "requirements.txt", "pytest>=7", "hypothesis>=6.50"} <= set(requirements)


def test_readme_demo_command_names_a_command_the_package_has():
    command = shlex.split(DEMO_COMMAND.split("&&")[1])
    assert command[:3] == ["python", "-m", "bacalhau_client"]
    result = subprocess.run([sys.executable, "-m", "bacalhau_client", "--help"], capture_output=True, text=True,
                            cwd=str(ROOT), timeout=60)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^\s+%s\s" % command[3], result.stdout, flags=re.M)


def test_readme_demo_command_runs_to_success():
    result = subprocess.run([sys.executable, "-m", "bacalhau_client", "demo"], capture_output=True, text=True,
                            cwd=str(ROOT), timeout=120)
    assert result.returncode == 0, result.stderr


def test_readme_install_command_installs_what_the_demo_needs():
    # The demo signs a job, so a plain `pip install .` must bring cryptography along.
    setup_script = read(ROOT / "setup.py")
    install_requires = re.search(r"install_requires=\[(.*?)\]", setup_script, flags=re.S).group(1)
    assert "cryptography" in re.findall(r'"(\w[\w-]*)', install_requires)


def test_docs_index_names_the_package_version():
    assert "- Package version: %s\n" % bacalhau_client.__version__ in read(DOCS / "README.md")


@pytest.mark.parametrize("section,target", [
    ("High-level client", "docs/Client.md"), ("Local node", "docs/LocalNode.md"),
    ("Reliability", "docs/Reliability.md"), ("Performance", "python bench/run.py"),
])
def test_readme_has_the_guide_sections(section, target):
    text = read(README)
    assert "\n## %s\n" % section in text
    assert target in text.split("\n## %s\n" % section, 1)[1].split("\n## ", 1)[0]


# --- examples run ---------------------------------------------------------------------------------------------

PUBLIC_NODE = "http://bootstrap.production.bacalhau.org:1234"
EXAMPLE_DOCS = ["README.md", "docs/JobApi.md", "docs/HealthApi.md", "docs/MiscApi.md"]


def python_examples(relative_path: str) -> List[str]:
    return re.findall(r"```python\n(.*?)```", read(ROOT / relative_path), flags=re.S)


@pytest.mark.parametrize("relative_path", EXAMPLE_DOCS)
def test_python_examples_run_against_a_local_node(example_node, relative_path, capsys):
    node, client_id, job_id = example_node.node, example_node.client_id, example_node.job_id
    examples = python_examples(relative_path)
    assert examples, relative_path
    for number, code in enumerate(examples, 1):
        code = code.replace(PUBLIC_NODE, node.url)
        exec(compile(code, "%s example %d" % (relative_path, number), "exec"),
             {"client_id": client_id, "job_id": job_id})
    assert capsys.readouterr().out
