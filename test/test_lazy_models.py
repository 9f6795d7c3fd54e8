"""Models load on first use, and every way of reaching one still works.

`import bacalhau_client` stays cheap because a model's module is imported only
when the model is first named; these tests pin down that this is invisible.
"""

import ast
from pathlib import Path

import pytest

import bacalhau_client
from bacalhau_client import models
from bacalhau_client.models.base import MODEL_REGISTRY, Model, module_name
from conftest import fresh_interpreter

ROOT = Path(__file__).resolve().parent.parent


def test_import_loads_no_model_only_used_by_answers():
    loaded = fresh_interpreter("import sys, bacalhau_client\n"
                               "print('bacalhau_client.models.model_job' in sys.modules)")
    assert loaded == "False"


def test_import_loads_neither_signing_nor_the_local_node():
    loaded = fresh_interpreter(
        "import sys, bacalhau_client\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'cryptography'\n"
        "             or name.startswith(('bacalhau_client.signing', 'bacalhau_client.devserver'))))")
    assert loaded == "[]"


def test_import_does_not_load_pprint():
    assert fresh_interpreter("import sys, bacalhau_client\nprint('pprint' in sys.modules)") == "False"


def test_import_loads_neither_difflib_nor_typing_extensions():
    loaded = fresh_interpreter("import sys, bacalhau_client\n"
                               "print('difflib' in sys.modules, 'typing_extensions' in sys.modules)")
    assert loaded == "False False"


def test_star_import_gives_every_model():
    names = fresh_interpreter("from bacalhau_client.models import *\n"
                              "print(ModelJob.__name__, ModelJobShardState.__name__, TypesMountStatus.__name__)")
    assert names == "ModelJob ModelJobShardState TypesMountStatus"


def test_package_attribute_is_the_model_class():
    assert bacalhau_client.ModelJobShardState is models.ModelJobShardState


def test_every_model_name_resolves_to_the_model_class_of_that_name():
    classes = [getattr(models, name) for name in models.MODEL_NAMES]
    assert [(cls.__name__, issubclass(cls, Model)) for cls in classes] == [
        (name, True) for name in models.MODEL_NAMES]


def test_type_checkers_see_an_import_of_every_model_and_nothing_else():
    tree = ast.parse((ROOT / "bacalhau_client" / "models" / "__init__.py").read_text(encoding="utf-8"))
    (block,) = [node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"]
    imported = [(node.module, alias.name) for node in block.body for alias in node.names]
    assert imported == [(module_name(name), name) for name in models.MODEL_NAMES]


def test_dir_of_models_lists_models_not_loaded_yet():
    assert set(models.MODEL_NAMES) <= set(dir(models))


def test_dir_of_the_package_lists_every_public_name():
    assert set(bacalhau_client.__all__) <= set(dir(bacalhau_client))


def test_unknown_model_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="^module 'bacalhau_client.models' has no attribute 'ModelNope'$"):
        models.ModelNope


def test_unknown_package_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="^module 'bacalhau_client' has no attribute 'ModelNope'$"):
        bacalhau_client.ModelNope


def test_module_name_is_the_class_name_in_snake_case():
    assert module_name("ModelJobShardState") == "bacalhau_client.models.model_job_shard_state"


def test_registry_lookup_loads_the_model_module():
    loaded = fresh_interpreter("import sys\n"
                               "from bacalhau_client.models.base import MODEL_REGISTRY\n"
                               "cls = MODEL_REGISTRY['ModelRunCommandResult']\n"
                               "print(cls.__module__, cls.__module__ in sys.modules)")
    assert loaded == "bacalhau_client.models.model_run_command_result True"


def test_registry_contains_a_model_not_loaded_yet():
    assert fresh_interpreter("from bacalhau_client.models.base import MODEL_REGISTRY\n"
                             "print('ModelJobEvent' in MODEL_REGISTRY)") == "True"


@pytest.mark.parametrize("name", ["str", "datetime", "ModelNope", "list[ModelJob]", ""])
def test_registry_does_not_contain_names_that_are_not_models(name):
    assert (name in MODEL_REGISTRY, MODEL_REGISTRY.get(name)) == (False, None)


def test_registry_lookup_of_an_unknown_model_is_a_key_error():
    with pytest.raises(KeyError, match="^'ModelNope'$"):
        MODEL_REGISTRY["ModelNope"]
