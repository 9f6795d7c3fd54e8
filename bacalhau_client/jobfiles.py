"""Job files: JSON or YAML jobs read as ``bacalhau create`` reads them.

>>> job = load_job("{Spec: {Engine: Docker, Docker: {Image: ubuntu, Entrypoint: [echo, hello]}}}")
>>> Client().submit(job)                 # from_file("job.yaml") reads a file the same way

The rules are the Go CLI's: the document (JSON is YAML) is at most 10 MiB; YAML
1.1 scalars (``yes``/``no`` are booleans); a number or boolean given for a text
field becomes its text (``GPU: 1`` is ``"1"``); keys match field names
case-insensitively; unknown keys are dropped; a ``describe`` document (a job
with ``Job`` at its top) gives its ``Job``; missing fields keep the CLI's
defaults (Docker, Noop verifier, Estuary publisher, concurrency 1, API version
V1beta1); fields the node sets (ID, ClientID, CreatedAt, state...) are cleared.
Enum fields take a name in any case or Go's number (``Engine: 2`` is Docker).
PyYAML (safe loading only) is imported only when a document is not JSON.
"""

import json
import math
import os
from typing import Any, Dict, List, NamedTuple, Union

from bacalhau_client.canonical import decode_struct, go_json, struct_plan
from bacalhau_client.models import ModelJob, enums
from bacalhau_client.models.base import MODEL_REGISTRY

__all__ = ["MAX_JOB_FILE_BYTES", "JobDocument", "from_file", "load_job", "read_job_document"]

MAX_JOB_FILE_BYTES = 10 * 1024 * 1024

# Fields the node fills in; a job file's values for them are dropped, named as the Go CLI names them.
SERVER_FIELDS = (("ClientID", "ClientID"), ("CreatedAt", "CreatedAt"), ("ExecutionPlan", "Verification"),
                 ("JobEvents", "Events"), ("ID", "ID"), ("LocalJobEvents", "LocalEvents"),
                 ("RequesterNodeID", "RequesterNodeID"), ("RequesterPublicKey", "RequesterPublicKey"),
                 ("JobState", "State"))

DEFAULT_JOB = {"APIVersion": "V1beta1", "Spec": {"Engine": "Docker", "Verifier": "Noop", "Publisher": "Estuary"},
               "Deal": {"Concurrency": 1}}


class JobDocument(NamedTuple):
    """A job file read: the ``job``, the names of the server fields it set (dropped), and the raw document."""

    job: ModelJob
    ignored: List[str]
    document: Dict[str, Any]


def from_file(path_or_text: Union[str, bytes, "os.PathLike[str]"]) -> ModelJob:
    """The job in a JSON or YAML file, or in the document itself when given its text.

    A ``str`` holding a line break or starting with ``{`` is taken as the
    document; any other ``str`` (or path object) names a file.
    """
    if isinstance(path_or_text, bytes) or (isinstance(path_or_text, str) and (
            "\n" in path_or_text or path_or_text.lstrip().startswith("{"))):
        return load_job(path_or_text)
    path = os.fspath(path_or_text)
    return read_job_document(read_job_file(path), source=path).job


def load_job(text: Union[str, bytes], source: str = "job") -> ModelJob:
    """The job in a JSON or YAML document; ``ValueError`` names ``source``, the line or the field path."""
    return read_job_document(text, source=source).job


def read_job_document(text: Union[str, bytes], source: str = "job") -> JobDocument:
    """Read a job document as ``bacalhau create`` does; see the module's docstring for the rules."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if not isinstance(data, bytes):
        raise ValueError("%s: expected the document as str or bytes, got %s" % (source, type(text).__name__))
    if len(data) > MAX_JOB_FILE_BYTES:
        raise ValueError("%s: size of bytes to unmarshal (%d) larger than maximum allowed (%d)"
                         % (source, len(data), MAX_JOB_FILE_BYTES))
    document = parse_document(data, source)
    if document is None:
        raise ValueError("%s: the document is empty; expected a job" % source)
    if not isinstance(document, dict):
        raise ValueError("%s: expected a job (an object with APIVersion, Spec, Deal), got %s"
                         % (source, _kind(document)))
    defaults = dict(DEFAULT_JOB)
    if "Job" in document:  # a job with its state and events, as `describe` prints it
        document = document["Job"]
        if not isinstance(document, dict):
            raise ValueError("%s: Job: expected an object, got %s" % (source, _kind(document)))
        defaults["APIVersion"] = ""
    try:
        coerced = _coerce(document, "ModelJob", "Job")
        tree = decode_struct("ModelJob", coerced, decode_struct("ModelJob", defaults))
    except ValueError as error:
        message = str(error)
        raise ValueError("%s: %s" % (source, message if message.startswith("Job") else "Job." + message)) from None
    ignored = []
    for key, go_name in SERVER_FIELDS:
        if tree.get(key) and tree[key] != struct_plan("ModelJob").zero.get(key):
            ignored.append(go_name)
    wire = json.loads(go_json(tree))
    for key, _ in SERVER_FIELDS:
        wire.pop(key, None)
    return JobDocument(ModelJob.from_wire(wire), ignored, document)


def parse_document(data: bytes, source: str) -> Any:
    """JSON, or else YAML (1.1, safe loading), as plain JSON values; ``ValueError`` names the line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError("%s: not UTF-8 text (byte %d)" % (source, error.start)) from None
    if not text.strip():
        return None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except ValueError:
        pass  # not JSON: read as YAML, as Go's CLI does with any file that is not JSON
    return _json_values(_load_yaml(text, source), source)


def _refuse_constant(name: str) -> Any:
    raise ValueError("%s is not JSON" % name)


def _load_yaml(text: str, source: str) -> Any:
    try:
        import yaml
    except ImportError:
        raise ValueError("%s: not JSON, and reading YAML needs PyYAML (pip install PyYAML)" % source) from None

    class Loader(yaml.SafeLoader):
        """Safe loading, with timestamps kept as text (the Go CLI reads them as strings)."""

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    try:
        return yaml.load(text, Loader=Loader)  # noqa: S506 - Loader is a SafeLoader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = "line %d: " % (mark.line + 1) if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ValueError(("%s: error converting YAML to JSON: yaml: %s%s" % (source, where, problem))
                         .replace("\n", " ")) from None


def _json_values(value: Any, source: str, path: str = "") -> Any:
    """YAML values as JSON has them: keys as text, no NaN or infinity, no binary."""
    if isinstance(value, dict):
        return {_key_text(key): _json_values(item, source, "%s.%s" % (path, key)) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_values(item, source, "%s[%d]" % (path, index)) for index, item in enumerate(value)]
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("%s: %s: %r cannot be represented in JSON" % (source, path.lstrip(".") or "(root)", value))
    if isinstance(value, (bytes, set)) or not isinstance(value, (str, int, float, bool, type(None))):
        raise ValueError("%s: %s: a %s cannot be represented in JSON"
                         % (source, path.lstrip(".") or "(root)", type(value).__name__))
    return value


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)


def _coerce(value: Any, class_name: str, path: str) -> Any:
    """Apply the Go CLI's conversions before decoding: scalars for text fields, enum numbers to names."""
    if not isinstance(value, dict):
        return value
    from bacalhau_client.validation import matching_field

    converted = {}
    for key, item in value.items():
        field = matching_field(class_name, key)
        if field is None:
            converted[key] = item
            continue
        child = "%s.%s" % (path, field.key)
        if field.kind == "model":
            item = _coerce(item, field.item, child)
        elif field.kind == "list" and isinstance(item, list):
            if field.item in MODEL_REGISTRY:
                item = [_coerce(element, field.item, "%s[%d]" % (child, index)) for index, element in enumerate(item)]
            elif field.item == "str":
                item = [_text_of(element) for element in item]
        elif field.kind == "dict" and isinstance(item, dict) and field.item in MODEL_REGISTRY:
            item = {name: _coerce(element, field.item, "%s[%s]" % (child, name)) for name, element in item.items()}
        elif field.enum and type(item) is int:
            item = _enum_from_number(item, field.enum, child)
        elif field.type == "str" and not field.enum and not field.base64:
            item = _text_of(item)
        converted[key] = item
    return converted


def _text_of(value: Any) -> Any:
    """A YAML number or boolean in a text field, as Go's YAML-to-JSON conversion writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if not value.is_integer() or abs(value) >= 1e21 else str(int(value))
    return value


def _enum_from_number(number: int, enum_name: str, path: str) -> str:
    names = getattr(enums, enum_name).names
    if not 1 <= number <= len(names):
        raise ValueError("%s: %d is not a valid %s number (1 to %d: %s)"
                         % (path, number, enum_name, len(names), ", ".join(names)))
    return names[number - 1]


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__)


def read_job_file(path: str) -> bytes:
    """A job file's bytes, up to one past the size limit (so a larger file is refused); ``ValueError`` if unreadable."""
    try:
        with open(path, "rb") as source:
            data = source.read(MAX_JOB_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ValueError("%s: no such file" % path) from None
    except IsADirectoryError:
        raise ValueError("%s: is a directory, expected a job file" % path) from None
    except OSError as error:
        raise ValueError("%s: cannot read the file (%s)" % (path, error.strerror or error)) from None
    return data

