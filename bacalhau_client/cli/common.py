"""What every command shares: the program's name, exit codes, global flags, the client, output formats."""

import json
import os
from typing import Any, Callable, Dict, NamedTuple, Optional, Sequence, Tuple

from bacalhau_client.cli.flags import INT, STRING, Flag, UsageError, Values
from bacalhau_client.cli.output import go_yaml, json_text, write
from bacalhau_client.client import Client
from bacalhau_client.configuration import Configuration
from bacalhau_client.models import ModelJob, ModelJobState

PROG = "bacalhau-client"
EXIT_OK = 0
EXIT_JOB_FAILED = 1
EXIT_USAGE = 2
EXIT_API_ERROR = 3
EXIT_INTERRUPTED = 130


class Command(NamedTuple):
    """One command: its flags, positional arguments (at least, at most), usage, help and runner."""

    flags: Tuple[Flag, ...]
    args: Tuple[int, Optional[int]]
    usage: str
    help: str
    run: Callable[[Values], int]
    hidden: bool = False


GLOBAL_FLAGS = (
    Flag("api-host", STRING, None, "the requester node's host (default $BACALHAU_API_HOST, else "
                                   "bootstrap.production.bacalhau.org); a URL with https:// keeps its scheme"),
    Flag("api-port", INT, None, "the requester node's port (default $BACALHAU_API_PORT, else 1234)"),
    Flag("host", STRING, None, "the node's URL, e.g. http://127.0.0.1:1234 (overrides --api-host/--api-port)"),
    Flag("retries", INT, 3, "retries of a failed call"),
)


# ---------------------------------------------------------------------------
# Talking to the node.
# ---------------------------------------------------------------------------

def client_for(values: Values) -> Client:
    """The client the global flags and the environment name (flags win, as in the Go CLI)."""
    retries = values.retries
    if retries < 0:
        raise UsageError("--retries: must be >= 0, got %d" % retries)
    if values.host:
        host = values.host if "://" in values.host else "http://" + values.host
        return Client(configuration=Configuration(host=host, retries=retries))
    environ = dict(os.environ)
    for flag, variable, fallback in (("api_host", "BACALHAU_API_HOST", "BACALHAU_HOST"),
                                     ("api_port", "BACALHAU_API_PORT", "BACALHAU_PORT")):
        given = getattr(values, flag)
        if given is not None:
            environ[variable] = str(given)
        elif not environ.get(variable) and environ.get(fallback):
            if flag == "api_port" and not environ[fallback].strip().isdigit():
                continue  # Go ignores a BACALHAU_PORT that is not a number
            environ[variable] = environ[fallback]
    return Client(configuration=Configuration.from_env(environ, retries=retries))


def output_format(values: Values, allowed: Sequence[str] = ("text", "json", "yaml")) -> str:
    choice = (values.output or "text").strip().lower()
    if choice == "table":
        choice = "text"
    if choice not in allowed:
        raise UsageError("--output: must be one of %s, got %r" % (", ".join(allowed), values.output))
    return choice


def job_wire(job: ModelJob, state: Optional[ModelJobState] = None, events: Any = None,
              local_events: Any = None) -> Dict[str, Any]:
    """The job as the Go CLI prints it: Go's JSON of the Job struct, with its state (and events) filled in."""
    wire = job.to_wire()
    if state is not None:
        wire["JobState"] = state.to_wire()
    if events is not None:
        wire["JobEvents"] = [event.to_wire() for event in events]
    if local_events is not None:
        wire["LocalJobEvents"] = [event.to_wire() for event in local_events]
    return json.loads(go_json(wire))


def go_json(wire: Dict[str, Any]) -> str:
    """A job's wire dict as Go's ``json.Marshal`` writes it; as it came if it holds a value this client does not know."""
    from bacalhau_client.canonical import encode_model

    try:
        return encode_model("ModelJob", wire)
    except ValueError:
        return json.dumps(wire, ensure_ascii=False, separators=(",", ":"))  # e.g. a newer node's enum value


def print_document(value: Any, output: str) -> None:
    write((json_text(value) + "\n") if output == "json" else go_yaml(value))
