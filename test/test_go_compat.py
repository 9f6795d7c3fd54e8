"""Go's rules in bacalhau_client._go, and every part of the SDK agreeing on them.

The expected values are those of Go 1.19 (the node's toolchain): strings.EqualFold,
strings.TrimSpace, time.Time's UnmarshalJSON/MarshalJSON, base64.StdEncoding and
encoding/json's decoder and encoder.
"""

import doctest
import json
from datetime import timedelta, timezone

import pytest

from bacalhau_client import _go, canonical
from bacalhau_client.canonical import canonical_json
from bacalhau_client.models import enums, timestamp
from bacalhau_client.models import (
    Engine, JobStateType, ModelJob, ModelJobCreatePayload, Publisher, StorageSourceType, Timestamp, Verifier,
)

from payloads import payload

LONG_S, KELVIN = "\u017f", "\u212a"


def canonical_created_at(text):
    """What canonical_json writes for CreatedAt, or the ValueError's message."""
    try:
        return json.loads(canonical_json(payload(CreatedAt=text)))["Job"]["CreatedAt"]
    except ValueError as error:
        return "refused: %s" % error


# --- case folding ------------------------------------------------------------------------------

@pytest.mark.parametrize("sent, name, equal", [
    ("docker", "Docker", True),
    ("DOCKER", "Docker", True),
    ("E%stuary" % LONG_S, "Estuary", True),
    ("%sind" % KELVIN, "Kind", True),
    ("doc%ser" % KELVIN, "Docker", True),
    ("\u0130pfs", "Ipfs", False),       # dotted capital I folds to nothing ASCII
    ("Ipf\u00df", "Ipfss", False),       # sharp s is not "ss" under simple folding
    ("Docker ", "Docker", False),
])
def test_fold_is_go_equal_fold(sent, name, equal):
    assert (_go.fold(sent) == _go.fold(name)) is equal


def test_trim_space_trims_what_go_trims_and_keeps_what_it_keeps():
    assert _go.trim_space("\u3000\x85\xa0\t Ipfs\v\f\r\n\u2028") == "Ipfs"
    # Python's str.strip() would remove the information separators; Go keeps them.
    assert _go.trim_space("\x1cIpfs\x1f") == "\x1cIpfs\x1f"


@pytest.mark.parametrize("enum, sent, canonical", [
    (Publisher, "E%stuary" % LONG_S, "Estuary"),
    (Publisher, " ipfs\n", "Ipfs"),
    (Verifier, "\tdeterministic ", "Deterministic"),
    (StorageSourceType, "url%sownload" % "D", "URLDownload"),
    (JobStateType, " COMPLETED", "Completed"),
    (Engine, "%sOCKER" % "D", "Docker"),
    (Engine, " Docker", None),          # ParseEngine does not trim
    (Publisher, "\x1cIpfs", None),
])
def test_enum_names_resolve_as_the_node_parses_them(enum, sent, canonical):
    assert enum.canonical(sent) == canonical


@pytest.mark.parametrize("field, sent", [
    ("Publisher", "E%stuary" % LONG_S), ("Publisher", " ipfs\n"), ("Engine", "%socker" % "d"),
    ("Engine", " Docker"), ("Verifier", "Noop\u3000"), ("Engine", "Wa%sm" % LONG_S),
])
def test_enum_classes_and_canonical_json_agree(field, sent):
    enum = {"Publisher": Publisher, "Engine": Engine, "Verifier": Verifier}[field]
    data = payload()
    data["Job"]["Spec"][field] = sent
    try:
        written = json.loads(canonical_json(data))["Job"]["Spec"][field]
    except ValueError:
        written = None
    assert written == enum.canonical(sent)


def test_keys_fold_long_s_and_kelvin_when_read_from_bytes_too():
    body = ('{"Job": {"%spec": {"Doc%ser": {"Image": "x"}}}}' % (LONG_S, KELVIN)).encode("utf-8")
    assert json.loads(canonical_json(_go.read_json(body)))["Job"]["Spec"]["Docker"] == {"Image": "x"}


# --- timestamps --------------------------------------------------------------------------------

# (sent, what Go writes back, or None when Go refuses it)
TIMESTAMPS = [
    ("2022-11-17T13:32:55.33837275Z", "2022-11-17T13:32:55.33837275Z"),
    ("2022-11-17T13:32:55.000000000Z", "2022-11-17T13:32:55Z"),
    ("2022-11-17T13:32:55.1234567891Z", "2022-11-17T13:32:55.123456789Z"),
    ("2022-11-17T13:32:55,5Z", "2022-11-17T13:32:55.5Z"),          # Go 1.17+ takes a comma too
    ("2022-11-17T3:32:55Z", "2022-11-17T03:32:55Z"),               # layout "15": one digit is enough
    ("2022-11-17T13:32:55+01:75", "2022-11-17T13:32:55+02:15"),    # offsets are not range checked
    ("2022-11-17T13:32:55+24:00", "2022-11-17T13:32:55+24:00"),
    ("2022-11-17T13:32:55+99:99", "2022-11-17T13:32:55+100:39"),
    ("2022-11-17T13:32:55+-1:+0", "2022-11-17T13:32:55-01:00"),    # atoi takes a sign in each field
    ("2022-11-17T13:32:55-00:00", "2022-11-17T13:32:55Z"),
    ("2022-11-17T13:32:55+00:30", "2022-11-17T13:32:55+00:30"),
    ("0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"),
    ("2000-02-29T00:00:00Z", "2000-02-29T00:00:00Z"),
    ("2022-11-17t13:32:55Z", None),                                # 'T' and 'Z' are upper case only
    ("2022-11-17T13:32:55z", None),
    ("2022-11-17T13:32:55.Z", None),
    ("2022-11-17T13:32:55", None),
    ("2022-11-17T13:32:55+0100", None),
    ("2022-11-17T13:32:55+1:00", None),
    ("2022-11-17T13:32:55++1:00", "2022-11-17T13:32:55+01:00"),
    ("2022-11-17T13:32:55+1-:00", None),
    ("2022-11-17T24:00:00Z", None),
    ("2022-11-17T13:60:00Z", None),
    ("2022-11-17T13:32:60Z", None),
    ("1900-02-29T00:00:00Z", None),
    ("2022-13-01T00:00:00Z", None),
    ("2022-00-01T00:00:00Z", None),
    ("22-11-17T13:32:55Z", None),
    ("2022-11-17T13:32:55Z ", None),
    ("2022-11-17T13:32:55.\u0661Z", None),                         # only ASCII digits
]


@pytest.mark.parametrize("sent, written", TIMESTAMPS)
def test_rfc3339_is_read_and_written_as_go_1_19_does(sent, written):
    if written is None:
        with pytest.raises(ValueError):
            _go.parse_rfc3339(sent)
    else:
        assert _go.format_rfc3339(_go.parse_rfc3339(sent)) == written


@pytest.mark.parametrize("sent, written", TIMESTAMPS)
def test_models_timestamp_and_canonical_json_agree(sent, written):
    canonical = canonical_created_at(sent)
    try:
        model_value = ModelJob(created_at=sent).created_at.canonical
    except ValueError:
        model_value = None
    if written is None:
        assert model_value is None and canonical.startswith("refused: ")
    else:
        assert canonical == model_value == written


def test_refused_timestamp_names_the_field():
    assert canonical_created_at("2022-11-17t13:32:55Z") == (
        'refused: Job.CreatedAt: string "2022-11-17t13:32:55Z" is not an RFC 3339 timestamp '
        "(like 2022-11-17T13:29:01.87Z)")
    with pytest.raises(ValueError) as error:
        ModelJob(created_at="2022-11-17T13:32:55z")
    assert "RFC 3339" in str(error.value) and "created_at" in str(error.value)


def test_timestamp_views_of_a_go_only_offset():
    stamp = Timestamp("2022-11-17T13:32:55.5+01:75")
    assert stamp.utcoffset == timedelta(hours=2, minutes=15)
    assert stamp.datetime.utcoffset() == timedelta(hours=2, minutes=15)
    assert stamp.nanosecond == 500000000


def test_timestamp_with_an_offset_of_a_day_or_more_gives_the_instant_in_utc():
    stamp = Timestamp("2022-11-17T13:00:00+25:00")
    assert stamp.utcoffset == timedelta(hours=25)
    assert stamp.datetime.tzinfo == timezone.utc
    assert stamp.datetime.isoformat() == "2022-11-16T12:00:00+00:00"


def test_year_zero_is_a_go_time_but_not_a_datetime():
    stamp = Timestamp("0000-06-01T00:00:00Z")
    assert stamp.canonical == "0000-06-01T00:00:00Z"
    with pytest.raises(ValueError, match="year 0"):
        stamp.datetime


def test_timestamp_that_go_refuses_raises_a_clear_error_from_every_view():
    stamp = Timestamp("2022-11-17T13:32:55z")
    for view in ("canonical", "nanosecond", "utcoffset", "datetime"):
        with pytest.raises(ValueError, match="not an RFC 3339 timestamp: '2022-11-17T13:32:55z'"):
            getattr(stamp, view)


def test_timestamp_from_datetime_uses_the_same_writer():
    moment = Timestamp("2022-11-17T13:32:55.25-05:30").datetime
    assert Timestamp.from_datetime(moment) == "2022-11-17T13:32:55.25-05:30"


# --- base64 ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, data", [
    ("aGVsbG8=", b"hello"), ("aGVs\r\nbG8=", b"hello"), ("\naGVsbG8=\n", b"hello"), ("aGVsbG8\n=", b"hello"),
    ("", b""),
])
def test_std_base64_skips_line_breaks_anywhere(text, data):
    assert _go.decode_std_base64(text) == data


@pytest.mark.parametrize("text", ["aGVsbG8", "aGVs bG8=", "aGVsbG8=aGVs", "aGVsbG8\t=", "aGV-bG8="])
def test_std_base64_refuses_what_go_refuses(text):
    with pytest.raises(ValueError, match="not valid standard base64"):
        _go.decode_std_base64(text)


# --- json.Marshal ------------------------------------------------------------------------------

def test_marshal_escapes_as_go_does():
    assert _go.marshal({"s": "<a&b>\u2028\u2029\x08\x0c\x01\x7f/é\\\"\n"}) == \
        '{"s":"\\u003ca\\u0026b\\u003e\\u2028\\u2029\\u0008\\u000c\\u0001\x7f/é\\\\\\"\\n"}'


def test_marshal_writes_a_lone_surrogate_as_go_writes_invalid_utf8():
    assert _go.marshal(["a\udc80b", "\ud800"]) == '["a\\ufffdb","\\ufffd"]'


@pytest.mark.parametrize("value, text", [
    (1e-7, "1e-7"), (1e21, "1e+21"), (0.000001, "0.000001"), (-0.0, "-0"), (123456789012345680.0, "123456789012345680"),
    (1.5, "1.5"), (1e300, "1e+300"),
])
def test_marshal_spells_floats_as_go_does(value, text):
    assert _go.marshal([_go.float_value(value)]) == "[%s]" % text


def test_sorted_map_orders_keys_by_bytes():
    assert list(_go.sorted_map({"b": 1, "10": 2, "2": 3, "é": 4, "Z": 5})) == ["10", "2", "Z", "b", "é"]


@pytest.mark.parametrize("as_list", [True, False])
def test_marshal_of_too_deep_a_value_is_a_value_error(as_list):
    with pytest.raises(ValueError, match="nested too deeply"):
        _go.marshal(nest(100_000, as_list))


def nest(depth, as_list):
    """A value nested ``depth`` levels deep, in arrays or in objects."""
    value = 1
    for _ in range(depth):
        value = [value] if as_list else {"a": value}
    return value


# --- json.Decoder ------------------------------------------------------------------------------

@pytest.mark.parametrize("body, message", [
    (b"", "EOF"),
    (b" \n\t", "EOF"),
    (b'{"a": 1', "unexpected EOF"),
    (b"NaN", "invalid character 'N' looking for beginning of value"),
    (b'{"a": Infinity}', "invalid character 'I' looking for beginning of value"),
    (b'{"a": -Infinity}', "invalid character 'I' in numeric literal"),
    (b'{"a": nan}', "invalid character 'a' in literal null (expecting 'u')"),
    (b"{'a': 1}", "invalid character '\\'' looking for beginning of object key string"),
    (b'{"a" 1}', "invalid character '1' after object key"),
    (b'{"a": 1 "b": 2}', "invalid character '\"' after object key:value pair"),
    (b"[1, 2,]", "invalid character ']' looking for beginning of value"),
    (b"[1 2]", "invalid character '2' after array element"),
    (b"[01]", "invalid character '1' after array element"),
    (b"[1.]", "invalid character ']' after decimal point in numeric literal"),
    (b"[1e+]", "invalid character ']' in exponent of numeric literal"),
    (b'["a\tb"]', "invalid character '\\t' in string literal"),
    (b'["\\x"]', "invalid character 'x' in string escape code"),
    (b'["\\u12x4"]', "invalid character 'x' in \\u hexadecimal character escape"),
    (b"\xef\xbb\xbf{}", "invalid character '\u00ef' looking for beginning of value"),
    (b"[" * 10_001, "invalid character '[' exceeded max depth"),
    (b'{"a":' * 100_000, "invalid character '{' exceeded max depth"),
])
def test_reader_refuses_what_go_refuses_in_go_words(body, message):
    with pytest.raises(ValueError) as error:
        _go.read_json(body)
    assert str(error.value) == message


def test_reader_takes_nesting_up_to_go_limit():
    assert _go.read_json(b"[" * 10_000 + b"]" * 10_000) is not None


def test_reader_reads_only_the_first_value():
    assert _go.read_json(b'{"a": 1} {"b": 2} garbage') == {"a": 1}


def test_reader_replaces_each_invalid_utf8_byte_in_a_string():
    assert _go.read_json(b'["a\xffb", "\xe2\x82", "\xed\xa0\x80"]') == ["a\ufffdb", "\ufffd\ufffd", "\ufffd" * 3]


def test_reader_replaces_lone_surrogate_escapes():
    assert _go.read_json(b'["\\ud800x", "\\ud83d\\ude00"]') == ["\ufffdx", "\U0001f600"]


def test_reader_marks_strings_that_held_escapes():
    plain, escaped = _go.read_json(b'["Z", "\\u005a"]')
    assert plain == escaped == "Z"
    assert type(plain) is str and isinstance(escaped, _go.EscapedStr)


def test_reader_keeps_every_pair_of_an_object_with_a_repeated_key():
    value = _go.read_json(b'{"a": {"x": 1}, "b": 2, "a": {"y": 3}}')
    assert isinstance(value, _go.JsonObject)
    assert value.pairs == [("a", {"x": 1}), ("b", 2), ("a", {"y": 3})]


def test_reader_numbers():
    assert _go.read_json(b"[0, -0, 1.5, 1e2, -12]") == [0, 0, 1.5, 100.0, -12]
    huge = _go.read_json(b"[" + b"9" * 5000 + b"]")[0]
    assert huge == float("inf")  # beyond every Go number type; only a dropped key can hold it


# --- canonical_json and deep nesting -----------------------------------------------------------

def deep_payload(where, as_list):
    deep = nest(100_000, as_list)
    if where == "list item":
        return payload({"Docker": {"Entrypoint": [deep]}})
    if where == "map value":
        return payload({"Wasm": {"EnvironmentVariables": {"K": deep}}})
    return payload(Unknown=deep)


@pytest.mark.parametrize("as_list", [True, False])
@pytest.mark.parametrize("where, path", [
    ("list item", "Job.Spec.Docker.Entrypoint[0]"), ("map value", "Job.Spec.Wasm.EnvironmentVariables[K]"),
])
def test_canonical_json_refuses_a_deep_value_in_a_typed_field_with_value_error(where, path, as_list):
    with pytest.raises(ValueError) as error:
        canonical_json(deep_payload(where, as_list))
    assert str(error.value) == "%s: expected a string, got %s" % (path, "array" if as_list else "object")


@pytest.mark.parametrize("as_list", [True, False])
def test_canonical_json_drops_a_deep_unknown_value_as_go_does(as_list):
    data = deep_payload("unknown key", as_list)
    expected = canonical_json(payload())
    assert canonical_json(data) == expected
    assert canonical_json(ModelJobCreatePayload.from_wire(data)) == expected


def test_an_integer_too_long_to_print_is_still_named_in_the_error():
    data = payload()
    data["Job"]["Deal"]["Concurrency"] = 10 ** 5000
    with pytest.raises(ValueError) as error:
        canonical_json(data)
    assert str(error.value) == "Job.Deal.Concurrency: an integer of 16610 bits is out of range for int64"
    data["Job"]["Deal"]["Concurrency"] = "x"
    data["Job"]["Spec"]["Timeout"] = -(10 ** 5000)
    with pytest.raises(ValueError) as error:
        canonical_json(data)
    assert str(error.value) == "Job.Spec.Timeout: an integer of 16610 bits is out of range for float64"


# --- the examples in the docstrings --------------------------------------------------------------

@pytest.mark.parametrize("module", [_go, canonical, enums, timestamp], ids=lambda module: module.__name__)
def test_docstring_examples_hold(module):
    failures, tried = doctest.testmod(module, verbose=False, report=False)
    assert tried > 0 and failures == 0
