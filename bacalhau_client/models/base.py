"""The one declarative base behind every model.

A model is a table of :class:`Field` rows. :class:`Model` turns that table into
the generated-client surface users know (keyword constructor, properties,
``swagger_types``, ``attribute_map``, ``to_dict``, ``to_str``, ``==``) and into
a lossless view over the JSON body.

Why a view: a model keeps the parsed JSON object it came from (``_data``) and
builds typed children only when an attribute is read. Deserializing a large
``/list`` answer therefore costs little more than ``json.loads``, and every key
the server sent -- including keys and enum values this SDK does not know yet --
is written back unchanged.
"""

import importlib
import re
from datetime import datetime
from typing import Any, Callable, Dict, Optional, Tuple

from bacalhau_client.models.timestamp import Timestamp

_CLASS_NAME = re.compile(r"[A-Z][A-Za-z0-9]*\Z")
_WORD_START = re.compile(r"(?<!^)(?=[A-Z])")


def module_name(class_name: str) -> str:
    """The module that defines a model class: ``ModelJobShardState`` -> ``...models.model_job_shard_state``."""
    return "bacalhau_client.models." + _WORD_START.sub("_", class_name).lower()


class ModelRegistry(dict):
    """Every model class by name; a lookup of a class not loaded yet imports its module.

    Type strings such as ``"list[ModelJobEvent]"`` name classes, and models
    load on first use so that ``import bacalhau_client`` stays cheap. Iterating
    shows the classes loaded so far.
    """

    def __missing__(self, class_name: str) -> type:
        if not isinstance(class_name, str) or not _CLASS_NAME.match(class_name):
            raise KeyError(class_name)
        module = module_name(class_name)
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:
                raise  # the model's module exists but something it imports does not
            raise KeyError(class_name) from None
        cls = dict.get(self, class_name)
        if cls is None:
            raise KeyError(class_name)
        return cls

    def __contains__(self, class_name: object) -> bool:
        return self.get(class_name) is not None

    def get(self, class_name: str, default: Any = None) -> Any:
        cls = dict.get(self, class_name)  # the common case: loaded already
        if cls is not None:
            return cls
        try:
            return self[class_name]
        except KeyError:
            return default


MODEL_REGISTRY: Dict[str, type] = ModelRegistry()

_SCALARS = {"str": str, "int": int, "float": (int, float), "bool": bool, "object": object}


class Field:
    """One row of a model's table.

    ``attr`` is the Python attribute, ``key`` the JSON key, ``type`` the
    swagger-style type string (``str``, ``int``, ``float``, ``bool``,
    ``datetime``, ``ModelSpec``, ``list[ModelStorageSpec]``,
    ``dict(str, str)``). The remaining flags describe the Go field behind it,
    which is what :func:`bacalhau_client.signing.canonical_json` needs:
    ``omitempty`` (Go leaves the key out when empty), ``enum`` (the enum class
    name for string enums), ``base64`` (a Go ``[]byte``), ``pointer`` (a Go
    pointer: absent rather than ``{}`` when empty), ``int_keys`` (a Go map keyed
    by ``int``) and ``unsigned`` (a Go ``uint64``).
    """

    __slots__ = ("attr", "key", "type", "omitempty", "enum", "base64", "pointer",
                 "int_keys", "unsigned", "kind", "item")

    def __init__(self, attr: str, key: str, type: str, *, omitempty: bool = True,
                 enum: Optional[str] = None, base64: bool = False, pointer: bool = False,
                 int_keys: bool = False, unsigned: bool = False):
        self.attr = attr
        self.key = key
        self.type = type
        self.omitempty = omitempty
        self.enum = enum
        self.base64 = base64
        self.pointer = pointer
        self.int_keys = int_keys
        self.unsigned = unsigned
        self.kind, self.item = _parse_type(type)

    def __repr__(self) -> str:
        return "Field(%r, %r, %r)" % (self.attr, self.key, self.type)


def _parse_type(type_string: str) -> Tuple[str, Optional[str]]:
    """Split a type string into (kind, item type): kind is scalar, datetime, model, list or dict."""
    if type_string.startswith("list["):
        return "list", type_string[5:-1]
    if type_string.startswith("dict("):
        return "dict", type_string[5:-1].split(",", 1)[1].strip()
    if type_string in _SCALARS:
        return "scalar", None
    if type_string == "datetime":
        return "datetime", None
    return "model", type_string


def _is_model_type(type_string: Optional[str]) -> bool:
    return type_string is not None and type_string not in _SCALARS and type_string != "datetime"


class _Missing:
    """Marks "no value": distinct from a JSON null, which is kept."""


def wire_value(value: Any) -> Any:
    """The JSON form of a value held in a model: a model, a list or dict of models, a datetime.

    Only the models are converted: anything else is already JSON as it came,
    so a deeply nested unknown value is passed along, not walked.
    """
    if isinstance(value, Model):
        return value.to_wire()
    if type(value) is list:
        return [item.to_wire() if isinstance(item, Model) else item for item in value]
    if type(value) is dict:
        return {key: item.to_wire() if isinstance(item, Model) else item for key, item in value.items()}
    if isinstance(value, datetime):
        return Timestamp.from_datetime(value)
    return value


def _converter(field: Field) -> Callable[[Any], Any]:
    """The function that turns a field's raw JSON value into its typed view.

    Built once per field, so reading an attribute does no type-string work; a
    value of the wrong JSON type is returned as it came.
    """
    if field.kind == "datetime":
        return lambda raw: Timestamp(raw) if type(raw) is str else raw
    registry, name = MODEL_REGISTRY, field.item  # looked up per call: models load on first use
    if field.kind == "model":
        return lambda raw: registry[name].from_wire(raw) if type(raw) is dict else raw
    if not _CLASS_NAME.match(name):
        return lambda raw: raw  # items that are containers themselves are used as they are
    if field.kind == "list":
        def convert_list(raw):
            if type(raw) is not list:
                return raw
            from_wire = registry[name].from_wire
            return [from_wire(item) if type(item) is dict else item for item in raw]
        return convert_list

    def convert_dict(raw):
        if type(raw) is not dict:
            return raw
        from_wire = registry[name].from_wire
        return {key: from_wire(item) if type(item) is dict else item for key, item in raw.items()}
    return convert_dict


def _check(owner: str, field: Field, value: Any) -> Any:
    """Validate a value a user assigns; return it in the form the model stores."""
    kind = field.kind
    where = "%s.%s" % (owner, field.attr)
    if kind == "scalar":
        expected = _SCALARS[field.type]
        if isinstance(value, bool) and field.type in ("int", "float"):
            raise ValueError("%s: expected %s, got bool %r" % (where, field.type, value))
        if not isinstance(value, expected):
            raise ValueError("%s: expected %s, got %s %r" % (where, field.type, type(value).__name__, value))
        return value
    if kind == "datetime":
        if isinstance(value, datetime):
            return Timestamp.from_datetime(value)
        if isinstance(value, str):
            timestamp = Timestamp(value)
            try:
                timestamp.canonical  # the node refuses a payload whose time it cannot parse
            except ValueError:
                raise ValueError("%s: expected an RFC 3339 timestamp, got %r" % (where, value)) from None
            return timestamp
        raise ValueError("%s: expected datetime or RFC 3339 str, got %s" % (where, type(value).__name__))
    if kind == "model":
        return _check_model(where, field.item, value)
    container = list if kind == "list" else dict
    if not isinstance(value, container):
        raise ValueError("%s: expected %s, got %s" % (where, field.type, type(value).__name__))
    if kind == "list":
        return [_check_item(where + "[%d]" % index, field.item, item) for index, item in enumerate(value)]
    for key in value:
        if not isinstance(key, str):
            raise ValueError("%s: keys must be str, got %s %r" % (where, type(key).__name__, key))
    return {key: _check_item("%s[%r]" % (where, key), field.item, item) for key, item in value.items()}


def _check_item(where: str, item_type: str, value: Any) -> Any:
    if _is_model_type(item_type):
        return _check_model(where, item_type, value)
    expected = _SCALARS.get(item_type, object)
    if not isinstance(value, expected) or (isinstance(value, bool) and item_type in ("int", "float")):
        raise ValueError("%s: expected %s, got %s %r" % (where, item_type, type(value).__name__, value))
    return value


def _check_model(where: str, class_name: str, value: Any) -> Any:
    cls = MODEL_REGISTRY[class_name]
    if isinstance(value, cls):
        return value
    if isinstance(value, dict):
        return cls.from_wire(value)  # a dict in wire form, as the server would send it
    raise ValueError("%s: expected %s, got %s" % (where, class_name, type(value).__name__))


def _make_property(field: Field) -> property:
    attr, key = field.attr, field.key
    plain = field.kind == "scalar" or (field.kind in ("list", "dict") and not _is_model_type(field.item))

    if plain:
        def getter(self):
            return self._data.get(key)
    else:
        convert = _converter(field)

        def getter(self):
            views = self._views
            value = views.get(attr, _Missing)
            if value is _Missing:
                raw = self._data.get(key)
                if raw is None:
                    return None
                value = views[attr] = convert(raw)
            return value

    def setter(self, value):
        if value is None:
            self._data.pop(key, None)
            self._views.pop(attr, None)
            return
        value = _check(type(self).__name__, field, value)
        self._data[key] = value
        if not plain:
            self._views[attr] = value

    return property(getter, setter, doc="JSON key ``%s``, type ``%s``." % (key, field.type))


class Model:
    """Base of every model class; subclasses only declare ``_fields``.

    Construct with keywords (``ModelDeal(concurrency=1)``) or wrap a JSON
    object with :meth:`from_wire`. Attributes read typed views; unknown JSON
    keys are kept in :attr:`additional_properties` and written back.
    """

    __slots__ = ("_data", "_views")

    _fields: Tuple[Field, ...] = ()
    swagger_types: Dict[str, str] = {}
    attribute_map: Dict[str, str] = {}
    _by_attr: Dict[str, Field] = {}
    _by_key: Dict[str, Field] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.swagger_types = {f.attr: f.type for f in cls._fields}
        cls.attribute_map = {f.attr: f.key for f in cls._fields}
        cls._by_attr = {f.attr: f for f in cls._fields}
        cls._by_key = {f.key: f for f in cls._fields}
        for field in cls._fields:
            setattr(cls, field.attr, _make_property(field))
        MODEL_REGISTRY[cls.__name__] = cls

    def __init__(self, *args: Any, **kwargs: Any):
        self._data: Dict[str, Any] = {}
        self._views: Dict[str, Any] = {}
        if len(args) > len(self._fields):
            raise TypeError("%s takes at most %d positional arguments (%d given)"
                            % (type(self).__name__, len(self._fields), len(args)))
        for field, value in zip(self._fields, args):
            if field.attr in kwargs:
                raise TypeError("%s got multiple values for argument %r" % (type(self).__name__, field.attr))
            kwargs[field.attr] = value
        for name in kwargs:
            if name not in self._by_attr:
                raise TypeError("%s has no attribute %r; known attributes: %s"
                                % (type(self).__name__, name, ", ".join(self._by_attr)))
        # Assign in table order so the JSON keys come out in the server's field order.
        for field in self._fields:
            value = kwargs.get(field.attr)
            if value is not None:
                setattr(self, field.attr, value)

    @classmethod
    def from_wire(cls, data: Dict[str, Any]):
        """Wrap a JSON object (as ``json.loads`` returns it) without copying it."""
        obj = object.__new__(cls)
        obj._data = data
        obj._views = {}
        return obj

    def to_wire(self) -> Dict[str, Any]:
        """The JSON object for this model: what the server sent, with any changes applied."""
        if not self._views:
            return self._data
        views = self._views
        by_key = self._by_key
        out = {}
        for key, raw in self._data.items():
            field = by_key.get(key)
            if field is not None and field.attr in views:
                out[key] = wire_value(views[field.attr])
            else:
                out[key] = raw
        return out

    @property
    def additional_properties(self) -> Dict[str, Any]:
        """JSON keys this SDK does not know (from a newer server), as they came."""
        by_key = self._by_key
        return {key: value for key, value in self._data.items() if key not in by_key}

    def to_dict(self) -> Dict[str, Any]:
        """The model as a dict keyed by Python attribute names (unknown keys by their JSON key)."""
        by_key = self._by_key
        result = {}
        for key in self._data:
            field = by_key.get(key)
            if field is None:
                result[key] = self._data[key]
            else:
                result[field.attr] = _plain(getattr(self, field.attr))
        return result

    def to_str(self) -> str:
        """The model pretty-printed, for logs and notebooks."""
        import pprint  # loaded here: it costs more to import than all the models

        try:
            return pprint.pformat(self.to_dict())
        except RecursionError:  # a value nested deeper than pprint can walk (only a hostile server sends one)
            return repr(self)

    def __repr__(self) -> str:
        return "%s(%s)" % (type(self).__name__, ", ".join(
            "%s=%r" % (name, value) for name, value in self.to_dict().items()))

    def __eq__(self, other: Any) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.to_wire() == other.to_wire()

    def __ne__(self, other: Any) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None  # mutable, like the dicts it wraps


def _plain(value: Any) -> Any:
    """Turn models, and lists or dicts of them, into dicts keyed by attribute names, for :meth:`Model.to_dict`."""
    if isinstance(value, Model):
        return value.to_dict()
    if type(value) is list:
        return [item.to_dict() if isinstance(item, Model) else item for item in value]
    if type(value) is dict:
        return {key: item.to_dict() if isinstance(item, Model) else item for key, item in value.items()}
    return value
