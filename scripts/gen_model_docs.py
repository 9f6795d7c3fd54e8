"""Write docs/<Model>.md for every model, from the models' own declarations.

The model modules are the single source of truth for names, types and JSON
keys, so the model docs are generated from them and never drift; the test
suite regenerates them into a temporary directory and compares.

    python scripts/gen_model_docs.py            # rewrite docs/<Model>.md
    python scripts/gen_model_docs.py OUT_DIR    # write them somewhere else
"""

import inspect
import sys
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bacalhau_client import models  # noqa: E402
from bacalhau_client.models import enums  # noqa: E402
from bacalhau_client.models.base import MODEL_REGISTRY, Field, Model, fields  # noqa: E402

# What a field means, where its name alone does not say it: {(model, attribute): text}.
DESCRIPTIONS: Dict[Tuple[str, str], str] = {
    ("ModelJob", "api_version"): "API version of the job; `V1beta1` is the latest.",
    ("ModelJob", "id"): "Set by the node on submit (a UUID).",
    ("ModelJob", "requester_node_id"): "Peer ID of the node that took the job.",
    ("ModelJob", "client_id"): "ID of the submitting client: SHA-256 hex of its RSA modulus.",
    ("ModelJob", "created_at"): "Set by the node on submit.",
    ("ModelJob", "job_state"): "The job's current state across nodes (in `/list` answers).",
    ("ModelJobCreatePayload", "client_id"): "Must equal the client ID of the signing key.",
    ("ModelJobCreatePayload", "context"): "Optional base64 tar.gz the node mounts at `/job`.",
    ("ModelDeal", "concurrency"): "How many nodes run the job; the node requires at least 1.",
    ("ModelDeal", "confidence"): "How many results must agree; at most `concurrency`.",
    ("ModelSpec", "timeout"): "Seconds; the node uses 1800 when it is 0 or less.",
    ("ModelSpec", "do_not_track"): "Ask the node not to report the job to telemetry.",
    ("ModelJobState", "nodes"): "Keys are node (peer) IDs.",
    ("ModelResourceUsageConfig", "gpu"): "Number of GPUs as a string.",
    ("ModelRunCommandResult", "exit_code"): "Exit code of the job's process.",
    ("ModelRunCommandResult", "runner_error"): "Why the engine could not run the job, if it could not.",
    ("PublicapiListRequest", "id"): "One job by ID or 8-character short ID; an unknown ID is a 400.",
    ("PublicapiListRequest", "client_id"): "List this client's jobs (unless `return_all`).",
    ("PublicapiListRequest", "max_jobs"): "At most this many jobs; the SDK sends 10 when it is not set "
                                          "(the node returns no jobs without it).",
    ("PublicapiListRequest", "return_all"): "Every client's jobs (may be slow on a busy network).",
    ("PublicapiListRequest", "sort_by"): "`created_at` or `id`; any other value leaves the order unspecified.",
    ("PublicapiListRequest", "sort_reverse"): "Reverse the sort order.",
    ("PublicapiSubmitRequest", "data"): "The signed payload; sent as exactly the canonical bytes that were signed.",
    ("PublicapiSubmitRequest", "signature"): "Standard base64 RSASSA-PKCS1-v1_5 SHA-256 signature of `data`.",
    ("PublicapiSubmitRequest", "client_public_key"): "Standard base64 of the PKCS#1 DER public key.",
    ("PublicapiSubmitResponse", "job"): "The job as the node stored it, with its new ID.",
    ("TypesMountStatus", "all"): "Bytes in total.",
    ("TypesMountStatus", "free"): "Bytes free.",
    ("TypesMountStatus", "used"): "Bytes used.",
}

BACK_LINKS = ("[[Back to Model list]](README.md#documentation-for-models) "
              "[[Back to API list]](README.md#documentation-for-api-endpoints) "
              "[[Back to README]](../README.md)")


def model_classes() -> List[type]:
    """Every model class the package exports, in the order of ``bacalhau_client.models.__all__``."""
    exported = (getattr(models, name) for name in models.__all__)
    return [cls for cls in exported if inspect.isclass(cls) and issubclass(cls, Model) and cls is not Model]


def type_cell(field: Field) -> str:
    """The Type column: the swagger-style type, linked to the model doc when it names a model."""
    if field.item in MODEL_REGISTRY:
        return "[**%s**](%s.md)" % (field.type, field.item)
    return "**%s**" % field.type


def notes(cls: type, field: Field) -> str:
    """What travels on the wire for ``field``, and what the SDK does with it."""
    parts = []
    description = DESCRIPTIONS.get((cls.__name__, field.attr))
    if description:
        parts.append(description)
    if field.enum:
        names = getattr(enums, field.enum).names
        parts.append("Enum [%s](Enums.md#%s): one of %s. The node accepts any letter case; "
                     "values this SDK does not know are kept."
                     % (field.enum, field.enum.lower(), ", ".join("`%s`" % name for name in names)))
    if field.base64:
        parts.append("Standard base64 string of bytes (swagger.json wrongly says an array of integers).")
    if field.kind == "datetime":
        parts.append("RFC 3339 string with up to 9 fractional digits, kept exactly as sent: a "
                     "`Timestamp` (a `str`) with `.datetime` and `.nanosecond`.")
    if field.int_keys:
        parts.append('Keys are decimal shard indexes (`"0"`, `"10"`).')
    if field.unsigned:
        parts.append("Non-negative (Go `uint64`).")
    if field.type == "float":
        parts.append("JSON number (Go `float64`); whole numbers stay ints (`1800`).")
    if cls.__name__.startswith("Model"):
        parts.append(_presence(field))
    return " ".join(parts)


def _presence(field: Field) -> str:
    """When the Go node writes the key: what a signed payload and a canonical answer contain."""
    if field.pointer:
        return "Left out when absent (a Go pointer)."
    if field.kind == "model":
        return "Always written by the node, as `{}` when empty."
    if field.kind == "datetime":
        return "Always written by the node; the zero time is `0001-01-01T00:00:00Z`."
    if not field.omitempty:
        return "Always written, even when empty."
    return "Omitted when empty."


def render(cls: type) -> str:
    """The markdown document of one model."""
    doc = inspect.getdoc(cls) or ""
    lines = [
        "# %s" % cls.__name__,
        "",
        doc.replace("``", "`"),
        "",
        "## Properties",
        "",
        "Name | Type | JSON key | Notes",
        "------------ | ------------- | ------------- | -------------",
    ]
    for field in fields(cls):
        lines.append("**%s** | %s | `%s` | %s" % (field.attr, type_cell(field), field.key, notes(cls, field)))
    lines += [
        "",
        "Every property is optional. Keys the SDK does not know are kept in `additional_properties` "
        "and sent back unchanged.",
        "",
        BACK_LINKS,
        "",
    ]
    return "\n".join(lines)


def check_descriptions() -> None:
    """Fail loudly when a description names a model or attribute that no longer exists."""
    for model_name, attr in DESCRIPTIONS:
        cls = MODEL_REGISTRY.get(model_name)
        if cls is None or attr not in cls.attribute_map:
            raise SystemExit("gen_model_docs: DESCRIPTIONS names unknown %s.%s" % (model_name, attr))


def write_model_docs(out_dir: Path) -> List[Path]:
    """Write one ``<Model>.md`` per model into ``out_dir``; return the paths written."""
    check_descriptions()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for cls in model_classes():
        path = out_dir / ("%s.md" % cls.__name__)
        path.write_text(render(cls), encoding="utf-8")
        written.append(path)
    return written


def main(argv: List[str]) -> int:
    out_dir = Path(argv[1]) if len(argv) > 1 else ROOT / "docs"
    written = write_model_docs(out_dir)
    print("wrote %d model docs to %s" % (len(written), out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
