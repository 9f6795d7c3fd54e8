"""Write the type stubs (``.pyi``) of the models from their tables.

Model attributes are properties made from each model's ``_fields`` table at
import time, so type checkers and editors cannot see them in the ``.py``
files. A stub beside each model module declares them, with the constructor's
keywords; ``test/test_model_stubs.py`` fails when a stub and its table differ.

    python scripts/gen_model_stubs.py [OUT_DIR]    # default: bacalhau_client/models
"""

import sys
from pathlib import Path
from typing import List, Set, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bacalhau_client.models import MODEL_NAMES, MODEL_REGISTRY, __all__ as MODELS_ALL  # noqa: E402
from bacalhau_client.models.base import Field, module_name  # noqa: E402

SCALARS = {"str": "str", "int": "int", "float": "float", "bool": "bool", "object": "Any"}


def python_type(type_string: str, models: Set[str]) -> str:
    """The annotation for a swagger-style type string; model names used are added to ``models``."""
    if type_string.startswith("list["):
        return "List[%s]" % python_type(type_string[5:-1], models)
    if type_string.startswith("dict("):
        return "Dict[str, %s]" % python_type(type_string[5:-1].split(",", 1)[1].strip(), models)
    if type_string in SCALARS:
        return SCALARS[type_string]
    if type_string == "datetime":
        return "Timestamp"
    models.add(type_string)
    return type_string


def field_types(field: Field, models: Set[str]) -> Tuple[str, str]:
    """(what reading the attribute gives, what the constructor and setter accept)."""
    read = python_type(field.type, models)
    if field.kind == "datetime":
        return read, "Union[datetime, str, None]"
    if field.kind == "model":
        return read, "Union[%s, Dict[str, Any], None]" % read
    return read, "Optional[%s]" % read


def render(class_name: str) -> str:
    """The stub of one model module."""
    cls = MODEL_REGISTRY[class_name]
    models: Set[str] = set()
    attributes: List[str] = []
    parameters: List[str] = []
    for field in cls._fields:
        read, accepted = field_types(field, models)
        parameters.append("        %s: %s = ...," % (field.attr, accepted))
        if accepted == "Optional[%s]" % read:
            attributes.append("    %s: Optional[%s]" % (field.attr, read))
        else:  # the setter takes more than the getter gives (a datetime, a dict in wire form)
            attributes += ["    @property", "    def %s(self) -> Optional[%s]: ..." % (field.attr, read),
                           "    @%s.setter" % field.attr,
                           "    def %s(self, value: %s) -> None: ..." % (field.attr, accepted)]
    models.discard(class_name)
    lines = [
        '"""Types of %s, written by scripts/gen_model_stubs.py from its table."""' % class_name,
        "",
        "from datetime import datetime",
        "from typing import Any, Dict, List, Optional, Tuple, Union",
        "",
        "from bacalhau_client.models.base import Field, Model",
        "from bacalhau_client.models.timestamp import Timestamp",
    ]
    lines += ["from %s import %s" % (module_name(name), name) for name in sorted(models)]
    lines += ["", "", "class %s(Model):" % class_name, "    _fields: Tuple[Field, ...]"]
    lines += attributes
    lines += ["", "    def __init__(", "        self,"] + parameters + ["    ) -> None: ..."]
    return "\n".join(lines) + "\n"


def render_package() -> str:
    """The stub of ``bacalhau_client.models``: every name it offers, each from its module."""
    lines = [
        '"""Types of bacalhau_client.models, written by scripts/gen_model_stubs.py."""',
        "",
        "from typing import Tuple",
        "",
        "from bacalhau_client.models.base import MODEL_REGISTRY as MODEL_REGISTRY",
        "from bacalhau_client.models.base import Field as Field",
        "from bacalhau_client.models.base import Model as Model",
        "from bacalhau_client.models.enums import (",
    ]
    enums = [name for name in MODELS_ALL if name not in MODEL_NAMES and name not in ("Field", "Model", "Timestamp")]
    lines += ["    %s as %s," % (name, name) for name in sorted(enums)]
    lines += [")", "from bacalhau_client.models.timestamp import Timestamp as Timestamp"]
    lines += ["from %s import %s as %s" % (module_name(name), name, name) for name in MODEL_NAMES]
    lines += ["", "MODEL_NAMES: Tuple[str, ...]", "", "__all__ = ["]
    lines += ["    %r," % name for name in MODELS_ALL] + ["]"]
    return "\n".join(lines) + "\n"


def stub_files() -> List[Tuple[str, str]]:
    """Every stub: (file name, text)."""
    files = [(module_name(name).rsplit(".", 1)[1] + ".pyi", render(name)) for name in MODEL_NAMES]
    return files + [("__init__.pyi", render_package())]


def write_model_stubs(out_dir: Path) -> int:
    """Write every stub into ``out_dir``; returns how many."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = stub_files()
    for file_name, text in files:
        (out_dir / file_name).write_text(text, encoding="utf-8")
    return len(files)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bacalhau_client" / "models"
    print("wrote %d stubs to %s" % (write_model_stubs(target), target))
