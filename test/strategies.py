"""Hypothesis strategies for JSON shaped like the models, and a walk over the models read from it.

Shared by the round-trip and fuzz suites.

They are built from the models' own tables (``bacalhau_client.models.fields``),
so a field is generated as soon as it is declared. Two modes:

- well formed: every known key holds a value of its declared type, and the
  keys the SDK does not know (``x-...``) hold any JSON;
- noisy: at every level a value may be any JSON at all instead, and unknown
  keys may be any text, including a known key's.
"""

from functools import lru_cache

from hypothesis import strategies as st

from bacalhau_client.models import fields
from bacalhau_client.models.base import MODEL_REGISTRY, Model, _parse_type

# Models nested deeper than this are generated as {} (well formed) or any JSON (noisy).
MAX_DEPTH = 6

TIMESTAMPS = st.builds(
    lambda date, time, fraction, zone: "%sT%s%s%s" % (date, time, fraction, zone),
    st.dates().map(lambda d: d.isoformat()),
    st.times().map(lambda t: t.strftime("%H:%M:%S")),
    st.sampled_from(["", ".1", ".33837275", ".000000001", ".123456789"]),
    st.sampled_from(["Z", "+01:00", "-07:30"]),
)
JSON_SCALARS = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-(10 ** 40), max_value=10 ** 40)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda children: (
    st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)), max_leaves=12)

WELL_FORMED_SCALARS = {
    "str": st.text(max_size=12),
    "int": st.integers(),
    "bool": st.booleans(),
    "float": st.integers() | st.floats(allow_nan=False, allow_infinity=False),
    "datetime": TIMESTAMPS,
    "object": JSON_VALUES,
}


def is_model(type_name: str) -> bool:
    return type_name in MODEL_REGISTRY


@lru_cache(maxsize=None)
def values(type_name: str, noisy: bool = False, depth: int = 0) -> st.SearchStrategy:
    """JSON for a value of the swagger-style ``type_name`` (``list[ModelJob]``, ``dict(str, str)``, ``int``)."""
    kind, item = _parse_type(type_name)
    if kind == "list":
        proper = st.lists(values(item, noisy, depth + 1), max_size=2)
    elif kind == "dict":
        proper = st.dictionaries(st.text(max_size=4), values(item, noisy, depth + 1), max_size=2)
    elif kind == "model":
        proper = objects(type_name, noisy, depth + 1) if depth < MAX_DEPTH else st.just({})
    else:
        proper = WELL_FORMED_SCALARS[type_name]
    return proper | JSON_VALUES if noisy else proper


def _merge(known: dict, unknown: dict, unknown_first: bool) -> dict:
    return {**unknown, **known} if unknown_first else {**known, **unknown}


@lru_cache(maxsize=None)
def objects(model_name: str, noisy: bool = False, depth: int = 0) -> st.SearchStrategy:
    """JSON objects for a model: any subset of its keys in table order, with unknown keys before or after."""
    known = st.fixed_dictionaries({}, optional={
        row.key: values(row.type, noisy, depth) for row in fields(MODEL_REGISTRY[model_name])})
    unknown_keys = st.text(max_size=8) if noisy else st.text(min_size=1, max_size=8).map(lambda key: "x-" + key)
    unknown = st.dictionaries(unknown_keys, JSON_VALUES, max_size=2)
    return st.builds(_merge, known, unknown, st.booleans())


def bodies(type_name: str) -> st.SearchStrategy:
    """Whole answers for a response type, as a hostile server could send them: shaped or any JSON at all."""
    if is_model(type_name):
        return objects(type_name, noisy=True) | JSON_VALUES
    return values(type_name, noisy=True)


def every_model(value):
    """Every model reachable from ``value``, each after the models inside it, reading every attribute on the way.

    Children come first, so a check made on a model sees the nested models
    already built, as a user who read them would.
    """
    if isinstance(value, Model):
        for row in fields(value):
            yield from every_model(getattr(value, row.attr))
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from every_model(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from every_model(item)
