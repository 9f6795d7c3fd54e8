"""Reading request bodies the way the Go node's ``json.Decoder`` reads them into its structs.

Go decodes the first JSON value of the body (trailing bytes are ignored),
matches keys case-insensitively (the last match wins), drops unknown keys,
leaves a field at its zero value when the key is missing or ``null``, and
refuses a value of the wrong JSON type. The error texts follow Go's.
"""

import json
from typing import Any, Dict, NamedTuple, Tuple

_DECODER = json.JSONDecoder()
_GO_TYPE_NAMES = {str: "string", int: "int", bool: "bool", dict: "object", float: "float64"}
_ZERO = {str: "", int: 0, bool: False, dict: None, float: 0.0}


class RequestStruct(NamedTuple):
    """A Go request struct: its Go name and its JSON keys with their Python types."""

    go_name: str
    fields: Dict[str, type]


LIST_REQUEST = RequestStruct("publicapi.listRequest", {
    "id": str, "client_id": str, "max_jobs": int, "return_all": bool, "sort_by": str, "sort_reverse": bool})
STATE_REQUEST = RequestStruct("publicapi.stateRequest", {"client_id": str, "job_id": str})
EVENTS_REQUEST = RequestStruct("publicapi.eventsRequest", {"client_id": str, "job_id": str})
LOCAL_EVENTS_REQUEST = RequestStruct("publicapi.localEventsRequest", {"client_id": str, "job_id": str})
VERSION_REQUEST = RequestStruct("publicapi.versionRequest", {"client_id": str})
SUBMIT_REQUEST = RequestStruct("publicapi.submitRequest", {
    "data": dict, "signature": str, "client_public_key": str})


def first_json_value(body: bytes) -> Any:
    """The first JSON value in ``body``; ``ValueError`` with Go's wording when there is none."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("invalid character in request body: not UTF-8") from None
    stripped = text.lstrip(" \t\r\n")
    if not stripped:
        raise ValueError("EOF")
    try:
        value, _ = _DECODER.raw_decode(stripped)
    except json.JSONDecodeError as error:
        if error.pos >= len(stripped):
            raise ValueError("unexpected EOF") from None
        raise ValueError("invalid character %r at offset %d: %s" % (
            stripped[error.pos], error.pos, error.msg)) from None
    return value


def decode_request(body: bytes, struct: RequestStruct) -> Tuple[Dict[str, Any], Any]:
    """The struct's fields (zero values for the missing ones) and the parsed JSON value."""
    value = first_json_value(body)
    result = {key: _ZERO[kind] for key, kind in struct.fields.items()}
    if value is None:
        return result, value
    if not isinstance(value, dict):
        raise ValueError("json: cannot unmarshal %s into Go value of type %s" % (_json_kind(value), struct.go_name))
    by_folded_key = {key.lower(): key for key in struct.fields}
    for sent_key, item in value.items():
        key = by_folded_key.get(sent_key.lower())
        if key is None or item is None:
            continue
        kind = struct.fields[key]
        if not _fits(item, kind):
            raise ValueError("json: cannot unmarshal %s into Go struct field %s.%s of type %s" % (
                _json_kind(item), struct.go_name.split(".")[-1], key, _GO_TYPE_NAMES[kind]))
        result[key] = item
    return result, value


def _fits(item: Any, kind: type) -> bool:
    if kind is int:
        return isinstance(item, int) and not isinstance(item, bool)
    return isinstance(item, kind)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number %s" % json.dumps(value) if isinstance(value, float) else "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), "value")
