"""How the command line prints: Go's YAML, JSON, tables, and text from the node made safe for a terminal."""

import json
import re
import sys
from typing import Any, List, Sequence

from bacalhau_client.exceptions import TERMINAL_CONTROLS, escape_controls, escape_controls_in_json


def safe(text: Any, *, keep_lines: bool = True) -> str:
    """``text`` with terminal control characters escaped (``\\x1b``), so a node cannot drive the terminal.

    Line breaks and tabs stay when ``keep_lines`` (job output); in a table cell they are escaped too.
    """
    return escape_controls("" if text is None else str(text), "\t\n" if keep_lines else "")


def json_text(value: Any, *, compact: bool = False) -> str:
    """One JSON document, with every character a terminal would act on as a ``\\u`` escape."""
    if compact:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    else:
        text = json.dumps(value, ensure_ascii=False, indent=2)
    return safe_json(text)


def safe_json(text: str) -> str:
    """JSON text with every character a terminal would act on as a ``\\u`` escape (same document)."""
    return escape_controls_in_json(text)


# ---------------------------------------------------------------------------
# YAML as the Go CLI writes it (JSON converted by yaml.v2).
# ---------------------------------------------------------------------------

_YAML_BOOL_OR_NULL = frozenset(
    "y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On ON off Off OFF ~ null Null NULL".split())
_YAML_NUMBER = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?\Z|"
                          r"[-+]?0b[01_]+\Z|[-+]?0x[0-9a-fA-F_]+\Z|[-+]?0o?[0-7_]+\Z|"
                          r"[-+]?\.(inf|Inf|INF)\Z|\.(nan|NaN|NAN)\Z|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?\Z")
_YAML_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_PLAIN_START_FORBIDDEN = frozenset("[]{},#&*!|>'\"%@`")
_DOUBLE_ESCAPES = {"\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f",
                   "\r": "\\r", "\x1b": "\\e", '"': '\\"', "\\": "\\\\", "\x85": "\\N", "\u2028": "\\L",
                   "\u2029": "\\P"}


def go_yaml(value: Any) -> str:
    """``value`` (JSON values) as yaml.v2 writes it: sorted keys, 2-space indent, quoting only when needed."""
    lines: List[str] = []
    _emit(value, 0, lines)
    return "\n".join(lines) + "\n"


def _emit(value: Any, indent: int, lines: List[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict) and value:
        for key in sorted(value, key=_key_order):
            _emit_entry(pad + _scalar(str(key), indent) + ":", value[key], indent, lines, nested_indent=indent + 2)
    elif isinstance(value, list) and value:
        for item in value:
            _emit_item(item, indent, lines)
    else:
        lines.append(pad + _scalar(value, indent))


def _emit_entry(head: str, value: Any, indent: int, lines: List[str], nested_indent: int) -> None:
    if isinstance(value, dict) and value:
        lines.append(head)
        _emit(value, nested_indent, lines)
    elif isinstance(value, list) and value:
        lines.append(head)
        _emit(value, indent, lines)  # yaml.v2 does not indent a sequence under its key
    else:
        lines.append(head + " " + _scalar(value, indent))


def _emit_item(item: Any, indent: int, lines: List[str]) -> None:
    pad = " " * indent
    if isinstance(item, (dict, list)) and item:
        inner: List[str] = []
        _emit(item, indent + 2, inner)
        lines.append(pad + "- " + inner[0][indent + 2:])
        lines.extend(inner[1:])
    else:
        lines.append(pad + "- " + _scalar(item, indent))


def _key_order(key: Any) -> List[Any]:
    """yaml.v2's key order: by code point, with runs of digits compared as numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"[0-9]+|[^0-9]+", str(key))]


def _scalar(value: Any, indent: int) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) and not value.is_integer() else str(int(value))
    return _string(str(value), indent)


def _string(text: str, indent: int) -> str:
    if text == "" or text in _YAML_BOOL_OR_NULL or _YAML_NUMBER.match(text) or _YAML_TIMESTAMP.match(text) \
            or _needs_escapes(text):
        return _double_quoted(text)
    if "\n" in text:
        return _literal(text, indent)
    if _plain_allowed(text):
        return text
    return "'" + text.replace("'", "''") + "'"


def _needs_escapes(text: str) -> bool:
    """yaml.v2's rule, and (beyond Go) any character a terminal would act on but a line break."""
    return any(char in "\u2028\u2029\ufeff" for char in text) or bool(TERMINAL_CONTROLS.search(text.replace("\n", "")))


def _double_quoted(text: str) -> str:
    out = []
    for char in text:
        if char in _DOUBLE_ESCAPES:
            out.append(_DOUBLE_ESCAPES[char])
        elif ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:
            out.append("\\x%02X" % ord(char))
        elif char == "\ufeff" or TERMINAL_CONTROLS.match(char):
            out.append("\\u%04X" % ord(char))
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _literal(text: str, indent: int) -> str:
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
    indicator = "2" if text[:1] == " " else ""
    pad = " " * (indent + 2)
    lines = text.split("\n")
    if trailing:
        lines = lines[:-1]
    return "|" + indicator + chomp + "".join("\n" + (pad + line if line else "") for line in lines)


def _plain_allowed(text: str) -> bool:
    first = text[0]
    if first in _PLAIN_START_FORBIDDEN or text[0] in " \t" or text[-1] in " \t":
        return False
    if first in "-?:" and (len(text) == 1 or text[1] in " \t"):
        return False
    if text.startswith(("---", "...")):
        return False
    return ": " not in text and " #" not in text and not text.endswith(":") and "\t" not in text


# ---------------------------------------------------------------------------
# Tables, as go-pretty draws them for `list`.
# ---------------------------------------------------------------------------

HEADER_STYLE, ODD_ROW_STYLE, EVEN_ROW_STYLE = "\x1b[92;100m", "\x1b[97;40m", "\x1b[37;40m"
RESET = "\x1b[0m"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, hide_header: bool = False,
          colours: bool = False) -> str:
    """Columns padded to their widest cell, one space each side, no borders; coloured like go-pretty if asked."""
    cells = [[safe(cell, keep_lines=False) for cell in row] for row in rows]
    shown = ([list(headers)] if not hide_header else []) + cells
    if not shown:
        return ""
    widths = [max(len(row[column]) for row in [list(headers)] + cells) for column in range(len(headers))]
    lines = []
    for number, row in enumerate(shown):
        padded = [" %s " % cell.ljust(width) for cell, width in zip(row, widths)]
        if colours:
            is_header = number == 0 and not hide_header
            data_number = number if hide_header else number - 1
            style = HEADER_STYLE if is_header else (ODD_ROW_STYLE if data_number % 2 == 0 else EVEN_ROW_STYLE)
            padded = [style + cell + RESET for cell in padded]
        lines.append("".join(padded))
    return "\n".join(lines) + "\n"


def is_terminal(stream: Any) -> bool:
    """Whether ``stream`` is an interactive terminal (progress and colours only go to one)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def write(text: str, stream: Any = None) -> None:
    """Write and flush, so progress appears as it happens."""
    stream = sys.stdout if stream is None else stream
    stream.write(text)
    stream.flush()
