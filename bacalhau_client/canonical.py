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
import json
import math
import re
from typing import Any, Callable, Dict, Optional, Tuple, Union

from bacalhau_client import _go
from bacalhau_client._go import EscapedStr, JsonObject, float_value, fold, go_string, object_items, sorted_map
from bacalhau_client.models import enums
from bacalhau_client.models.base import MODEL_REGISTRY, Field, Model
from bacalhau_client.models.model_job import ModelJob
from bacalhau_client.models.model_job_create_payload import ModelJobCreatePayload

__all__ = ["DecodeError", "canonical_json", "decode_payload", "decode_struct", "encode_model", "go_json",
           "go_string", "go_type_name", "struct_plan"]

Payload = Union[ModelJobCreatePayload, ModelJob, Dict[str, Any]]

go_json = _go.marshal  # the name this module has always exported for Go's json.Marshal

_DECIMAL_KEY = re.compile(r"[+-]?[0-9]+\Z")
_MAX_SPELLED_INT_BITS = 12000  # about 3600 digits, under Python's 4300-digit limit on int to str
_INT_RANGES = {False: (-(1 << 63), (1 << 63) - 1, "int64"), True: (0, (1 << 64) - 1, "uint64")}


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
        raise DecodeError(error) from None


def encode_model(class_name: str, wire: Dict[str, Any]) -> str:
    """A wire dict written as Go writes the struct behind model ``class_name``.

    The local node answers with this, so its bodies and the signer's bytes
    cannot disagree.
    """
    return go_json(decode_struct(class_name, wire))


class _DecodeError(Exception):
    """A value Go would refuse; each enclosing level adds its path segment on the way out.

    ``value`` and ``go_type`` are set when the JSON value has the wrong type
    for the field, the case Go reports as an ``UnmarshalTypeError``.
    """

    def __init__(self, message: str, value: Any = None, go_type: Optional[str] = None):
        super().__init__(message)
        self.message = message
        self.value = value
        self.go_type = go_type
        self.path = []


class DecodeError(ValueError):
    """A value Go would refuse to decode, as ``path: rule`` (``Job.Deal.Concurrency: cannot use 1.5 ...``).

    ``keys`` is the path as JSON keys and indexes; ``value`` and ``go_type``
    describe a value of the wrong JSON type (else ``go_type`` is ``None``), so
    that the local node can word the error as Go does.
    """

    def __init__(self, error: _DecodeError):
        self.keys = tuple(reversed(error.path))
        self.rule = error.message
        self.value = error.value
        self.go_type = error.go_type
        super().__init__("%s: %s" % ("".join(self.keys).lstrip("."), error.message))


def _type_error(value: Any, expected: str, go_type: str) -> _DecodeError:
    return _DecodeError("expected %s, got %s" % (expected, describe_value(value)), value, go_type)


def describe_value(value: Any) -> str:
    """A JSON value as an error message names it: ``number 2``, ``string "x"``, ``object``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean %s" % ("true" if value else "false")
    if isinstance(value, (int, float)):
        text = _number_text(value)
        return text if text.startswith("an ") else "number " + text
    if isinstance(value, str):
        return "string %s" % _shorten(json.dumps(value, ensure_ascii=False))
    if isinstance(value, (dict, list)):
        return "object" if isinstance(value, dict) else "array"
    return type(value).__name__


def _number_text(value: Any) -> str:
    """A number as an error message writes it, shortened; an integer too long for ``repr`` by its size."""
    if isinstance(value, int) and value.bit_length() > _MAX_SPELLED_INT_BITS:
        return "an integer of %d bits" % value.bit_length()
    return _shorten(repr(value))


def _shorten(text: str) -> str:
    return text if len(text) <= 60 else text[:56] + "..." + text[-1]


def _go_timestamp(value: str) -> str:
    """Go's re-encoding of a timestamp string; ``_DecodeError`` when Go's ``time.Time`` refuses it."""
    if isinstance(value, EscapedStr):
        raise _DecodeError("%s is refused: Go reads a timestamp's raw bytes, so it may not contain escapes"
                           % describe_value(value))
    try:
        return _go.format_rfc3339(_go.parse_rfc3339(value))
    except ValueError:
        raise _DecodeError("%s is not an RFC 3339 timestamp (like 2022-11-17T13:29:01.87Z)"
                           % describe_value(value)) from None


# Decoders take the JSON value and the field's current Go value, and return the new one.
# A JSON null leaves strings, numbers, booleans, structs, enums and times unchanged, and
# makes slices, maps and pointers nil, as in Go.

def _decode_string(value: Any, current: Any) -> Any:
    if isinstance(value, str):
        return go_string(value)
    if value is None:
        return current
    raise _type_error(value, "a string", "string")


def _integer_decoder(unsigned: bool) -> Callable[[Any, Any], Any]:
    low, high, go_type = _INT_RANGES[unsigned]
    go_type_name = "uint64" if unsigned else "int"

    def decode_integer(value: Any, current: Any) -> Any:
        if type(value) is int:
            if low <= value <= high:
                return value
            raise _DecodeError("%s is out of range for %s" % (_number_text(value), go_type), value, go_type_name)
        if value is None:
            return current
        if type(value) is float:
            raise _DecodeError("cannot use %r as an integer" % value, value, go_type_name)
        raise _type_error(value, "an integer", go_type_name)

    return decode_integer


def _decode_float(value: Any, current: Any) -> Any:
    if type(value) is float or type(value) is int:
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise _DecodeError("%s is out of range for float64" % describe_value(value), value, "float64")
        return float_value(number)
    if value is None:
        return current
    raise _type_error(value, "a number", "float64")


def _decode_bool(value: Any, current: Any) -> Any:
    if value is True or value is False:
        return value
    if value is None:
        return current
    raise _type_error(value, "a boolean", "bool")


def _decode_timestamp(value: Any, current: Any) -> Any:
    if isinstance(value, str):
        return _go_timestamp(value)
    if value is None:
        return current
    raise _DecodeError("expected an RFC 3339 timestamp string, got %s" % describe_value(value))


def _enum_decoder(enum_name: str) -> Callable[[Any, Any], Any]:
    canonical = getattr(enums, enum_name).canonical
    # "StorageSourceType" -> "storage source type", for the error message
    label = re.sub(r"(?<!^)(?=[A-Z])", " ", enum_name).lower()

    def decode_enum(value: Any, current: Any) -> Any:
        if isinstance(value, str):
            name = canonical(value)
            if name is None:
                raise _DecodeError("unknown %s %s" % (label, "'%s'" % go_string(value)))
            return name
        if value is None:
            return current
        raise _type_error(value, "a string", "model." + enum_name)

    return decode_enum


def _base64_decoder(text_only: bool) -> Callable[[Any, Any], Any]:
    def decode_base64(value: Any, current: Any) -> Any:
        if isinstance(value, str):
            try:
                return base64.b64encode(_go.decode_std_base64(value)).decode("ascii")
            except ValueError as error:
                raise _DecodeError("%s is %s" % (describe_value(value), error)) from None
        if value is None:
            return None
        if type(value) is list and not text_only:
            return _bytes_from_numbers(value, current)
        raise _type_error(value, "a base64 string", "model.PublicKey" if text_only else "[]uint8")

    return decode_base64


def _bytes_from_numbers(value: list, current: Optional[str]) -> str:
    """Go fills a ``[]byte`` from an array of numbers too, element by element."""
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
        raise _type_error(value, "an array", "array")

    return decode_list


def _map_decoder(decode_item: Callable[[Any, Any], Any], item_zero: Any, int_keys: bool) -> Callable[[Any, Any], Any]:
    def decode_map(value: Any, current: Any) -> Any:
        if isinstance(value, dict):
            # Go keeps the entries already there but decodes each value afresh.
            entries = dict(current) if current else {}
            for raw_key, item in object_items(value):
                key = _map_key(raw_key, int_keys)
                try:
                    entries[key] = decode_item(item, item_zero)
                except _DecodeError as error:
                    error.path.append("[%s]" % raw_key)
                    raise
            return sorted_map(entries)
        if value is None:
            return None
        raise _type_error(value, "an object", "map")

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
            self.by_fold[fold(slot.key)] = slot
        self.zero = self.order({})

    def decode(self, value: Any, current: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        """Decode a JSON object into this struct, merging into ``current`` as Go does."""
        values = {} if current is None or current is self.zero else dict(current)
        by_key, by_fold = self.by_key, self.by_fold
        for key, item in value.pairs if type(value) is JsonObject else value.items():
            slot = by_key.get(key)
            if slot is None:
                slot = by_fold.get(fold(key)) if isinstance(key, str) else None
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


def _struct_decoder(plan: _StructPlan, pointer: bool, class_name: str) -> Callable[[Any, Any], Any]:
    go_type = go_type_name(class_name)

    def decode_struct(value: Any, current: Any) -> Any:
        if type(value) is dict:  # the common case first: this runs once per object decoded
            return plan.decode(value, current)
        if isinstance(value, Model):
            value = value.to_wire()
        if isinstance(value, dict):
            return plan.decode(value, current)
        if value is None:
            return None if pointer else current
        raise _type_error(value, "an object", go_type)

    return decode_struct


def _item_decoder(type_name: str) -> Tuple[Callable[[Any, Any], Any], Any]:
    """Decoder and zero value of a list or map element type."""
    if type_name in MODEL_REGISTRY:
        plan = struct_plan(type_name)
        return _struct_decoder(plan, False, type_name), plan.zero
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
            return _Slot(field.key, _struct_decoder(plan, True, field.item), None, True)
        return _Slot(field.key, _struct_decoder(plan, False, field.item), plan.zero, False)
    if kind == "datetime":
        return _Slot(field.key, _decode_timestamp, _go.ZERO_TIME, False)
    if kind == "list":
        decoder, zero = _item_decoder(field.item)
        return _Slot(field.key, _list_decoder(decoder, zero), None, field.omitempty)
    if kind == "dict":
        decoder, zero = _item_decoder(field.item)
        return _Slot(field.key, _map_decoder(decoder, zero, field.int_keys), None, field.omitempty)
    if field.base64:
        return _Slot(field.key, _base64_decoder(field.text_only), None, field.omitempty)
    if field.enum:
        return _Slot(field.key, _enum_decoder(field.enum), "", field.omitempty)
    if field.type == "int":
        return _Slot(field.key, _integer_decoder(field.unsigned), 0, field.omitempty)
    decoder, zero = _item_decoder(field.type)
    return _Slot(field.key, decoder, zero, field.omitempty)


def go_type_name(class_name: str) -> str:
    """The Go type behind a model class, as Go's errors name it: ``model.Spec``, ``publicapi.listRequest``."""
    for prefix, package in (("Model", "model"), ("Publicapi", "publicapi")):
        if class_name.startswith(prefix):
            name = class_name[len(prefix):]
            if package == "publicapi":
                name = name[0].lower() + name[1:]  # the request and response structs are unexported
            return "%s.%s" % (package, name)
    return class_name
