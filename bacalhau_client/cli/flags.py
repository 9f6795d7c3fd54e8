"""Command-line flags parsed as the Go CLI parses them (cobra over pflag).

The rules users of ``bacalhau`` rely on: flags are recognised anywhere on the
line, also after positional arguments; ``--`` ends them; booleans take no
separate value (``--wait=false``); ``-fv``, ``-f=v`` and ``--flag=v`` work;
integers take Go's base prefixes (``0x10``, ``010``); a ``strings`` flag reads
each occurrence as one CSV record (``-e A=1,B=2`` is two values).
"""

from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple


class UsageError(Exception):
    """The command line asks for something that cannot be done as written."""


BOOL, INT, FLOAT, STRING, STRINGS, VALUES = "bool", "int", "float", "string", "strings", "values"

_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_FALSE = ("0", "f", "F", "FALSE", "false", "False")


class Flag(NamedTuple):
    """One flag: ``--name`` (and ``-short``), its kind, default and help line.

    Kinds: ``bool``, ``int``, ``float``, ``string``, ``strings`` (each
    occurrence a CSV record, appended) and ``values`` (each occurrence one
    value, appended). ``dest`` is the attribute name (``name`` with ``_``).
    """

    name: str
    kind: str
    default: Any
    help: str
    short: Optional[str] = None
    hidden: bool = False

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")

    @property
    def label(self) -> str:
        return "-%s, --%s" % (self.short, self.name) if self.short else "--%s" % self.name


class Values:
    """Parsed flag values as attributes, plus ``given``: the names set on the command line."""

    def __init__(self, flags: Sequence[Flag]):
        for flag in flags:
            setattr(self, flag.dest, list(flag.default) if isinstance(flag.default, list) else flag.default)
        self.given: set = set()
        self.order: List[str] = []  # flag names in command-line order, once per occurrence

    def __repr__(self) -> str:
        return "Values(%r)" % vars(self)


def parse(flags: Sequence[Flag], argv: Sequence[str]) -> Tuple[Values, List[str]]:
    """``(values, positionals)`` of ``argv``; ``UsageError`` with pflag's message on a bad flag."""
    by_name = {flag.name: flag for flag in flags}
    by_short = {flag.short: flag for flag in flags if flag.short}
    values = Values(flags)
    positionals: List[str] = []
    index = 0
    while index < len(argv):
        token = argv[index]
        index += 1
        if token == "--":
            positionals.extend(argv[index:])
            break
        if token.startswith("--") and len(token) > 2:
            name, has_value, value = token[2:].partition("=")
            flag = by_name.get(name)
            if flag is None:
                raise UsageError("unknown flag: --%s" % name)
            if not has_value and flag.kind != BOOL:
                if index >= len(argv):
                    raise UsageError("flag needs an argument: --%s" % name)
                value, index = argv[index], index + 1
            _set(values, flag, value if has_value or flag.kind != BOOL else None)
        elif token.startswith("-") and len(token) > 1:
            index = _parse_shorthands(token, argv, index, by_short, values)
        else:
            positionals.append(token)
    return values, positionals


def _parse_shorthands(token: str, argv: Sequence[str], index: int, by_short: Dict[str, Flag], values: Values) -> int:
    letters = token[1:]
    position = 0
    while position < len(letters):
        letter = letters[position]
        flag = by_short.get(letter)
        if flag is None:
            raise UsageError("unknown shorthand flag: %r in -%s" % (letter, letters))
        rest = letters[position + 1:]
        if flag.kind == BOOL:
            if rest.startswith("="):
                _set(values, flag, rest[1:])
                return index
            _set(values, flag, None)
            position += 1
            continue
        if rest:
            _set(values, flag, rest[1:] if rest.startswith("=") else rest)
        elif index < len(argv):
            _set(values, flag, argv[index])
            index += 1
        else:
            raise UsageError("flag needs an argument: %r in -%s" % (letter, letters))
        return index
    return index


def _set(values: Values, flag: Flag, text: Optional[str]) -> None:
    try:
        value = _convert(flag, text)
    except ValueError as error:
        raise UsageError('invalid argument "%s" for "%s" flag: %s' % (text, flag.label, error)) from None
    if flag.kind in (STRINGS, VALUES):
        current = getattr(values, flag.dest) if flag.name in values.given else []
        value = current + value
    setattr(values, flag.dest, value)
    values.given.add(flag.name)
    values.order.append(flag.name)


def _convert(flag: Flag, text: Optional[str]) -> Any:
    if flag.kind == BOOL:
        if text is None or text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError('strconv.ParseBool: parsing "%s": invalid syntax' % text)
    assert text is not None
    if flag.kind == INT:
        return go_int(text)
    if flag.kind == FLOAT:
        try:
            return float(text)
        except ValueError:
            raise ValueError('strconv.ParseFloat: parsing "%s": invalid syntax' % text) from None
    if flag.kind == STRINGS:
        return csv_record(text)
    if flag.kind == VALUES:
        return [text]
    return text


def go_int(text: str) -> int:
    """An integer as Go's ``strconv.ParseInt(text, 0, 64)`` reads it: ``0x``, ``0o``, ``0b`` and ``0`` prefixes."""
    body = text[1:] if text[:1] in "+-" else text
    base = 10
    if body[:2].lower() in ("0x", "0o", "0b"):
        base, body = {"x": 16, "o": 8, "b": 2}[body[1].lower()], body[2:]
    elif len(body) > 1 and body.startswith("0"):
        base, body = 8, body[1:]
    try:
        if not body or not body.replace("_", "").isalnum() or body.startswith("_") or body.endswith("_"):
            raise ValueError(text)
        value = int(body, base)
    except ValueError:
        raise ValueError('strconv.ParseInt: parsing "%s": invalid syntax' % text) from None
    value = -value if text.startswith("-") else value
    if not -(1 << 63) <= value < (1 << 63):
        raise ValueError('strconv.ParseInt: parsing "%s": value out of range' % text)
    return value


def csv_record(text: str) -> List[str]:
    """One CSV record as Go's ``encoding/csv`` reads it (``"`` quoting; an empty text is no field)."""
    if text == "":
        return []
    fields: List[str] = []
    position = 0
    while True:
        if text.startswith('"', position):
            field, position = _quoted_field(text, position + 1)
        else:
            end = text.find(",", position)
            end = len(text) if end < 0 else end
            field = text[position:end]
            if '"' in field:
                raise ValueError('parse error on line 1, column %d: bare " in non-quoted-field'
                                 % (position + field.index('"') + 1))
            position = end
        fields.append(field)
        if position >= len(text):
            return fields
        position += 1  # the comma
        if position == len(text):
            fields.append("")
            return fields


def _quoted_field(text: str, position: int) -> Tuple[str, int]:
    parts = []
    while True:
        end = text.find('"', position)
        if end < 0:
            raise ValueError('parse error on line 1, column %d: extraneous or missing " in quoted-field' % len(text))
        parts.append(text[position:end])
        if text.startswith('"', end + 1):
            parts.append('"')
            position = end + 2
            continue
        after = end + 1
        if after < len(text) and text[after] != ",":
            raise ValueError('parse error on line 1, column %d: extraneous or missing " in quoted-field' % (after + 1))
        return "".join(parts), after


def help_text(usage: str, description: str, flags: Sequence[Flag]) -> str:
    """The ``--help`` text of a command: usage line, description, and one line per flag."""
    lines = ["Usage: %s" % usage, "", description, "", "Flags:"]
    shown = [flag for flag in flags if not flag.hidden]
    labels = ["%s %s" % (flag.label if flag.short else "    " + flag.label,
                         "" if flag.kind == BOOL else flag.kind) for flag in shown]
    width = max((len(label) for label in labels), default=0)
    for flag, label in zip(shown, labels):
        default = flag.default
        suffix = "" if default in (None, "", [], False) else " (default %s)" % (
            "true" if default is True else default)
        lines.append("  %s   %s%s" % (label.ljust(width), flag.help, suffix))
    return "\n".join(lines) + "\n"
