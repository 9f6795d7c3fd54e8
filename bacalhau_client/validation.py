"""Job validation: the node's checks, with the field path of each problem.

The requester node runs these checks (Go's ``VerifyJob``) on every submission
and answers with the first failure. :func:`validate_job` runs the same checks
in the same order; by default it collects every problem, so a job file can be
fixed in one go, and with ``first_only=True`` it stops at the first one with
the text the node answers.

>>> validate_job({"Job": {"Spec": {"Engine": "Docker"}, "Deal": {"Concurrency": 0, "MinBids": 1}}})
Traceback (most recent call last):
bacalhau_client.validation.JobValidationError: Job.Deal.Concurrency: must be >= 1, got 0 (and 2 more: ...)
"""

from typing import Any, Dict, List, Optional

from bacalhau_client._go import fold
from bacalhau_client.canonical import Payload, decode_payload, struct_plan
from bacalhau_client.models import enums
from bacalhau_client.models.base import MODEL_REGISTRY, Field

__all__ = ["JobValidationError", "job_problems", "job_schema", "matching_field", "unknown_keys", "validate_job"]


class JobValidationError(ValueError):
    """A job the node would refuse; ``problems`` lists each one as ``field.path: rule``."""

    def __init__(self, problems: List[str]):
        self.problems = list(problems)
        if len(self.problems) == 1:
            message = self.problems[0]
        else:
            message = "%s (and %d more: %s)" % (self.problems[0], len(self.problems) - 1, "; ".join(self.problems[1:]))
        super().__init__(message)


def validate_job(payload: Payload, *, first_only: bool = False) -> None:
    """Raise :class:`JobValidationError` (a ``ValueError``) if the node would refuse ``payload``.

    ``payload`` is a :class:`ModelJob`, a :class:`ModelJobCreatePayload` or a
    payload dict in wire form. With ``first_only`` the checks stop at the first
    problem, whose message is the one the node sends back.
    """
    problems = job_problems(payload, first_only=first_only)
    if problems:
        raise JobValidationError(problems)


def job_problems(payload: Payload, *, first_only: bool = False) -> List[str]:
    """Every reason the node would refuse ``payload``, in the node's order (empty when it is valid)."""
    try:
        tree = decode_payload(payload)
    except ValueError as error:
        return [str(error)]
    problems: List[str] = []
    for problem in _checks(tree):
        problems.append(problem)
        if first_only:
            break
    return problems


def _checks(tree: Dict[str, Any]):
    """Yield each problem in the order Go's ``VerifyJob`` finds them."""
    job = tree.get("Job")
    if job is None:
        yield "Job: missing"
        return
    spec, deal = job["Spec"], job["Deal"]
    spec_empty = spec == struct_plan("ModelSpec").zero
    deal_empty = deal == struct_plan("ModelDeal").zero
    if spec_empty:
        yield "Job.Spec: must not be empty"
    if deal_empty:
        yield "Job.Deal: must not be empty"
    concurrency, confidence = deal.get("Concurrency", 0), deal.get("Confidence", 0)
    if not deal_empty:
        if concurrency < 1:
            yield "Job.Deal.Concurrency: must be >= 1, got %d" % concurrency
        if confidence < 0:
            yield "Job.Deal.Confidence: must be >= 0, got %d" % confidence
    if not spec_empty:
        for key, enum in (("Engine", enums.Engine), ("Verifier", enums.Verifier), ("Publisher", enums.Publisher)):
            # Decoding already refused unknown names, so only "not set" remains to check.
            if not spec.get(key):
                yield "Job.Spec.%s: must be set to one of %s" % (key, ", ".join(enum.names))
    if not deal_empty and confidence > concurrency >= 1:
        yield "Job.Deal.Confidence: must be <= Concurrency (%d), got %d" % (concurrency, confidence)
    if not spec_empty:
        for index, volume in enumerate(spec.get("inputs") or ()):
            if not volume.get("StorageSource"):
                yield "Job.Spec.inputs[%d].StorageSource: must be set to one of %s" % (
                    index, ", ".join(enums.StorageSourceType.names))


def unknown_keys(document: Any, class_name: str = "ModelJob", path: str = "Job") -> List[str]:
    """The keys of a wire ``document`` that no field of ``class_name`` takes (the node drops them silently).

    Keys match as the node matches them: exactly, or by Go's case folding.
    Each entry is a field path such as ``Job.Spec.Inputs[0].Path``.
    """
    found: List[str] = []
    _walk_unknown(document, class_name, path, found)
    return found


def _walk_unknown(document: Any, class_name: str, path: str, found: List[str]) -> None:
    if not isinstance(document, dict):
        return
    for key, value in document.items():
        field = matching_field(class_name, key)
        if field is None:
            found.append("%s.%s" % (path, key))
            continue
        child = "%s.%s" % (path, field.key)
        if field.kind == "model":
            _walk_unknown(value, field.item, child, found)
        elif field.kind == "list" and field.item in MODEL_REGISTRY and isinstance(value, list):
            for index, item in enumerate(value):
                _walk_unknown(item, field.item, "%s[%d]" % (child, index), found)
        elif field.kind == "dict" and field.item in MODEL_REGISTRY and isinstance(value, dict):
            for item_key, item in value.items():
                _walk_unknown(item, field.item, "%s[%s]" % (child, item_key), found)


def matching_field(class_name: str, key: Any) -> Optional[Field]:
    """The field of model ``class_name`` that a wire ``key`` fills, as Go matches it (exactly, else case-folded)."""
    if not isinstance(key, str):
        return None
    plan = struct_plan(class_name)
    slot = plan.by_key.get(key) or plan.by_fold.get(fold(key))
    if slot is None:
        return None
    return MODEL_REGISTRY[class_name]._by_key[slot.key]


SCHEMA_ID = "https://github.com/filecoin-project/bacalhau/pkg/model/job"


def job_schema() -> Dict[str, Any]:
    """A JSON Schema (draft 2020-12) of a job document, built from the model tables.

    One definition per struct, named as in Go (``Job``, ``Spec``,
    ``StorageSpec``...); keys are the exact wire names; fields Go always
    writes are required; enums list their names; no other keys are allowed.
    """
    definitions: Dict[str, Any] = {}
    _define("ModelJob", definitions)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "$ref": "#/$defs/Job", "$defs": {name: definitions[name] for name in sorted(definitions)}}


def _definition_name(class_name: str) -> str:
    return class_name[len("Model"):] if class_name.startswith("Model") else class_name


def _define(class_name: str, definitions: Dict[str, Any]) -> Dict[str, str]:
    name = _definition_name(class_name)
    if name not in definitions:
        definitions[name] = {}  # placed first, so a struct that contains itself ends the recursion
        properties = {}
        required = []
        for field in MODEL_REGISTRY[class_name]._fields:
            properties[field.key] = _field_schema(field, definitions)
            if not field.omitempty and field.kind not in ("model",):
                required.append(field.key)
        definitions[name] = {"type": "object", "properties": properties, "additionalProperties": False}
        if required:
            definitions[name]["required"] = required
    return {"$ref": "#/$defs/%s" % name}


def _field_schema(field: Any, definitions: Dict[str, Any]) -> Dict[str, Any]:
    if field.kind == "model":
        return _define(field.item, definitions)
    if field.kind == "datetime":
        return {"type": "string", "format": "date-time"}
    if field.kind == "list":
        return {"type": "array", "items": _item_schema(field.item, definitions)}
    if field.kind == "dict":
        item = _item_schema(field.item, definitions)
        if field.int_keys:
            return {"type": "object", "patternProperties": {"^[0-9]+$": item}, "additionalProperties": False}
        return {"type": "object", "additionalProperties": item}
    if field.base64:
        return {"type": "string", "contentEncoding": "base64"}
    if field.enum:
        return {"type": "string", "enum": list(getattr(enums, field.enum).names)}
    return _item_schema(field.type, definitions)


def _item_schema(type_name: str, definitions: Dict[str, Any]) -> Dict[str, Any]:
    if type_name in MODEL_REGISTRY:
        return _define(type_name, definitions)
    return {"type": {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}[type_name]}
