"""The one declarative base behind every model.

A model class declares its attributes as annotated fields, as attrs and
msgspec do::

    class ModelJob(Model):
        id: Optional[str] = field("ID")
        spec: Nested[ModelSpec] = field("Spec")
        created_at: Time = field("CreatedAt")

The annotation says what reading the attribute gives; every attribute reads as
``None`` when the server left its key out. ``Nested[ModelSpec]`` reads as
``Optional[ModelSpec]`` and also accepts a dict in wire form; ``Time`` reads as
``Optional[Timestamp]`` and also accepts a ``datetime``. :func:`field` gives the
JSON key and how the Go node treats the field. :class:`Model` turns those declarations into
the generated-client surface users know (keyword constructor, attributes,
``swagger_types``, ``attribute_map``, ``to_dict``, ``to_str``, ``==``) and into
a lossless view over the JSON body; :func:`fields` gives the table to code that
needs it. ``typing.dataclass_transform`` tells type checkers and editors what
the constructor and the attributes are, so no stubs are needed.

Why a view: a model keeps the parsed JSON object it came from (``_data``)
instead of copying it. An attribute holding a JSON value as it came (a string,
a number, a list of strings) is read from that object on each read; an
attribute holding models or a timestamp is built the first time it is read and
kept in the instance ``__dict__``, where later reads find it without a Python
call. Deserializing a large ``/list`` answer therefore costs little more than
``json.loads``, reading it all costs one small object per nested model, and
every key the server sent -- including keys and enum values this SDK does not
know yet -- is written back unchanged.
"""

import importlib
import re
from datetime import datetime
from typing import (
    TYPE_CHECKING, Any, Callable, ClassVar, Dict, Generic, List, NamedTuple, Optional, Tuple, Type, TypeVar,
    Union, overload,
)

from bacalhau_client.models.timestamp import Timestamp

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:
    try:
        from typing import dataclass_transform
    except ImportError:  # Python 3.9 and 3.10: only type checkers read it, so a marker is enough
        def dataclass_transform(**kwargs: Any) -> Callable[[type], type]:
            def mark(cls: type) -> type:
                cls.__dataclass_transform__ = kwargs
                return cls
            return mark

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

    def get(self, class_name: Any, default: Any = None) -> Any:
        cls = dict.get(self, class_name)  # the common case: loaded already
        if cls is not None:
            return cls
        try:
            return self[class_name]
        except KeyError:
            return default


MODEL_REGISTRY: Dict[str, Any] = ModelRegistry()

_SCALARS: Dict[str, Any] = {"str": str, "int": int, "float": (int, float), "bool": bool, "object": object}


class Field:
    """One row of a model's table, and the attribute it declares.

    ``attr`` is the Python attribute, ``key`` the JSON key, ``type`` the
    swagger-style type string (``str``, ``int``, ``float``, ``bool``,
    ``datetime``, ``ModelSpec``, ``list[ModelStorageSpec]``,
    ``dict(str, str)``), derived from the attribute's annotation. The remaining
    flags describe the Go field behind it, which is what
    :func:`bacalhau_client.signing.canonical_json` needs: ``omitempty`` (Go
    leaves the key out when empty), ``enum`` (the enum class name for string
    enums), ``base64`` (a Go ``[]byte``), ``pointer`` (a Go pointer: absent
    rather than ``{}`` when empty), ``int_keys`` (a Go map keyed by ``int``),
    ``unsigned`` (a Go ``uint64``) and ``text_only`` (a Go ``model.PublicKey``,
    read through ``UnmarshalText``: a base64 string only, never an array of
    numbers as a plain ``[]byte`` also takes).

    A field whose values hold models or timestamps is also the attribute's
    descriptor on the model class: its first read on an instance builds the
    typed value and keeps it in the instance ``__dict__``.
    """

    __slots__ = ("attr", "key", "type", "omitempty", "enum", "base64", "pointer",
                 "int_keys", "unsigned", "text_only", "kind", "item", "_convert")

    def __init__(self, attr: str, key: str, type: str, *, omitempty: bool = True,
                 enum: Optional[str] = None, base64: bool = False, pointer: bool = False,
                 int_keys: bool = False, unsigned: bool = False, text_only: bool = False):
        self.attr = attr
        self.key = key
        self.type = type
        self.omitempty = omitempty
        self.enum = enum
        self.base64 = base64
        self.pointer = pointer
        self.int_keys = int_keys
        self.unsigned = unsigned
        self.text_only = text_only
        kind, item = _parse_type(type)
        self.kind: str = kind
        self.item: Any = item  # the item or model type name; None for scalars and datetimes
        self._convert: Any = _converter(self)  # None when the value is used as it came

    def __get__(self, obj: Any, owner: Optional[type] = None) -> Any:
        """The typed value, built now and kept: the next read finds it in ``obj.__dict__`` first."""
        if obj is None:
            return self
        raw = obj._data.get(self.key)
        if raw is None:
            return None
        value = _get_values(obj)[self.attr] = self._convert(raw)
        return value

    def __repr__(self) -> str:
        return "Field(%r, %r, %r)" % (self.attr, self.key, self.type)


_T = TypeVar("_T")


class Nested(Generic[_T]):
    """The annotation of an attribute holding one nested model: ``spec: Nested[ModelSpec] = field("Spec")``.

    Type checkers read it as ``Optional[ModelSpec]``, and let the constructor
    and assignments take the model or a dict in wire form (``{"Image":
    "ubuntu"}``), as the model itself does. Only an annotation: the attribute
    on the class is the field's :class:`Field`.
    """

    if TYPE_CHECKING:
        @overload
        def __get__(self, obj: None, owner: Any) -> Field: ...
        @overload
        def __get__(self, obj: object, owner: Any) -> Optional[_T]: ...
        def __get__(self, obj: Any, owner: Any) -> Any: ...
        def __set__(self, obj: object, value: Union[_T, Dict[str, Any], None]) -> None: ...


class Time:
    """The annotation of an RFC 3339 timestamp attribute: ``created_at: Time = field("CreatedAt")``.

    Type checkers read it as ``Optional[Timestamp]``, and let the constructor
    and assignments take a ``datetime`` or a string, as the model itself does.
    Only an annotation: the attribute on the class is the field's :class:`Field`.
    """

    if TYPE_CHECKING:
        @overload
        def __get__(self, obj: None, owner: Any) -> Field: ...
        @overload
        def __get__(self, obj: object, owner: Any) -> Optional[Timestamp]: ...
        def __get__(self, obj: Any, owner: Any) -> Any: ...
        def __set__(self, obj: object, value: Union[datetime, str, None]) -> None: ...


class _Declaration(NamedTuple):
    """What :func:`field` records until the class is built: the JSON key and the Go flags."""

    key: str
    flags: Dict[str, Any]


def field(key: str, *, omitempty: bool = True, enum: Optional[str] = None, base64: bool = False,
          pointer: bool = False, int_keys: bool = False, unsigned: bool = False, text_only: bool = False) -> Any:
    """Declare a model attribute: its JSON key, and the Go flags :class:`Field` describes.

    Typed ``Any`` so that ``concurrency: Optional[int] = field("Concurrency")``
    type-checks as an attribute of the annotated type with a default.
    """
    return _Declaration(key, {"omitempty": omitempty, "enum": enum, "base64": base64, "pointer": pointer,
                              "int_keys": int_keys, "unsigned": unsigned, "text_only": text_only})


def fields(cls: type) -> Tuple[Field, ...]:
    """The table of a model class (or of a model's class): its :class:`Field` rows, in declaration order.

    >>> from bacalhau_client.models import ModelDeal, fields
    >>> [row.key for row in fields(ModelDeal)]
    ['Concurrency', 'Confidence', 'MinBids']
    """
    if not isinstance(cls, type):
        cls = type(cls)
    if not issubclass(cls, Model):
        raise TypeError("fields() takes a model class or model, got %s" % cls.__name__)
    return cls._fields


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


# Annotation names that differ from the type string: a JSON value of any type, an RFC 3339 timestamp.
_ANNOTATION_NAMES = {"Any": "object", "Timestamp": "datetime"}


def _type_string(annotation: Any, where: str) -> str:
    """The swagger-style type string of an annotation: ``Optional[List[ModelJob]]`` -> ``list[ModelJob]``."""
    if not isinstance(annotation, str):
        raise TypeError("%s: annotation must be a string; model modules start with "
                        "'from __future__ import annotations'" % where)
    text = annotation.replace(" ", "")
    if text == "Time":
        return "datetime"
    if text.startswith("Nested[") and text.endswith("]") and _CLASS_NAME.match(text[7:-1]):
        return text[7:-1]
    if not (text.startswith("Optional[") and text.endswith("]")):
        raise TypeError("%s: annotation must be Optional[...], Nested[<model class>] or Time "
                        "(an absent key reads as None), got %r" % (where, annotation))
    return _inner_type_string(text[9:-1], annotation, where)


def _inner_type_string(text: str, annotation: str, where: str) -> str:
    if text.startswith("List[") and text.endswith("]"):
        return "list[%s]" % _inner_type_string(text[5:-1], annotation, where)
    if text.startswith("Dict[str,") and text.endswith("]"):
        return "dict(str, %s)" % _inner_type_string(text[9:-1], annotation, where)
    text = _ANNOTATION_NAMES.get(text, text)
    if text in _SCALARS or text == "datetime" or _CLASS_NAME.match(text):
        return text
    raise TypeError("%s: cannot read the annotation %r: expected str, int, float, bool, Any, Timestamp, "
                    "a model class, List[...] or Dict[str, ...]" % (where, annotation))


def _holds_models(field: Field) -> bool:
    """Whether the field's value may hold models, which must be turned back into JSON on the way out."""
    if field.kind == "model":
        return True
    return field.kind in ("list", "dict") and _CLASS_NAME.match(field.item) is not None


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


def _converter(field: Field) -> Optional[Callable[[Any], Any]]:
    """The function that turns a field's raw JSON value into its typed value, or None when it is used as it came.

    Built once per field, so reading does no type-string work; a value of the
    wrong JSON type is returned as it came. The model class is looked up per
    call, because models load on first use.
    """
    if field.kind == "datetime":
        return lambda raw: Timestamp(raw) if type(raw) is str else raw
    if not _holds_models(field):
        return None  # scalars, and containers of scalars or of containers, are used as they are
    registry, name = MODEL_REGISTRY, field.item
    if field.kind == "model":
        def convert_model(raw):
            return _wrap(registry[name], raw) if type(raw) is dict else raw
        return convert_model
    if field.kind == "list":
        def convert_list(raw):
            if type(raw) is not list:
                return raw
            cls = registry[name]
            return [_wrap(cls, item) if type(item) is dict else item for item in raw]
        return convert_list

    def convert_dict(raw):
        if type(raw) is not dict:
            return raw
        cls = registry[name]
        return {key: _wrap(cls, item) if type(item) is dict else item for key, item in raw.items()}
    return convert_dict


def _check(owner: str, field: Field, value: Any) -> Any:
    """Validate a value a user assigns; return it in the form the model stores."""
    kind = field.kind
    where = "%s.%s" % (owner, field.attr)
    if kind in ("scalar", "model"):
        return _check_item(where, field.type, value)
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
    container: Any = list if kind == "list" else dict
    if not isinstance(value, container):
        raise ValueError("%s: expected %s, got %s" % (where, field.type, type(value).__name__))
    if kind == "list":
        return [_check_item(where + "[%d]" % index, field.item, item) for index, item in enumerate(value)]
    for key in value:
        if not isinstance(key, str):
            raise ValueError("%s: keys must be str, got %s %r" % (where, type(key).__name__, key))
    return {key: _check_item("%s[%r]" % (where, key), field.item, item) for key, item in value.items()}


def _check_item(where: str, item_type: str, value: Any) -> Any:
    """Validate one value of a scalar or model type: a field's own, or an item of its list or dict."""
    expected = _SCALARS.get(item_type)
    if expected is None:
        if _CLASS_NAME.match(item_type):
            return _check_model(where, item_type, value)
        expected = object  # an item that is a list or dict itself is taken as it is
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


_M = TypeVar("_M", bound="Model")


def _unknown_attribute(cls: Any, name: str) -> str:
    """The message for an attribute a model does not have, naming the closest one it does have."""
    import difflib  # loaded here: only a mistake needs it

    known = list(cls._by_attr)
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return "%s has no attribute %r; did you mean %r?" % (cls.__name__, name, close[0])
    return "%s has no attribute %r; known attributes: %s" % (cls.__name__, name, ", ".join(known))


@dataclass_transform()
class Model:
    """Base of every model class; subclasses declare their fields with :func:`field`.

    Construct with keywords (``ModelDeal(concurrency=1)``) or wrap a JSON
    object with :meth:`from_wire`. Attributes read typed values; unknown JSON
    keys are kept in :attr:`additional_properties` and written back. Setting an
    attribute the model does not have raises ``AttributeError`` naming the
    closest one, so a misspelt name cannot pass silently.
    """

    __slots__ = ("_data", "__dict__")

    _fields: ClassVar[Tuple[Field, ...]] = ()
    swagger_types: ClassVar[Dict[str, str]] = {}
    attribute_map: ClassVar[Dict[str, str]] = {}
    _by_attr: ClassVar[Dict[str, Field]] = {}
    _by_key: ClassVar[Dict[str, Field]] = {}
    _with_models: ClassVar[Dict[str, str]] = {}  # {key: attr} of the fields whose values may hold models

    def __init_subclass__(cls, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        # Where Python keeps them until 3.13; from 3.14 on, the class attribute computes them.
        annotations = cls.__dict__.get("__annotations__") or getattr(cls, "__annotations__", {})
        declared: List[Field] = []
        for attr, value in list(cls.__dict__.items()):
            if isinstance(value, _Declaration):
                where = "%s.%s" % (cls.__name__, attr)
                if attr not in annotations:
                    raise TypeError("%s: a field needs an annotation, such as Optional[str]" % where)
                declared.append(Field(attr, value.key, _type_string(annotations[attr], where), **value.flags))
        table = cls.__dict__.get("_fields")
        if table is None:
            cls._fields = cls._fields + tuple(declared)
        elif declared:
            raise TypeError("%s: declare fields with field() or list them in _fields, not both" % cls.__name__)
        else:  # a whole table of Field rows, as models were once written: still accepted
            declared = list(table)
            cls._fields = tuple(table)
        for row in declared:
            setattr(cls, row.attr, row if row._convert else _plain_attribute(row))
        cls.swagger_types = {f.attr: f.type for f in cls._fields}
        cls.attribute_map = {f.attr: f.key for f in cls._fields}
        cls._by_attr = {f.attr: f for f in cls._fields}
        cls._by_key = {f.key: f for f in cls._fields}
        cls._with_models = {f.key: f.attr for f in cls._fields if _holds_models(f)}
        MODEL_REGISTRY[cls.__name__] = cls

    def __init__(self, *args: Any, **kwargs: Any):
        cls = type(self)
        _set_data(self, {})
        if len(args) > len(cls._fields):
            raise TypeError("%s takes at most %d positional arguments (%d given)"
                            % (cls.__name__, len(cls._fields), len(args)))
        for row, value in zip(cls._fields, args):
            if row.attr in kwargs:
                raise TypeError("%s got multiple values for argument %r" % (cls.__name__, row.attr))
            kwargs[row.attr] = value
        for name in kwargs:
            if name not in cls._by_attr:
                raise TypeError(_unknown_attribute(cls, name))
        # Assign in table order so the JSON keys come out in the server's field order.
        for row in cls._fields:
            value = kwargs.get(row.attr)
            if value is not None:
                setattr(self, row.attr, value)

    @classmethod
    def from_wire(cls: Type[_M], data: Dict[str, Any]) -> _M:
        """Wrap a JSON object (as ``json.loads`` returns it) without copying it."""
        return _wrap(cls, data)

    if TYPE_CHECKING:
        _data: ClassVar[Dict[str, Any]]  # per instance in truth: a slot, which dataclass_transform must not see

    if not TYPE_CHECKING:  # hidden from type checkers, which must still flag a misspelt attribute
        def __getattr__(self, name: str) -> Any:
            if name.startswith("__"):  # protocol probes (copy, pickle) expect the plain error
                raise AttributeError(name)
            raise AttributeError(_unknown_attribute(type(self), name))

        def __setattr__(self, name: str, value: Any) -> None:
            cls = type(self)
            row = cls._by_attr.get(name)
            if row is None:
                if name.startswith("_") or hasattr(cls, name):
                    object.__setattr__(self, name, value)  # private state, properties: Python's own rules
                    return
                raise AttributeError(_unknown_attribute(cls, name))
            values = _get_values(self)  # typed values already built
            if value is None:
                self._data.pop(row.key, None)
                values.pop(name, None)
                return
            value = _check(cls.__name__, row, value)
            self._data[row.key] = value
            if row._convert is not None:
                values[name] = value

        def __delattr__(self, name: str) -> None:
            if name in type(self)._by_attr:
                setattr(self, name, None)  # the key leaves the JSON object, and the attribute reads None
            else:
                object.__delattr__(self, name)

    def to_wire(self) -> Dict[str, Any]:
        """The JSON object for this model: what the server sent, with any changes applied."""
        with_models = self._with_models
        values = _get_values(self) if with_models else None
        if not values:
            return self._data  # no models were built from it or put in it: every value is JSON already
        out = {}
        for key, raw in self._data.items():
            attr = with_models.get(key)
            out[key] = wire_value(values[attr]) if attr in values else raw
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
            row = by_key.get(key)
            if row is None:
                result[key] = self._data[key]
            else:
                result[row.attr] = _plain(getattr(self, row.attr))
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

    def __reduce__(self) -> Tuple[Any, ...]:
        """Copy and pickle through the JSON form: a copy is the same JSON, read afresh.

        The top-level object is always a new dict, so that setting an attribute
        of even a shallow copy leaves the original alone.
        """
        return _wrap, (type(self), dict(self.to_wire()))

    def __eq__(self, other: Any) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.to_wire() == other.to_wire()

    def __ne__(self, other: Any) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dicts it wraps


# The slots' own accessors, which bypass Model.__setattr__: wrapping JSON is the hot path.
_new_object = object.__new__
_set_data = Model._data.__set__  # type: ignore[attr-defined]
_get_values = Model.__dict__["__dict__"].__get__


def _wrap(cls: Any, data: Dict[str, Any]) -> Any:
    """A model of class ``cls`` over the JSON object ``data``."""
    obj = _new_object(cls)
    _set_data(obj, data)
    return obj


def _plain_attribute(row: Field) -> property:
    """The attribute of a field whose value is used as it came: read from the JSON object each time.

    Nothing to build or keep, so nothing can go stale: a change to the JSON
    object (through the setter, or a parent's) is what the next read sees.
    """
    key = row.key

    def read(self):
        return self._data.get(key)
    return property(read, doc="JSON key ``%s``, type ``%s``." % (row.key, row.type))


def _plain(value: Any) -> Any:
    """Turn models, and lists or dicts of them, into dicts keyed by attribute names, for :meth:`Model.to_dict`."""
    if isinstance(value, Model):
        return value.to_dict()
    if type(value) is list:
        return [item.to_dict() if isinstance(item, Model) else item for item in value]
    if type(value) is dict:
        return {key: item.to_dict() if isinstance(item, Model) else item for key, item in value.items()}
    return value
