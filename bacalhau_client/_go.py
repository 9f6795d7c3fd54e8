"""Go's rules, in one place: what the node's Go code accepts and how it writes values back.

The Bacalhau v0.3 node is built with Go 1.19. Whatever the SDK or the local
node needs to do exactly as that Go does lives here, once:

- case folding: ``strings.EqualFold`` and ``encoding/json`` key matching
  (:func:`fold`), and ``strings.TrimSpace`` (:func:`trim_space`);
- ``time.Time``: what its ``UnmarshalJSON`` accepts and what ``MarshalJSON``
  writes (:func:`parse_rfc3339`, :func:`format_rfc3339`);
- ``base64.StdEncoding.DecodeString`` (:func:`decode_std_base64`);
- ``json.Marshal``'s writer: escapes, float spelling, map order
  (:func:`marshal`, :func:`float_text`, :func:`sorted_map`);
- ``json.Decoder``'s reader: syntax, nesting limit, duplicate keys, invalid
  UTF-8, and which strings held escapes (:func:`read_json`).

Standard library only; :mod:`bacalhau_client.canonical`,
:class:`~bacalhau_client.models.timestamp.Timestamp`, the enums and the local
node all call these functions rather than restating a rule.
"""

import base64
import binascii
import codecs
import json
import math
import re
from json.decoder import scanstring
from typing import Any, Dict, List, NamedTuple, Tuple

__all__ = [
    "EscapedStr", "GoNumber", "GoTime", "JsonObject", "MAX_NESTING_DEPTH", "ZERO_TIME", "decode_std_base64",
    "float_text", "float_value", "fold", "format_rfc3339", "go_string", "marshal", "object_items", "parse_rfc3339",
    "read_json", "sorted_map", "trim_space",
]

# --- case folding ----------------------------------------------------------------------------------

# Under Unicode simple folding an ASCII letter is also equal to 'ſ' (U+017F, to s) and the
# Kelvin sign (U+212A, to k); no other character folds onto ASCII.
_FOLD = {ord(upper): ord(upper.lower()) for upper in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_FOLD.update({0x017F: ord("s"), 0x212A: ord("k")})

# unicode.IsSpace: Python's str.strip() would also strip U+001C..U+001F, which Go keeps.
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
            "\u2028\u2029\u202f\u205f\u3000"


def fold(text: str) -> str:
    """A folding key: ``fold(a) == fold(b)`` exactly when Go's ``strings.EqualFold(a, b)`` holds.

    Exact whenever one side is ASCII, as Go struct keys and enum names are; it
    is also the rule ``encoding/json`` uses to match an object key to a field.

    >>> fold("EſtuARY") == fold("Estuary"), fold("\u212aind") == fold("Kind")
    (True, True)
    """
    return text.translate(_FOLD)


def trim_space(text: str) -> str:
    """``strings.TrimSpace``: leading and trailing Unicode white space removed, as Go defines it."""
    return text.strip(_GO_SPACE)


# --- time.Time -------------------------------------------------------------------------------------

ZERO_TIME = "0001-01-01T00:00:00Z"


class GoTime(NamedTuple):
    """A time as Go's ``time.Time`` holds it after parsing: wall clock, nanoseconds, offset in minutes."""

    year: int
    month: int
    day: int
    hour: int
    minute: int
    second: int
    nanosecond: int
    offset_minutes: int


# time.Parse(RFC3339) of Go 1.19: hour may have one digit; the fraction may follow ',' or '.'
# and have any length; an offset field is two characters read by atoi, which allows a sign
# ("+-1:+0") and has no range check ("+01:75"); 'T' and 'Z' are upper case only.
_RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:[.,]([0-9]+))?"
    r"(?:(Z)|([+-])([0-9]{2}|[+-][0-9]):([0-9]{2}|[+-][0-9]))\Z")
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def parse_rfc3339(text: str) -> GoTime:
    """Parse ``text`` as Go 1.19's ``time.Time.UnmarshalJSON`` does; ``ValueError`` says why Go refuses it.

    >>> parse_rfc3339("2022-11-17T13:32:55.33837275+01:75")
    GoTime(year=2022, month=11, day=17, hour=13, minute=32, second=55, nanosecond=338372750, offset_minutes=135)
    """
    match = _RFC3339.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError("not in the layout 2006-01-02T15:04:05Z07:00")
    year, month, day, hour, minute, second = (int(part) for part in match.group(1, 2, 3, 4, 5, 6))
    if not 1 <= month <= 12:
        raise ValueError("month out of range")
    if not 1 <= day <= _days_in(month, year):
        raise ValueError("day out of range")
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError("%s out of range" % ("hour" if hour > 23 else "minute" if minute > 59 else "second"))
    nanosecond = int(((match.group(7) or "") + "000000000")[:9])  # digits past the ninth are dropped
    offset = 0
    if match.group(8) is None:
        offset = int(match.group(10)) * 60 + int(match.group(11))
        if match.group(9) == "-":
            offset = -offset
    return GoTime(year, month, day, hour, minute, second, nanosecond, offset)


def _days_in(month: int, year: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def format_rfc3339(time: GoTime) -> str:
    """``time.Time.MarshalJSON`` (RFC 3339 with nanoseconds): trailing zero digits dropped, ``Z`` for UTC.

    >>> format_rfc3339(parse_rfc3339("2022-11-17T9:05:06,100+01:75"))
    '2022-11-17T09:05:06.1+02:15'
    """
    text = "%04d-%02d-%02dT%02d:%02d:%02d" % time[:6]
    if time.nanosecond:
        text += ("." + "%09d" % time.nanosecond).rstrip("0")
    offset = time.offset_minutes
    if not offset:
        return text + "Z"
    return text + "%s%02d:%02d" % ("-" if offset < 0 else "+", abs(offset) // 60, abs(offset) % 60)


# --- base64 ----------------------------------------------------------------------------------------

_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}\Z")


def decode_std_base64(text: str) -> bytes:
    """``base64.StdEncoding.DecodeString``: padding required, ``\\r`` and ``\\n`` skipped anywhere.

    >>> decode_std_base64("aGVs\\r\\nbG8=")
    b'hello'
    """
    text = text.replace("\r", "").replace("\n", "")
    if len(text) % 4 or not _BASE64.match(text):
        raise ValueError("not valid standard base64 (with padding)")
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise ValueError("not valid standard base64 (with padding)") from None


# --- json.Marshal ----------------------------------------------------------------------------------

_SURROGATES = re.compile("[\ud800-\udfff]")
# A float whose Go spelling Python's json cannot write travels as this marker until the end.
_NUMBER_MARKER = "\udfff"
_MARKED_NUMBER = re.compile('"%s([^"]*)"' % _NUMBER_MARKER)
# Python writes \b and \f as short escapes; Go (before 1.22, as the node) spells them out.
_SHORT_ESCAPE = re.compile(r"\\[\\bf]")
_SPELLED_OUT = {"\\\\": "\\\\", "\\b": "\\u0008", "\\f": "\\u000c"}
# Go's encoder escapes these for safe embedding in HTML; they can only occur inside strings.
_HTML_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                 ("\u2029", "\\u2029"))


class GoNumber:
    """A float whose Go spelling (``1e-7``, ``0.00001``, ``-0``) differs from Python's ``repr``."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __bool__(self) -> bool:
        return self.text != "-0"  # Go's omitempty leaves out negative zero too


def _write_marked_number(value: Any) -> str:
    if isinstance(value, GoNumber):
        return _NUMBER_MARKER + value.text
    raise TypeError("cannot encode %s" % type(value).__name__)


def marshal(tree: Any) -> str:
    r"""Write a tree of JSON values as Go's ``json.Marshal``: compact, raw UTF-8, Go's escapes.

    Dicts keep their order (a Go struct's); use :func:`sorted_map` for a Go
    map. A lone surrogate, which is what invalid UTF-8 becomes in Python, is
    written ``\ufffd`` as Go writes invalid UTF-8. Nesting too deep for Python
    to walk is a ``ValueError``.

    >>> marshal({"b": "<&>\ud800", "a": [1, float_value(1e-7), float_value(1e21)]})
    '{"b":"\\u003c\\u0026\\u003e\\ufffd","a":[1,1e-7,1e+21]}'
    """
    try:
        text = json.dumps(tree, ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                          check_circular=False, default=_write_marked_number)
    except RecursionError:
        raise ValueError("cannot encode: the value is nested too deeply") from None
    if _NUMBER_MARKER in text:
        text = _MARKED_NUMBER.sub(r"\1", text)
    for char, escape in _HTML_ESCAPES:
        if char in text:
            text = text.replace(char, escape)
    if "\\b" in text or "\\f" in text:
        text = _SHORT_ESCAPE.sub(lambda match: _SPELLED_OUT[match.group()], text)
    if not text.isascii():
        text = _SURROGATES.sub(r"\\ufffd", text)
    return text


def go_string(value: str) -> str:
    """A string as Go holds it after decoding JSON: each lone UTF-16 surrogate becomes U+FFFD."""
    if value.isascii():
        return value if type(value) is str else str(value)  # a plain str, not an EscapedStr
    return str(_SURROGATES.sub("\ufffd", value))


def float_text(value: float) -> str:
    """Go's JSON spelling of a float64: shortest round-trip digits, exponent only below 1e-6 or from 1e21."""
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    point = len(whole) + int(exponent or 0) - (len(whole + fraction) - len(digits))
    digits = digits.rstrip("0")
    if 1e-6 <= abs(value) < 1e21:
        if point <= 0:
            return sign + "0." + "0" * -point + digits
        if point >= len(digits):
            return sign + digits + "0" * (point - len(digits))
        return sign + digits[:point] + "." + digits[point:]
    power = point - 1
    text = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    power_text = "%02d" % abs(power)
    if power < 0 and power_text[0] == "0":
        power_text = power_text[1:]  # Go's encoder turns e-07 into e-7
    return "%s%se%s%s" % (sign, text, "-" if power < 0 else "+", power_text)


def float_value(value: float) -> Any:
    """The value to give :func:`marshal` so that it writes Go's spelling of the float ``value``."""
    text = float_text(value)
    if text.isdigit() or (text[0] == "-" and text[1:].isdigit() and text != "-0"):
        return int(text)
    if text == repr(value):
        return value
    return GoNumber(text)


def sorted_map(mapping: Dict[str, Any]) -> Dict[str, Any]:
    """A Go map's key order when written: sorted by the keys' UTF-8 bytes."""
    return {key: mapping[key] for key in sorted(mapping, key=lambda key: key.encode("utf-8", "surrogatepass"))}


# --- json.Decoder ----------------------------------------------------------------------------------

MAX_NESTING_DEPTH = 10000  # encoding/json's scanner refuses the 10001st nested array or object

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_LITERALS = (("true", True), ("false", False), ("null", None))
_MAX_INT_DIGITS = 4000  # more digits than any Go integer or float64 can hold


class EscapedStr(str):
    """A JSON string whose text held a backslash escape.

    Go hands ``time.Time`` the raw bytes of the string, so an escape inside a
    timestamp (``"…\\u005a"``) is refused where the same text unescaped is not.
    """

    __slots__ = ()


class JsonObject(dict):
    """A JSON object that repeated a key: ``pairs`` keeps every key and value in the order sent.

    Go decodes each occurrence in turn into the same struct field, so objects
    sent twice merge; a plain dict would keep only the last.
    """

    def __init__(self, pairs: List[Tuple[str, Any]]):
        super().__init__(pairs)
        self.pairs = pairs


def object_items(value: Dict[str, Any]):
    """The key/value pairs of a decoded JSON object in the order sent, repeated keys included."""
    return value.pairs if type(value) is JsonObject else value.items()


def read_json(data: bytes) -> Any:
    """The first JSON value of ``data``, read as Go's ``json.Decoder`` reads it (later bytes are ignored).

    Go's syntax only (no ``NaN``/``Infinity``), at most :data:`MAX_NESTING_DEPTH`
    levels, each invalid UTF-8 byte in a string read as U+FFFD and each lone
    surrogate escape as U+FFFD. Objects with a repeated key come back as
    :class:`JsonObject`, strings that held an escape as :class:`EscapedStr`.
    A refusal is a ``ValueError`` worded as Go words it, e.g.
    ``invalid character 'N' looking for beginning of value``.

    >>> read_json(b'{"a": [1, 2.5, "x"]} trailing bytes')
    {'a': [1, 2.5, 'x']}
    """
    return _Reader(_decode_utf8(data)).read()


def _replace_each_byte(error: UnicodeDecodeError) -> Tuple[str, int]:
    """One U+FFFD per byte of an invalid UTF-8 sequence, as Go's ``utf8.DecodeRune`` reads it."""
    return "\ufffd" * (error.end - error.start), error.end


codecs.register_error("bacalhau-go-utf8", _replace_each_byte)


def _decode_utf8(data: bytes) -> str:
    """UTF-8 text with each byte of an invalid sequence replaced by U+FFFD (in linear time)."""
    return data.decode("utf-8", "bacalhau-go-utf8")


_QUOTED_BYTES = {7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r", 0x27: "\\'",
                 0x5C: "\\\\"}


def _quote_char(char: str) -> str:
    """A character as Go's scanner names it in an error: its first byte, quoted as ``strconv.Quote`` does."""
    byte = char.encode("utf-8", "surrogatepass")[0]
    if byte in _QUOTED_BYTES:
        return "'%s'" % _QUOTED_BYTES[byte]
    if byte < 0x20 or byte == 0x7F:
        return "'\\x%02x'" % byte
    if 0x80 <= byte < 0xA0:
        return "'\\u%04x'" % byte
    return "'%s'" % chr(byte)


class _Reader:
    """An iterative JSON reader (no recursion, so depth is limited by Go's rule, not Python's stack)."""

    def __init__(self, text: str):
        self.text = text
        self.end = len(text)

    def fail(self, position: int, context: str) -> ValueError:
        if position >= self.end:
            return ValueError("unexpected EOF")
        return ValueError("invalid character %s %s" % (_quote_char(self.text[position]), context))

    def skip(self, position: int) -> int:
        return _WHITESPACE.match(self.text, position).end()

    def read(self) -> Any:
        text = self.text
        position = self.skip(0)
        if position >= self.end:
            raise ValueError("EOF")
        # Each open container: [items, key] -- key is None inside an array.
        stack: List[List[Any]] = []
        while True:
            position = self.skip(position)
            value, position, opened = self.value(position, len(stack))
            if opened is not None:
                stack.append(opened)
                continue
            while True:
                if not stack:
                    return value
                items, key = stack[-1]
                items.append(value if key is None else (key, value))
                position = self.skip(position)
                char = text[position] if position < self.end else ""
                if key is None:
                    if char == ",":
                        position += 1
                        break
                    if char != "]":
                        raise self.fail(position, "after array element")
                    value = items
                else:
                    if char == ",":
                        stack[-1][1], position = self.key(self.skip(position + 1))
                        break
                    if char != "}":
                        raise self.fail(position, "after object key:value pair")
                    value = _make_object(items)
                stack.pop()
                position += 1

    def value(self, position: int, depth: int) -> Tuple[Any, int, Any]:
        """The value at ``position`` and where it ends, or the container it opens (then value is None)."""
        text = self.text
        char = text[position] if position < self.end else ""
        if char == '"':
            return self.string(position) + (None,)
        if char in ("{", "["):
            if depth >= MAX_NESTING_DEPTH:
                raise self.fail(position, "exceeded max depth")
            after = self.skip(position + 1)
            if char == "[":
                if after < self.end and text[after] == "]":
                    return [], after + 1, None
                return None, after, [[], None]
            if after < self.end and text[after] == "}":
                return {}, after + 1, None
            key, after = self.key(after)
            return None, after, [[], key]
        if char == "-" or "0" <= char <= "9":
            return self.number(position) + (None,)
        for word, literal in _LITERALS:
            if char == word[0]:
                for index, expected in enumerate(word[1:], 1):
                    if position + index >= self.end or text[position + index] != expected:
                        raise self.fail(position + index, "in literal %s (expecting '%s')" % (word, expected))
                return literal, position + len(word), None
        raise self.fail(position, "looking for beginning of value")

    def key(self, position: int) -> Tuple[str, int]:
        """An object key and the position after its colon."""
        if position >= self.end or self.text[position] != '"':
            raise self.fail(position, "looking for beginning of object key string")
        key, position = self.string(position)
        position = self.skip(position)
        if position >= self.end or self.text[position] != ":":
            raise self.fail(position, "after object key")
        return key, position + 1

    def string(self, position: int) -> Tuple[str, int]:
        text = self.text
        try:
            value, end = scanstring(text, position + 1, True)
        except json.JSONDecodeError as error:
            raise self._string_error(position, error) from None
        value = go_string(value)
        if "\\" in text[position:end]:
            return EscapedStr(value), end
        return value, end

    def _string_error(self, start: int, error: json.JSONDecodeError) -> ValueError:
        text, position = self.text, error.pos
        if error.msg.startswith("Unterminated string"):
            return ValueError("unexpected EOF")
        if error.msg.startswith("Invalid control character"):
            return self.fail(position, "in string literal")
        if error.msg.startswith("Invalid \\uXXXX"):
            digits = position + 2
            while digits < self.end and digits < position + 6 and text[digits] in "0123456789abcdefABCDEF":
                digits += 1
            return self.fail(digits, "in \\u hexadecimal character escape")
        return self.fail(position + 1, "in string escape code")

    def number(self, position: int) -> Tuple[Any, int]:
        text = self.text
        match = _NUMBER.match(text, position)
        if match is None:  # a '-' without digits
            raise self.fail(position + 1, "in numeric literal")
        end = match.end()
        if end < self.end and text[end] == ".":
            raise self.fail(end + 1, "after decimal point in numeric literal")
        if end < self.end and text[end] in "eE":
            end += 2 if end + 1 < self.end and text[end + 1] in "+-" else 1
            raise self.fail(end, "in exponent of numeric literal")
        literal = match.group()
        if match.group(1) or match.group(2):
            return float(literal), end
        if len(literal) > _MAX_INT_DIGITS:
            return (-math.inf if literal[0] == "-" else math.inf), end
        return int(literal), end


def _make_object(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
    obj = dict(pairs)
    return obj if len(obj) == len(pairs) else JsonObject(pairs)
