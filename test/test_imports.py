"""The package's layers only point down: no import cycle, and the local node stands apart from the client.

The graph is read from the source (``ast``), not by importing: an edge is an
``import`` run when the module loads (a function's own imports run later and
cannot form a load-time cycle; ``if TYPE_CHECKING:`` blocks never run).
Importing a submodule runs its packages' ``__init__`` first, so those are edges too.
"""

import ast
import re
from pathlib import Path
from typing import Dict, List, Set

import pytest
from conftest import ROOT, fresh_interpreter

PACKAGE = "bacalhau_client"
SOURCE = ROOT / PACKAGE


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: Dict[str, Path] = {module_name(path): path for path in sorted(SOURCE.rglob("*.py"))}


def imported_names(node: ast.AST, module: str, is_package: bool) -> List[str]:
    """The modules an import statement loads or reads from.

    ``from a import b`` names ``a.b`` when that is a module, else ``a`` (``b``
    is read from ``a``, which must have got that far).
    """
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative: from .x import y
        base = module.split(".")[:len(module.split(".")) - node.level + (1 if is_package else 0)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    return ["%s.%s" % (source, alias.name) if "%s.%s" % (source, alias.name) in MODULES else source
            for alias in node.names]


def packages_above(name: str) -> Set[str]:
    parts = name.split(".")
    return {".".join(parts[:end]) for end in range(1, len(parts))}


def loaded_modules(name: str, importer: str) -> Set[str]:
    """The package modules that importing ``name`` from ``importer`` may run.

    ``name`` itself, and the packages above it, except those above the
    importer: they started loading before it did (a package whose
    ``__init__`` imports its own submodules is not a cycle).
    """
    targets = {name} | (packages_above(name) - packages_above(importer))
    return {target for target in targets if target in MODULES}


def is_type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def load_time_imports(tree: ast.AST):
    """Import statements that run when the module loads: not in functions, not under ``if TYPE_CHECKING``."""
    pending = list(ast.iter_child_nodes(tree))
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) or is_type_checking_block(node):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        pending.extend(ast.iter_child_nodes(node))


def all_imports(tree: ast.AST):
    return (node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom)))


def graph(statements) -> Dict[str, Set[str]]:
    edges = {}
    for module, path in MODULES.items():
        targets: Set[str] = set()
        for node in statements(ast.parse(path.read_text(encoding="utf-8"))):
            for name in imported_names(node, module, path.name == "__init__.py"):
                targets |= loaded_modules(name, module)
        edges[module] = targets - {module}
    return edges


def find_cycle(edges: Dict[str, Set[str]]) -> List[str]:
    """One import cycle as ``[a, b, ..., a]``, or ``[]``."""
    state: Dict[str, str] = {}
    stack: List[str] = []

    def visit(module: str) -> List[str]:
        state[module] = "open"
        stack.append(module)
        for target in sorted(edges.get(module, ())):
            if state.get(target) == "open":
                return stack[stack.index(target):] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        state[module] = "done"
        return []

    for module in sorted(edges):
        if module not in state:
            cycle = visit(module)
            if cycle:
                return cycle
    return []


def test_the_walk_sees_the_package_and_its_layers():
    edges = graph(load_time_imports)
    assert {"bacalhau_client.api_client", "bacalhau_client.api.endpoints"} <= edges["bacalhau_client.api.base"]
    assert edges["bacalhau_client.models.job_state"] == {"bacalhau_client.models.enums"}
    assert "bacalhau_client.models" in edges["bacalhau_client.signing"]


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_import_cycle_at_load_time():
    assert find_cycle(graph(load_time_imports)) == []


def test_the_local_node_imports_nothing_from_the_client_the_cli_or_the_api():
    banned = ("bacalhau_client.client", "bacalhau_client.cli", "bacalhau_client.api")
    edges = graph(all_imports)
    offending = sorted((module, target) for module, targets in edges.items()
                       if module.startswith("bacalhau_client.devserver") for target in targets
                       if any(target == name or target.startswith(name + ".") for name in banned))
    assert offending == []


def test_importing_the_package_runs_only_the_version_module():
    assert graph(load_time_imports)[PACKAGE] == {"bacalhau_client._version"}


# --- the package's names load on first use ---------------------------------------------------------------------


def test_importing_the_package_loads_only_the_package_and_its_version():
    loaded = fresh_interpreter("import sys, bacalhau_client\n"
                               "print(sorted(name for name in sys.modules if name.startswith('bacalhau_client')))")
    assert loaded == "['bacalhau_client', 'bacalhau_client._version']"


def test_the_transport_and_its_errors_load_no_models():
    loaded = fresh_interpreter("import sys, bacalhau_client.rest\n"
                               "print(sorted(name for name in sys.modules if name.startswith('bacalhau_client')))")
    assert "models" not in loaded and "bacalhau_client.exceptions" in loaded


def test_every_public_name_resolves_and_dir_lists_it():
    import bacalhau_client

    names = bacalhau_client.__all__
    assert [name for name in names if getattr(bacalhau_client, name, None) is None] == []
    assert set(names) <= set(dir(bacalhau_client))
    assert {"JobApi", "ApiException", "UserKey", "Client", "ModelJob", "JobStateType", "__version__"} <= set(
        dir(bacalhau_client))


def test_star_import_gives_the_public_names():
    assert fresh_interpreter("from bacalhau_client import *\n"
                             "print(JobApi.__name__, NotFoundError.__name__, ModelJob.__name__, UserKey.__name__)"
                             ) == "JobApi NotFoundError ModelJob UserKey"


def test_submodules_are_attributes_after_a_plain_import():
    assert fresh_interpreter("import bacalhau_client\n"
                             "print(bacalhau_client.models.ModelJob.__name__, bacalhau_client.api.JobApi.__name__)"
                             ) == "ModelJob JobApi"


@pytest.mark.parametrize("name", ["Nope", "nope", "__nope__"])
def test_an_unknown_name_is_an_attribute_error(name):
    import bacalhau_client

    with pytest.raises(AttributeError) as raised:
        getattr(bacalhau_client, name)
    assert str(raised.value) == "module 'bacalhau_client' has no attribute %r" % name


def test_the_version_has_one_home():
    import bacalhau_client
    from bacalhau_client import _version, api_client

    assert bacalhau_client.__version__ == _version.__version__ == api_client.__version__
    assert re.search(r'__version__ = "([^"]+)"', (SOURCE / "_version.py").read_text()).group(1) == _version.__version__
