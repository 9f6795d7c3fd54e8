"""Canonical JSON: the exact bytes the Go node produces for a job payload.

The node decodes a submission's ``data`` into its Go structs and re-encodes it
with ``json.Marshal``; the signature must cover *those* bytes. This module
decodes JSON as Go's ``encoding/json`` does (case-insensitive keys, merging,
nulls, strict numbers, enums, timestamps, base64) and encodes the result as Go
does (struct order, ``omitempty``, Go's escapes and float spelling).

Everything is driven by the model tables (``Model._fields``): field order,
``omitempty``, enums, base64 and pointer flags all come from there, and each
model's plan is built once, on first use.
"""

import base64
import binascii
import json
import math
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, Optional, Tuple, Union

from bacalhau_client.models import enums
from bacalhau_client.models.base import MODEL_REGISTRY, Field, Model
from bacalhau_client.models.model_job import ModelJob
from bacalhau_client.models.model_job_create_payload import ModelJobCreatePayload
from bacalhau_client.models.timestamp import ZERO_TIME, format_rfc3339

__all__ = ["canonical_json", "decode_payload", "decode_struct", "encode_model", "go_json", "go_string", "struct_plan"]

Payload = Union[ModelJobCreatePayload, ModelJob, Dict[str, Any]]


# Go folds ASCII letters, and also matches 'ſ' with s and the Kelvin sign with k.
_GO_FOLD = {ord(upper): ord(upper.lower()) for upper in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_GO_FOLD.update({0x017F: ord("s"), 0x212A: ord("k")})

_SURROGATES = re.compile("[\ud800-\udfff]")
_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(Z|[+-][0-9]{2}:[0-9]{2})\Z")
_DECIMAL_KEY = re.compile(r"[+-]?[0-9]+\Z")
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}\Z")

_INT_RANGES = {False: (-(1 << 63), (1 << 63) - 1, "int64"), True: (0, (1 << 64) - 1, "uint64")}

# A float whose Go spelling Python's json cannot write travels as this marker until the end.
_NUMBER_MARKER = "\udfff"
_MARKED_NUMBER = re.compile('"%s([^"]*)"' % _NUMBER_MARKER)
# Python writes \b and \f as short escapes; Go (before 1.22, as the node) spells them out.
_SHORT_ESCAPE = re.compile(r"\\[\\bf]")
_SPELLED_OUT = {"\\\\": "\\\\", "\\b": "\\u0008", "\\f": "\\u000c"}
# Go's encoder escapes these for safe embedding in HTML; they can only occur inside strings.
_HTML_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                 ("\u2029", "\\u2029"))


def canonical_json(payload: Payload) -> bytes:
    """The exact bytes the Go node signs for ``payload`` (a ``JobCreatePayload``).

    ``payload`` is a :class:`ModelJobCreatePayload`, a dict in wire form (as
    ``json.loads`` returns it), or a :class:`ModelJob`, taken as the payload
    ``{"Job": job}``. The result is what Go produces when it decodes
    that JSON into ``model.JobCreatePayload`` and re-encodes it: keys in struct
    order, empty fields left out, enums, timestamps, base64 and numbers
    normalised, unknown keys dropped. Anything Go would refuse to decode raises
    ``ValueError`` naming the field, e.g.
    ``Job.Deal.Concurrency: cannot use 1.5 as an integer``.

    >>> canonical_json({"clientID": "a", "ClientId": "b", "Foo": 1})   # Go matches keys case-insensitively
    b'{"ClientID":"b"}'
    """
    return go_json(decode_payload(payload)).encode("utf-8")


def decode_payload(payload: Payload) -> Dict[str, Any]:
    """Decode a payload as the node does; the result is the canonical tree (ordered dicts)."""
    if isinstance(payload, ModelJobCreatePayload):
        payload = payload.to_wire()
    elif isinstance(payload, ModelJob):
        payload = {"Job": payload.to_wire()}
    elif isinstance(payload, Model):
        raise ValueError("payload: expected a ModelJobCreatePayload, a ModelJob or a dict, got %s"
                         % type(payload).__name__)
    if not isinstance(payload, dict):
        raise ValueError("payload: expected a ModelJobCreatePayload, a ModelJob or a dict, got %s"
                         % describe_value(payload))
    return decode_struct("ModelJobCreatePayload", payload)


def decode_struct(class_name: str, wire: Dict[str, Any], current: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Decode a wire dict into the Go struct behind model ``class_name``; ``ValueError`` names the field.

    ``current`` is a decoded struct to decode into, as Go decodes into a value
    that already holds defaults: fields absent from ``wire`` keep their values.
    """
    try:
        return struct_plan(class_name).decode(wire, current)
    except _DecodeError as error:
        raise ValueError("%s: %s" % ("".join(reversed(error.path)).lstrip("."), error.message)) from None


def encode_model(class_name: str, wire: Dict[str, Any]) -> str:
    """A wire dict written as Go writes the struct behind model ``class_name``.

    The local node answers with this, so its bodies and the signer's bytes
    cannot disagree.
    """
    return go_json(decode_struct(class_name, wire))


class _DecodeError(Exception):
    """A value Go would refuse; each enclosing level adds its path segment on the way out."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
        self.path = []


class _GoNumber:
    """A float whose Go spelling (``1e-7``, ``0.00001``, ``-0``) differs from Python's ``repr``."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __bool__(self) -> bool:
        return self.text != "-0"  # Go's omitempty leaves out negative zero too


def _write_marked_number(value: Any) -> str:
    if isinstance(value, _GoNumber):
        return _NUMBER_MARKER + value.text
    raise TypeError("cannot encode %s" % type(value).__name__)


def go_json(tree: Any) -> str:
    """Encode a decoded tree as Go's ``json.Marshal``: compact, raw UTF-8, Go's escapes."""
    text = json.dumps(tree, ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                      check_circular=False, default=_write_marked_number)
    if _NUMBER_MARKER in text:
        text = _MARKED_NUMBER.sub(r"\1", text)
    for char, escape in _HTML_ESCAPES:
        if char in text:
            text = text.replace(char, escape)
    if "\\b" in text or "\\f" in text:
        text = _SHORT_ESCAPE.sub(lambda match: _SPELLED_OUT[match.group()], text)
    return text


def describe_value(value: Any) -> str:
    """A JSON value as an error message names it: ``number 2``, ``string "x"``, ``object``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean %s" % ("true" if value else "false")
    if isinstance(value, (int, float)):
        return "number %s" % _shorten(repr(value))
    if isinstance(value, str):
        return "string %s" % _shorten(json.dumps(value, ensure_ascii=False))
    return {dict: "object", list: "array"}.get(type(value), type(value).__name__)


def _shorten(text: str) -> str:
    return text if len(text) <= 60 else text[:56] + "..." + text[-1]


def go_string(value: str) -> str:
    """A string as Go holds it after decoding: each lone UTF-16 surrogate becomes U+FFFD."""
    if value.isascii():
        return value
    return _SURROGATES.sub("\ufffd", value)


def _go_float_text(value: float) -> str:
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


def _float_for_json(value: float) -> Any:
    """The value to hand json.dumps so that it writes Go's spelling of ``value``."""
    text = _go_float_text(value)
    if text.isdigit() or (text[0] == "-" and text[1:].isdigit() and text != "-0"):
        return int(text)
    if text == repr(value):
        return value
    return _GoNumber(text)


def _go_timestamp(text: str) -> Optional[str]:
    """Go's re-encoding of an RFC 3339 timestamp (offset kept, zero fraction digits dropped), or None."""
    match = _TIMESTAMP.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if zone == "Z":
        offset = timedelta(0)
    else:
        if int(zone[4:6]) > 59:
            return None
        offset = (-1 if zone[0] == "-" else 1) * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                          tzinfo=timezone(offset))
    except ValueError:
        return None
    return format_rfc3339(moment, int(((fraction or "") + "000000000")[:9]))


# Decoders take the JSON value and the field's current Go value, and return the new one.
# A JSON null leaves strings, numbers, booleans, structs, enums and times unchanged, and
# makes slices, maps and pointers nil, as in Go.

def _decode_string(value: Any, current: Any) -> Any:
    if isinstance(value, str):
        return go_string(value)
    if value is None:
        return current
    raise _DecodeError("expected a string, got %s" % describe_value(value))


def _integer_decoder(unsigned: bool) -> Callable[[Any, Any], Any]:
    low, high, go_type = _INT_RANGES[unsigned]

    def decode_integer(value: Any, current: Any) -> Any:
        if type(value) is int:
            if low <= value <= high:
                return value
            raise _DecodeError("%d is out of range for %s" % (value, go_type))
        if value is None:
            return current
        if type(value) is float:
            raise _DecodeError("cannot use %r as an integer" % value)
        raise _DecodeError("expected an integer, got %s" % describe_value(value))

    return decode_integer


def _decode_float(value: Any, current: Any) -> Any:
    if type(value) is float or type(value) is int:
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise _DecodeError("%s is out of range for float64" % describe_value(value))
        return _float_for_json(number)
    if value is None:
        return current
    raise _DecodeError("expected a number, got %s" % describe_value(value))


def _decode_bool(value: Any, current: Any) -> Any:
    if value is True or value is False:
        return value
    if value is None:
        return current
    raise _DecodeError("expected a boolean, got %s" % describe_value(value))


def _decode_timestamp(value: Any, current: Any) -> Any:
    if isinstance(value, str):
        text = _go_timestamp(value)
        if text is None:
            raise _DecodeError("%s is not an RFC 3339 timestamp (like 2022-11-17T13:29:01.87Z)" % describe_value(value))
        return text
    if value is None:
        return current
    raise _DecodeError("expected an RFC 3339 timestamp string, got %s" % describe_value(value))


def _enum_decoder(enum_name: str) -> Callable[[Any, Any], Any]:
    names = getattr(enums, enum_name).names
    exact = {name: name for name in names}
    folded = {name.translate(_GO_FOLD): name for name in names}
    # "StorageSourceType" -> "storage source type", for the error message
    label = re.sub(r"(?<!^)(?=[A-Z])", " ", enum_name).lower()

    def decode_enum(value: Any, current: Any) -> Any:
        if isinstance(value, str):
            name = exact.get(value) or folded.get(value.translate(_GO_FOLD))
            if name is None:
                raise _DecodeError("unknown %s %s" % (label, "'%s'" % value))
            return name
        if value is None:
            return current
        raise _DecodeError("expected a string, got %s" % describe_value(value))

    return decode_enum


def _decode_base64(value: Any, current: Any) -> Any:
    if isinstance(value, str):
        text = value.replace("\r", "").replace("\n", "")  # Go's StdEncoding skips line breaks
        if len(text) % 4 or not _BASE64.match(text):
            raise _DecodeError("%s is not valid standard base64 (with padding)" % describe_value(value))
        try:
            return base64.b64encode(base64.b64decode(text, validate=True)).decode("ascii")
        except binascii.Error:
            raise _DecodeError("%s is not valid standard base64 (with padding)" % describe_value(value)) from None
    if value is None:
        return None
    if type(value) is list:
        # Go also fills a []byte from an array of numbers, element by element.
        old = base64.b64decode(current) if current else b""
        new = bytearray()
        for index, item in enumerate(value):
            if item is None:
                new.append(old[index] if index < len(old) else 0)
            elif type(item) is int and 0 <= item <= 255:
                new.append(item)
            else:
                error = _DecodeError("expected a byte (0-255), got %s" % describe_value(item))
                error.path.append("[%d]" % index)
                raise error
        return base64.b64encode(bytes(new)).decode("ascii")
    raise _DecodeError("expected a base64 string, got %s" % describe_value(value))


def _list_decoder(decode_item: Callable[[Any, Any], Any], item_zero: Any) -> Callable[[Any, Any], Any]:
    def decode_list(value: Any, current: Any) -> Any:
        if type(value) is list:
            # Go decodes into the elements already there (a repeated key merges structs).
            reuse = len(current) if type(current) is list else 0
            decoded = []
            for index, item in enumerate(value):
                try:
                    decoded.append(decode_item(item, current[index] if index < reuse else item_zero))
                except _DecodeError as error:
                    error.path.append("[%d]" % index)
                    raise
            return decoded
        if value is None:
            return None
        raise _DecodeError("expected an array, got %s" % describe_value(value))

    return decode_list


def _map_decoder(decode_item: Callable[[Any, Any], Any], item_zero: Any, int_keys: bool) -> Callable[[Any, Any], Any]:
    def decode_map(value: Any, current: Any) -> Any:
        if type(value) is dict:
            # Go keeps the entries already there but decodes each value afresh.
            entries = dict(current) if current else {}
            for raw_key, item in value.items():
                key = _map_key(raw_key, int_keys)
                try:
                    entries[key] = decode_item(item, item_zero)
                except _DecodeError as error:
                    error.path.append("[%s]" % raw_key)
                    raise
            return {key: entries[key] for key in sorted(entries)}
        if value is None:
            return None
        raise _DecodeError("expected an object, got %s" % describe_value(value))

    return decode_map


def _map_key(raw_key: Any, int_keys: bool) -> str:
    if not isinstance(raw_key, str):
        raise _DecodeError("map keys must be strings, got %s %r" % (type(raw_key).__name__, raw_key))
    if not int_keys:
        return go_string(raw_key)
    low, high, _ = _INT_RANGES[False]
    if not _DECIMAL_KEY.match(raw_key) or not low <= int(raw_key) <= high:
        raise _DecodeError("map key %s is not a decimal int64" % describe_value(raw_key))
    return str(int(raw_key))


class _Slot:
    """One field of a struct plan: its key, decoder, Go zero value and whether omitempty drops it."""

    __slots__ = ("key", "decode", "zero", "skip_empty")

    def __init__(self, key: str, decode: Callable[[Any, Any], Any], zero: Any, skip_empty: bool):
        self.key = key
        self.decode = decode
        self.zero = zero
        self.skip_empty = skip_empty


class _StructPlan:
    """How one model decodes: its fields in Go order, found by exact key or by Go's case folding."""

    def __init__(self, fields: Tuple[Field, ...]):
        self.slots = tuple(_slot(field) for field in fields)
        self.by_key = {slot.key: slot for slot in self.slots}
        self.by_fold: Dict[str, _Slot] = {}
        for slot in reversed(self.slots):  # Go takes the first field in order that folds equal
            self.by_fold[slot.key.translate(_GO_FOLD)] = slot
        self.zero = self.order({})

    def decode(self, value: Any, current: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        """Decode a JSON object into this struct, merging into ``current`` as Go does."""
        values = {} if current is None or current is self.zero else dict(current)
        by_key, by_fold = self.by_key, self.by_fold
        for key, item in value.items():
            slot = by_key.get(key)
            if slot is None:
                slot = by_fold.get(key.translate(_GO_FOLD)) if isinstance(key, str) else None
                if slot is None:
                    continue  # Go drops keys its structs do not know
            key = slot.key
            try:
                values[key] = slot.decode(item, values.get(key, slot.zero))
            except _DecodeError as error:
                error.path.append("." + key)
                raise
        return self.order(values)

    def order(self, values: Dict[str, Any]) -> Dict[str, Any]:
        """The fields as Go writes them: struct order, zero values filled in, empty omitempty ones left out."""
        ordered = {}
        for slot in self.slots:
            value = values.get(slot.key, slot.zero)
            if slot.skip_empty and not value:
                continue
            ordered[slot.key] = value
        return ordered


_PLANS: Dict[str, _StructPlan] = {}


def struct_plan(class_name: str) -> _StructPlan:
    """The (cached) plan of a model class, built from its ``_fields`` table on first use."""
    plan = _PLANS.get(class_name)
    if plan is None:
        # Published only when complete, so a concurrent first call never sees half a plan.
        plan = _PLANS[class_name] = _StructPlan(MODEL_REGISTRY[class_name]._fields)
    return plan


def _struct_decoder(plan: _StructPlan, pointer: bool) -> Callable[[Any, Any], Any]:
    def decode_struct(value: Any, current: Any) -> Any:
        if type(value) is not dict and isinstance(value, Model):
            value = value.to_wire()
        if type(value) is dict:
            return plan.decode(value, current)
        if value is None:
            return None if pointer else current
        raise _DecodeError("expected an object, got %s" % describe_value(value))

    return decode_struct


def _item_decoder(type_name: str) -> Tuple[Callable[[Any, Any], Any], Any]:
    """Decoder and zero value of a list or map element type."""
    if type_name in MODEL_REGISTRY:
        plan = struct_plan(type_name)
        return _struct_decoder(plan, False), plan.zero
    scalar = _SCALAR_DECODERS.get(type_name)
    if scalar is None:
        raise TypeError("canonical JSON does not support element type %r" % type_name)
    return scalar


_SCALAR_DECODERS = {
    "str": (_decode_string, ""),
    "int": (_integer_decoder(False), 0),
    "float": (_decode_float, 0),
    "bool": (_decode_bool, False),
}


def _slot(field: Field) -> _Slot:
    """Translate one row of a model table into its decoder and Go zero value."""
    kind = field.kind
    if kind == "model":
        plan = struct_plan(field.item)
        if field.pointer:
            return _Slot(field.key, _struct_decoder(plan, True), None, True)
        return _Slot(field.key, _struct_decoder(plan, False), plan.zero, False)
    if kind == "datetime":
        return _Slot(field.key, _decode_timestamp, ZERO_TIME, False)
    if kind == "list":
        decoder, zero = _item_decoder(field.item)
        return _Slot(field.key, _list_decoder(decoder, zero), None, field.omitempty)
    if kind == "dict":
        decoder, zero = _item_decoder(field.item)
        return _Slot(field.key, _map_decoder(decoder, zero, field.int_keys), None, field.omitempty)
    if field.base64:
        return _Slot(field.key, _decode_base64, None, field.omitempty)
    if field.enum:
        return _Slot(field.key, _enum_decoder(field.enum), "", field.omitempty)
    if field.type == "int":
        return _Slot(field.key, _integer_decoder(field.unsigned), 0, field.omitempty)
    decoder, zero = _item_decoder(field.type)
    return _Slot(field.key, decoder, zero, field.omitempty)
