"""The models' type stubs (.pyi) declare exactly what their tables make, so type checkers see it."""

import ast
import importlib.util
import sys
from pathlib import Path

import pytest

from bacalhau_client.models import MODEL_NAMES, MODEL_REGISTRY
from bacalhau_client.models.base import module_name

ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = ROOT / "bacalhau_client" / "models"


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_model_stubs", ROOT / "scripts" / "gen_model_stubs.py")
    generator = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_model_stubs", generator)
    spec.loader.exec_module(generator)
    return generator


def stub_path(class_name: str) -> Path:
    return MODELS_DIR / (module_name(class_name).rsplit(".", 1)[1] + ".pyi")


def test_committed_stubs_are_what_the_generator_writes(tmp_path):
    count = load_generator().write_model_stubs(tmp_path)
    assert count == len(MODEL_NAMES) + 1
    for written in sorted(tmp_path.iterdir()):
        committed = MODELS_DIR / written.name
        assert committed.is_file(), "missing %s: run python scripts/gen_model_stubs.py" % committed.name
        assert committed.read_text(encoding="utf-8") == written.read_text(encoding="utf-8"), \
            "%s is stale: run python scripts/gen_model_stubs.py" % committed.name


@pytest.mark.parametrize("class_name", MODEL_NAMES)
def test_stub_declares_every_attribute_and_constructor_keyword(class_name):
    tree = ast.parse(stub_path(class_name).read_text(encoding="utf-8"))
    (cls,) = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    declared = {node.target.id for node in cls.body if isinstance(node, ast.AnnAssign)} | {
        node.name for node in cls.body if isinstance(node, ast.FunctionDef) and node.name != "__init__"}
    (init,) = [node for node in cls.body if isinstance(node, ast.FunctionDef) and node.name == "__init__"]
    attributes = [field.attr for field in MODEL_REGISTRY[class_name]._fields]
    assert declared - {"_fields"} == set(attributes)
    assert [argument.arg for argument in init.args.args[1:]] == attributes


def test_package_stub_exports_every_model():
    tree = ast.parse((MODELS_DIR / "__init__.pyi").read_text(encoding="utf-8"))
    imported = {alias.asname for node in tree.body if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert set(MODEL_NAMES) <= imported
