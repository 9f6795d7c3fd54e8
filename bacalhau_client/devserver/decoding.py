"""Reading request bodies the way the Go node's ``json.Decoder`` reads them into its structs.

The body is read by :func:`bacalhau_client._go.read_json` (Go's syntax, nesting
limit and UTF-8 handling; only the first JSON value counts) and decoded with
the request model's table by :func:`bacalhau_client.canonical.decode_struct`,
the very decoder that computes the bytes a submission is signed over. Keys
match case-insensitively, repeated keys merge, unknown keys are dropped.
"""

import base64
from typing import Any, Dict

from bacalhau_client._go import decode_std_base64, read_json
from bacalhau_client.canonical import DecodeError, decode_struct, go_type_name

_JSON_KINDS = {str: "string", bool: "bool", list: "array", int: "number", float: "number"}
_NUMBER_TYPES = ("int", "uint64", "float64")


def decode_request(body: bytes, class_name: str) -> Dict[str, Any]:
    """The fields of the request model ``class_name`` (zero values for those not sent).

    ``ValueError`` when Go would refuse the body: a syntax error in Go's words,
    a value of the wrong JSON type for a field of the request as Go's
    ``UnmarshalTypeError`` words it, a problem deeper inside (the submitted
    payload) as ``path: rule``.
    """
    value = read_json(body)
    if value is None:
        return decode_struct(class_name, {})  # Go leaves the struct at its zero value
    if not isinstance(value, dict):
        raise ValueError("json: cannot unmarshal %s into Go value of type %s"
                         % (_json_kind(value), go_type_name(class_name)))
    try:
        return decode_struct(class_name, value)
    except DecodeError as error:
        if error.go_type is None or len(error.keys) != 1:
            raise
        struct_name = go_type_name(class_name).rsplit(".", 1)[-1]
        raise ValueError("json: cannot unmarshal %s into Go struct field %s.%s of type %s" % (
            _json_kind(error.value, error.go_type), struct_name, error.keys[0].lstrip("."), error.go_type)) from None


def _json_kind(value: Any, go_type: str = "") -> str:
    """The JSON value as Go's ``UnmarshalTypeError`` names it: ``string``, ``number 1.5``, ``object``.

    Go adds a number's text only when the field is a number too.
    """
    if type(value) in (int, float) and go_type in _NUMBER_TYPES:
        return "number %r" % value
    return _JSON_KINDS.get(type(value), "object" if isinstance(value, dict) else "string")


def go_base64_text(text: str) -> str:
    """``text`` without the line breaks Go's base64 decoder skips (invalid base64 is returned as it is)."""
    try:
        return base64.b64encode(decode_std_base64(text)).decode("ascii")
    except ValueError:
        return text
