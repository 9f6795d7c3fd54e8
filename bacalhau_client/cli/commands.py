"""The commands: each is a table of flags (those of the Go CLI) and a function that runs it."""

import json
import os
import platform
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

from bacalhau_client import __version__
from bacalhau_client.cli.flags import BOOL, FLOAT, INT, STRING, STRINGS, VALUES, Flag, UsageError, Values
from bacalhau_client.cli.output import go_yaml, is_terminal, json_text, safe, safe_json, table, write
from bacalhau_client.client import Client, JobFailed, failed_shards, is_finished, iter_shards
from bacalhau_client.configuration import Configuration
from bacalhau_client.models import ModelJob, ModelJobCreatePayload, ModelJobState
from bacalhau_client.models.enums import JobEventType, JobStateType, Verifier

PROG = "bacalhau-client"
EXIT_OK = 0
EXIT_JOB_FAILED = 1
EXIT_USAGE = 2
EXIT_API_ERROR = 3
EXIT_INTERRUPTED = 130
Payload = Union[ModelJob, ModelJobCreatePayload]


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

RUN_FLAGS = (
    Flag("wait", BOOL, True, "wait for the job to finish; --wait=false prints the job ID and returns"),
    Flag("id-only", BOOL, False, "print only the job ID"),
    Flag("wait-timeout-secs", INT, 600, "seconds to wait for the job to finish"),
    Flag("gettimeout", INT, 10, "accepted for compatibility; unused", short="g", hidden=True),
    Flag("node-details", BOOL, False, "print each node's shards (state, exit code, stdout, stderr) at the end"),
    Flag("download", BOOL, False, "download the results when the job finished"),
    Flag("download-timeout-secs", INT, 300, "accepted for compatibility; unused", hidden=True),
    Flag("output-dir", STRING, "", "folder for --download (default ./job-<id8>)"),
    Flag("ipfs-swarm-addrs", STRING, "", "accepted for compatibility; unused (results come from a gateway)",
         hidden=True),
    Flag("gateway", STRING, "", "IPFS gateway URL for --download"),
    Flag("local", BOOL, False, "not supported: run `%s devserver` and point --api-host at it" % PROG, hidden=True),
    Flag("output", STRING, "text", "text, json (one document: the job with its final state) or yaml"),
)

DEAL_FLAGS = (
    Flag("confidence", INT, 0, "how many nodes must agree on the results"),
    Flag("min-bids", INT, 0, "minimum bids before any is accepted"),
    Flag("timeout", FLOAT, 1800.0, "the job's timeout in seconds"),
)

DOCKER_RUN_FLAGS = (
    Flag("engine", STRING, "docker", "the engine"),
    Flag("verifier", STRING, "noop", "the verifier"),
    Flag("publisher", STRING, "estuary", "the publisher"),
    Flag("inputs", STRINGS, [], "CIDs mounted at /inputs", short="i"),
    Flag("input-urls", STRINGS, [], "URLs downloaded to /inputs", short="u"),
    Flag("input-volumes", STRINGS, [], "CID:PATH inputs", short="v"),
    Flag("output-volumes", STRINGS, [], "NAME:PATH outputs (outputs:/outputs is always added)", short="o"),
    Flag("env", STRINGS, [], "NAME=VALUE environment variables", short="e"),
    Flag("concurrency", INT, 1, "how many nodes run the job", short="c"),
) + DEAL_FLAGS + (
    Flag("cpu", STRING, "", "CPU units, e.g. 500m or 2"),
    Flag("memory", STRING, "", "memory, e.g. 500Mb"),
    Flag("gpu", STRING, "", "GPUs"),
    Flag("workdir", STRING, "", "the working directory in the container (absolute)", short="w"),
    Flag("labels", STRINGS, [], "labels (letters, digits, ._~!:@,;+-|^ and emoji; others are dropped)", short="l"),
    Flag("sharding-glob-pattern", STRING, "", "glob that splits the inputs into shards"),
    Flag("sharding-base-path", STRING, "/inputs", "where the sharding glob applies"),
    Flag("sharding-batch-size", INT, 1, "inputs per shard"),
    Flag("dry-run", BOOL, False, "print the job (YAML; the canonical payload JSON with --output json), send nothing"),
    Flag("skip-syntax-checking", BOOL, False, "accepted for compatibility; unused", hidden=True),
) + RUN_FLAGS

WASM_FLAGS = (
    Flag("entry-point", STRING, "_start", "the exported function to call (no parameters, no results)"),
)

WASM_RUN_FLAGS = (
    Flag("verifier", STRING, "Deterministic", "the verifier (Noop when a single node runs the job)"),
    Flag("publisher", STRING, "Estuary", "the publisher"),
    Flag("concurrency", INT, 1, "how many nodes run the job", short="c"),
) + DEAL_FLAGS + (
    Flag("input-urls", VALUES, [], "URL downloaded to /inputs (repeatable)", short="u"),
    Flag("input-volumes", VALUES, [], "CID:PATH input (repeatable)", short="v"),
    Flag("env", VALUES, [], "NAME=VALUE environment variable (repeatable)", short="e"),
    Flag("import-module-urls", VALUES, [], "URL of a module to import (repeatable)", short="U"),
    Flag("import-module-volumes", VALUES, [], "CID:PATH of a module to import (repeatable)", short="I"),
    Flag("dry-run", BOOL, False, "print the job, send nothing"),
) + WASM_FLAGS + RUN_FLAGS

PYTHON_FLAGS = (
    Flag("command", STRING, "", "inline program", short="c"),
    Flag("requirement", STRING, "", "requirements file, relative to the context", short="r"),
    Flag("context-path", STRING, ".", "folder (or file) uploaded as /job; \"\" uploads nothing"),
    Flag("deterministic", BOOL, True, "forced determinism (--deterministic=false is not supported)"),
    Flag("input-volumes", STRINGS, [], "CID:PATH inputs", short="v"),
    Flag("inputs", STRINGS, [], "CIDs mounted at /inputs", short="i"),
    Flag("output-volumes", STRINGS, [], "NAME:PATH outputs (outputs:/outputs is always added)", short="o"),
    Flag("env", STRINGS, [], "accepted for compatibility; the Language engine takes no environment", short="e",
         hidden=True),
    Flag("concurrency", INT, 1, "how many nodes run the job"),
) + DEAL_FLAGS + (
    Flag("labels", STRINGS, [], "labels", short="l"),
    Flag("dry-run", BOOL, False, "print the job, send nothing"),
) + RUN_FLAGS

OUTPUT_FLAG = Flag("output", STRING, "text", "text, json or yaml")


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


def _output_format(values: Values, allowed: Sequence[str] = ("text", "json", "yaml")) -> str:
    choice = (values.output or "text").strip().lower()
    if choice == "table":
        choice = "text"
    if choice not in allowed:
        raise UsageError("--output: must be one of %s, got %r" % (", ".join(allowed), values.output))
    return choice


def _job_wire(job: ModelJob, state: Optional[ModelJobState] = None, events: Any = None,
              local_events: Any = None) -> Dict[str, Any]:
    """The job as the Go CLI prints it: Go's JSON of the Job struct, with its state (and events) filled in."""
    from bacalhau_client.canonical import decode_struct, go_json

    wire = job.to_wire()
    if state is not None:
        wire["JobState"] = state.to_wire()
    if events is not None:
        wire["JobEvents"] = [event.to_wire() for event in events]
    if local_events is not None:
        wire["LocalJobEvents"] = [event.to_wire() for event in local_events]
    try:
        return json.loads(go_json(decode_struct("ModelJob", wire)))
    except ValueError:
        return wire  # a value this client does not know (a newer node's enum): shown as it came


def _print_document(value: Any, output: str) -> None:
    write((json_text(value) + "\n") if output == "json" else go_yaml(value))


# ---------------------------------------------------------------------------
# Building jobs from flags.
# ---------------------------------------------------------------------------

def _do_not_track() -> bool:
    value = os.environ.get("DO_NOT_TRACK", "").strip()
    try:
        return int(value) == 1
    except ValueError:
        return False


def _labels(labels: List[str]) -> List[str]:
    from bacalhau_client.jobs import is_safe_label

    kept = [label for label in labels if is_safe_label(label)]
    dropped = [label for label in labels if not is_safe_label(label)]
    if dropped:
        print("warning: dropped unsafe labels (allowed: letters, digits, ._~!:@,;+-|^ and emoji): %s"
              % safe(", ".join(dropped), keep_lines=False), file=sys.stderr)
    return kept


def _deal_options(values: Values) -> Dict[str, Any]:
    return {"concurrency": values.concurrency, "confidence": values.confidence, "min_bids": values.min_bids,
            "timeout": values.timeout}


def _check_run_flags(values: Values) -> None:
    if values.local:
        raise UsageError("--local: not supported; run `%s devserver` and point --api-host at it" % PROG)


def build_docker_job(values: Values) -> ModelJob:
    """The job ``docker run`` builds from its flags and arguments."""
    from bacalhau_client.jobs import (
        docker_job, input_cid, parse_input_url, parse_input_volume, parse_output_volume, with_default_output,
    )

    image, entrypoint = values.args[0], values.args[1:]
    if values.workdir and not values.workdir.startswith("/"):
        raise UsageError("--workdir: must be an absolute path, got %r" % values.workdir)
    inputs = [parse_input_url(url) for url in values.input_urls] + \
        [parse_input_volume(volume) for volume in values.input_volumes] + \
        [input_cid(cid, "/inputs") for cid in values.inputs]
    outputs = with_default_output([parse_output_volume(volume) for volume in values.output_volumes])
    base_path = values.sharding_base_path
    if base_path.endswith("/") and len(base_path) > 1:
        base_path = base_path[:-1]
    return docker_job(
        image, entrypoint, env=list(values.env), working_dir=values.workdir or None, engine=values.engine,
        verifier=values.verifier, publisher=values.publisher, inputs=inputs, outputs=outputs,
        cpu=values.cpu or None, memory=values.memory or None, gpu=values.gpu or None,
        annotations=_labels(values.labels), glob_pattern=values.sharding_glob_pattern or None,
        batch_size=values.sharding_batch_size, glob_pattern_base_path=base_path or None,
        do_not_track=_do_not_track(), **_deal_options(values))


def build_wasm_job(values: Values) -> Payload:
    """The job (or payload, for a local module) ``wasm run`` builds."""
    from bacalhau_client.jobs import input_cid, parse_cid, parse_input_url, wasm_job

    module, parameters = values.args[0], values.args[1:]
    if parse_cid(module) is None:
        if not os.path.exists(module):
            raise UsageError('"%s" is not a valid CID or local file: no such file or directory' % module)
        if not os.path.isfile(module):
            raise UsageError("%s should point to a single file" % module)
        print('Uploading "%s" to server to execute command in context, press Ctrl+C to cancel' % module,
              file=sys.stderr)
    env: Dict[str, str] = {}
    for entry in values.env:
        if entry.count("=") != 1:
            raise UsageError('--env: "%s" should contain exactly one =' % entry)
        name, value = entry.split("=")
        if not name or not value or "\0" in entry:
            raise UsageError("--env: invalid environment variable %s" % entry)
        env[name] = value

    def volume(text: str, flag: str) -> Any:
        if text.count(":") != 1:
            raise UsageError('--%s: "%s" should contain exactly one :' % (flag, text))
        cid, path = text.split(":")
        return input_cid(cid, path)

    inputs = []
    for kind, text in _in_line_order(values, ("input-urls", "input-volumes")):
        inputs.append(parse_input_url(text) if kind == "input-urls" else volume(text, kind))
    modules = [parse_input_url(text) if kind == "import-module-urls" else volume(text, kind)
               for kind, text in _in_line_order(values, ("import-module-urls", "import-module-volumes"))]
    return wasm_job(module, values.entry_point, parameters, env=env, import_modules=modules,
                    verifier=values.verifier, publisher=values.publisher, inputs=inputs, **_deal_options(values))


def _in_line_order(values: Values, flags: Sequence[str]) -> List[Tuple[str, str]]:
    """Values of repeatable flags in command-line order (``wasm run`` appends ``-u`` and ``-v`` to one list)."""
    order = getattr(values, "order", None) or []
    pending = {flag: list(getattr(values, flag.replace("-", "_"))) for flag in flags}
    ordered = []
    for flag in order:
        if flag in pending and pending[flag]:
            ordered.append((flag, pending[flag].pop(0)))
    for flag in flags:
        ordered.extend((flag, text) for text in pending[flag])
    return ordered


def build_python_job(values: Values) -> Payload:
    """The job (and context) ``run python`` builds."""
    from bacalhau_client.jobs import input_cid, parse_input_volume, parse_output_volume, python_job

    if not values.deterministic:
        raise UsageError("--deterministic=false: not supported (languages only support the wasm backend with "
                         "forced determinism)")
    program = values.args[0] if values.args else None
    if not values.command and not program:
        raise UsageError("run python: give an inline command (-c) or a path to a python file")
    if len(values.args) > 1:
        raise UsageError("run python: one program file only, got %s" % " ".join(values.args))
    inputs = [parse_input_volume(volume) for volume in values.input_volumes] + \
        [input_cid(cid, "/inputs") for cid in values.inputs]
    context = values.context_path
    if context == "." and not values.requirement and not program:
        print("no program or requirements specified, not uploading context - set --context-path to force "
              "context upload", file=sys.stderr)
    elif context:
        print("Uploading %s to server to execute command in context, press Ctrl+C to cancel" % context,
              file=sys.stderr)
    return python_job(program, command=values.command or None, requirements=values.requirement or None,
                      context_path=context, inputs=inputs,
                      outputs=[parse_output_volume(volume) for volume in values.output_volumes],
                      annotations=_labels(values.labels), do_not_track=_do_not_track(), **_deal_options(values))


# ---------------------------------------------------------------------------
# Submitting and waiting.
# ---------------------------------------------------------------------------

# Event -> progress line, as the Go CLI prints them; True marks an event that ends the job for a shard.
PROGRESS = {
    JobEventType.CREATED: ("Creating job for submission", False),
    JobEventType.BID: ("Finding node(s) for the job", False),
    JobEventType.BID_ACCEPTED: ("Node accepted the job", False),
    JobEventType.RUNNING: ("Node started running the job", False),
    JobEventType.COMPUTE_ERROR: ("Error while executing the job.\n", True),
    JobEventType.RESULTS_PROPOSED: ("Job finished, verifying results", False),
    JobEventType.RESULTS_REJECTED: ("Results failed verification.", True),
    JobEventType.RESULTS_ACCEPTED: ("Results accepted, publishing", False),
    JobEventType.ERROR: ("Unknown error while running job.", True),
}
PROGRESS_WIDTH = 34
# Polls start fast (a local node finishes in milliseconds) and settle at the Go CLI's 500 ms.
POLL_DELAYS = (0.05, 0.1, 0.2, 0.35, 0.5)


class Progress:
    """The Go CLI's progress lines (on stderr, only when it is a terminal)."""

    def __init__(self, stream: Any):
        self.stream = stream
        self.seen: set = set()
        self.open_line = False

    def event(self, name: str) -> None:
        if name in self.seen or name not in PROGRESS:
            return
        self.seen.add(name)
        message, terminal = PROGRESS[name]
        text = "done \u2705\n" if self.open_line else ""
        text += "\t%s%s%s" % (" " * (PROGRESS_WIDTH - len(message)), message, "\n" if terminal else " ... ")
        self.open_line = not terminal
        write(text, self.stream)

    def finish(self) -> None:
        if self.open_line:
            write("done \u2705\n", self.stream)
            self.open_line = False


def wait_for_job(client: Client, job_id: str, timeout: float, progress: Optional[Progress]) -> ModelJobState:
    """Poll until every shard of the job finished; print progress; ``TimeoutError`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    polls = 0
    while True:
        if progress is not None:
            for event in client.events(job_id):
                progress.event(event.event_name)
        state = client.states(job_id)
        if is_finished(state):
            if progress is not None:
                progress.finish()
            return state
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            if progress is not None:
                progress.finish()
            raise TimeoutError("job %s did not finish within %g s (--wait-timeout-secs)" % (job_id, timeout))
        time.sleep(min(POLL_DELAYS[min(polls, len(POLL_DELAYS) - 1)], remaining))
        polls += 1


def execute(values: Values, payload: Payload) -> int:
    """Validate, then print (``--dry-run``) or submit, wait, summarise and download as the run flags ask."""
    from bacalhau_client.validation import validate_job

    _check_run_flags(values)
    output = _output_format(values)
    validate_job(payload)
    if getattr(values, "dry_run", False):
        return _print_dry_run(payload, output)
    with client_for(values) as client:
        stored = client.submit(payload)
        job_id = stored.id
        if not values.wait:
            if output == "text":
                print(job_id)
            else:
                _print_document(_job_wire(stored), output)
            return 0
        quiet = values.id_only or output != "text"
        if values.id_only:
            print(job_id)
        elif output == "text":
            write("Job successfully submitted. Job ID: %s\nChecking job status... (Enter Ctrl+C to exit at any "
                  "time, your job will continue running):\n\n" % job_id)
        progress = Progress(sys.stderr) if not quiet and is_terminal(sys.stderr) else None
        try:
            state = wait_for_job(client, job_id, values.wait_timeout_secs, progress)
        except KeyboardInterrupt:
            print("\n\nPrintout canceled (the job is still running).\n\nTo get more information at any time, run:\n"
                  "   %s describe %s" % (PROG, job_id), file=sys.stderr)
            return EXIT_INTERRUPTED
        if output != "text":
            _print_document(_job_wire(client.get(job_id), state), output)
        elif not values.id_only:
            write(summary(job_id, state, values.node_details))
        failed = failed_shards(state)
        if failed:
            report_failure(job_id, state)
            return EXIT_JOB_FAILED
        if values.download:
            download(client, job_id, values.output_dir or None, values.gateway or None)
    return 0


def _print_dry_run(payload: Payload, output: str) -> int:
    from bacalhau_client.canonical import canonical_json, decode_struct, go_json

    if output == "json":  # the payload as the node receives it, less the signer's ClientID
        write(canonical_json(payload).decode("utf-8") + "\n")
        return 0
    job = payload.job if isinstance(payload, ModelJobCreatePayload) else payload
    write(go_yaml(json.loads(go_json(decode_struct("ModelJob", job.to_wire())))))
    return 0


def summary(job_id: str, state: ModelJobState, node_details: bool) -> str:
    """What the Go CLI prints when a job ended: per-node shard details (if asked) and what to run next."""
    lines = []
    if node_details:
        lines.append("Job Results By Node:")
        current = None
        for node_id, index, shard in iter_shards(state):
            if node_id != current:
                current = node_id
                lines.append("Node %s:" % safe(node_id[:8], keep_lines=False))
            lines.append("  Shard %d:" % index)
            lines.append("    State: %s" % safe(shard.get("State", ""), keep_lines=False))
            lines.append("    Status: %s" % safe(shard.get("Status", ""), keep_lines=False))
            output = shard.get("RunOutput")
            if not output:
                lines.append("    No RunOutput for this shard")
                continue
            lines.append("    Container Exit Code: %s" % output.get("exitCode", 0))
            for stream in ("stdout", "stderr"):
                text = output.get(stream) or ""
                label = stream.capitalize()
                if not text:
                    lines.append("    %s: <NONE>" % label)
                    continue
                truncated = " (truncated: last 2000 characters)" if output.get(stream + "truncated") else ""
                lines.append("    %s%s:" % (label, truncated))
                lines.extend("      " + line for line in safe(text).rstrip("\n").split("\n"))
        lines.append("")
    lines += ["To download the results, execute:", "  %s get %s" % (PROG, job_id), "",
              "To get more details about the run, execute:", "  %s describe %s" % (PROG, job_id)]
    return "\n".join(lines) + "\n"


STDERR_TAIL_LINES = 5


def report_failure(job_id: str, state: ModelJobState) -> None:
    """One stderr line per failed shard: node, exit code, status and the tail of its stderr."""
    for shard in failed_shards(state):
        tail = " | ".join(line for line in (shard.stderr or "").rstrip("\n").split("\n")[-STDERR_TAIL_LINES:] if line)
        print("error: job %s failed: shard %d on node %s: exit code %s: %s%s" % (
            job_id, shard.shard_index, safe(shard.node_id, keep_lines=False),
            "?" if shard.exit_code is None else shard.exit_code, safe(shard.status or "Error", keep_lines=False),
            "; stderr: " + safe(tail, keep_lines=False) if tail else ""), file=sys.stderr)


def download(client: Client, job_id: str, output_dir: Optional[str], gateway: Optional[str]) -> None:
    """Download the job's results (``get``, ``--download``) and say where they are."""
    print("Fetching results of job '%s'..." % job_id, file=sys.stderr)
    path = client.download(job_id, output_dir, gateway=gateway)
    print("Results for job '%s' have been written to...\n%s" % (job_id, path))


# ---------------------------------------------------------------------------
# The run commands.
# ---------------------------------------------------------------------------

def run_docker(values: Values) -> int:
    """``docker run IMAGE [COMMAND...]``."""
    return execute(values, build_docker_job(values))


def run_wasm(values: Values) -> int:
    """``wasm run {CID | local.wasm} [ARGS...]``."""
    return execute(values, build_wasm_job(values))


def run_python(values: Values) -> int:
    """``run python [program.py]``."""
    return execute(values, build_python_job(values))


def run_wasm_validate(values: Values) -> int:
    """``wasm validate local.wasm``: the module's imports are WASI's and its entry point takes and returns nothing."""
    from bacalhau_client.cli.wasm import check_module

    check_module(values.args[0], values.entry_point)
    print("OK")
    return 0


def _read_source(values: Values) -> Tuple[bytes, str]:
    """The job file named on the line, or stdin for ``-`` or no argument."""
    from bacalhau_client.jobfiles import MAX_JOB_FILE_BYTES

    name = values.args[0] if values.args else "-"
    if name == "-":
        if is_terminal(sys.stdin):
            print("No input provided, waiting ... (Ctrl+D to complete)", file=sys.stderr)
        stream = getattr(sys.stdin, "buffer", sys.stdin)
        data = stream.read(MAX_JOB_FILE_BYTES + 1)
        return (data.encode("utf-8") if isinstance(data, str) else data), "<stdin>"
    try:
        with open(name, "rb") as source:
            return source.read(MAX_JOB_FILE_BYTES + 1), name
    except FileNotFoundError:
        raise UsageError("%s: no such file" % name) from None
    except IsADirectoryError:
        raise UsageError("%s: is a directory, expected a job file" % name) from None
    except OSError as error:
        raise UsageError("%s: cannot read the file (%s)" % (name, error.strerror or error)) from None


def run_create(values: Values) -> int:
    """``create FILE|-``: submit a job file (JSON or YAML)."""
    from bacalhau_client.jobfiles import read_job_document

    data, source = _read_source(values)
    document = read_job_document(data, source)
    if document.ignored:
        print("WARNING: The following fields have data in them and will be ignored on creation: %s"
              % ", ".join(document.ignored), file=sys.stderr)
    return execute(values, document.job)


def run_validate(values: Values) -> int:
    """``validate FILE|-``: every problem of a job file, each with its field path."""
    from bacalhau_client.jobfiles import read_job_document
    from bacalhau_client.validation import job_problems, unknown_keys

    if values.output_schema:
        from bacalhau_client.validation import job_schema

        write(json.dumps(job_schema(), indent=2) + "\n")
        return EXIT_OK
    data, source = _read_source(values)
    document = read_job_document(data, source)
    problems = job_problems(document.job)
    problems += ["%s: unknown field, ignored by the node" % path for path in unknown_keys(document.document)]
    if not problems:
        print("The Job is valid")
        return 0
    print("The Job is not valid. See errors:\n%s" % "\n".join("- " + problem for problem in problems))
    raise UsageError("%s: the job is not valid: %s%s" % (
        source, problems[0], " (and %d more, listed above)" % (len(problems) - 1) if len(problems) > 1 else ""))


# ---------------------------------------------------------------------------
# Looking at jobs.
# ---------------------------------------------------------------------------

# The Go CLI's STATE column: the largest state of any shard, in this order.
STATE_ORDER = (JobStateType.BIDDING, JobStateType.WAITING, JobStateType.RUNNING, JobStateType.VERIFYING,
               JobStateType.CANCELLED, JobStateType.ERROR, JobStateType.COMPLETED)
TRUNCATE_AT = 20


def run_list(values: Values) -> int:
    """``list``: jobs as the Go CLI's table, or JSON/YAML."""
    from bacalhau_client.models import PublicapiListRequest

    output = _output_format(values)
    if values.sort_by not in ("id", "created_at"):
        raise UsageError('invalid argument "%s" for "--sort-by" flag: must be one of "id", or "created_at"'
                         % values.sort_by)
    number = values.limit if "limit" in values.given else values.number
    if number < 0:
        raise UsageError("--number: must be >= 0, got %d" % number)
    with client_for(values) as client:
        request = PublicapiListRequest(client_id=client.client_id, id=values.id_filter or None, max_jobs=number,
                                       return_all=values.all, sort_by=values.sort_by, sort_reverse=values.reverse)
        jobs = client.jobs.list(request).jobs or []
    if output == "json":
        write(safe_json("[%s]" % ",".join(_go_job_json(job) for job in jobs)) + "\n")
        return 0
    if output == "yaml":
        write(go_yaml([_job_wire(job) for job in jobs]))
        return 0
    rows = [_list_row(job, values.wide) for job in jobs]
    write(table(["CREATED", "ID", "JOB", "STATE", "VERIFIED", "PUBLISHED"], rows, hide_header=values.hide_header,
                colours=not values.no_style and is_terminal(sys.stdout)))
    return 0


def _go_job_json(job: ModelJob) -> str:
    """The job as Go's ``json.Marshal`` writes it (as it came, if it holds a value this client does not know)."""
    from bacalhau_client.canonical import encode_model

    try:
        return encode_model("ModelJob", job.to_wire())
    except ValueError:
        return json.dumps(job.to_wire(), ensure_ascii=False, separators=(",", ":"))


def _list_row(job: ModelJob, wide: bool) -> List[str]:
    wire = job.to_wire()
    created = str(wire.get("CreatedAt") or "")
    created = (created[2:10] + "-" + created[11:19]) if wide else created[11:19]
    spec = wire.get("Spec") or {}
    engine = spec.get("Engine", "")
    if engine == "Docker":
        docker = spec.get("Docker") or {}
        engine = "Docker %s %s" % (docker.get("Image", ""), " ".join(docker.get("Entrypoint") or []))
    shards = [shard for _, _, shard in iter_shards(wire.get("JobState"))]
    states = [STATE_ORDER.index(shard.get("State")) for shard in shards if shard.get("State") in STATE_ORDER]
    state = STATE_ORDER[max(states)] if states else "jobStateUnknown"
    verified = ""
    if spec.get("Verifier") not in (None, "", Verifier.NOOP):
        deal = wire.get("Deal") or {}
        total = max(deal.get("Concurrency") or 0, 1) * max((wire.get("ExecutionPlan") or {}).get("ShardsTotal") or 0, 1)
        passed = sum(1 for shard in shards if (shard.get("VerificationResult") or {}).get("Result"))
        verified = "%d/%d" % (passed, total)
    published = ""
    if ((wire.get("ExecutionPlan") or {}).get("ShardsTotal") or 0) <= 1:
        for shard in shards:
            if shard.get("State") == JobStateType.COMPLETED:
                published = "/ipfs/%s" % ((shard.get("PublishedResults") or {}).get("CID") or "")
                break
    cells = [created, wire.get("ID", "") if wide else wire.get("ID", "")[:8], engine, state, verified, published]
    if not wide:
        cells = cells[:2] + [_truncate(cell) for cell in cells[2:]]
    return cells


def _truncate(text: str) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) < TRUNCATE_AT:
        return text
    return encoded[:TRUNCATE_AT].decode("utf-8", errors="ignore") + "..."


def run_describe(values: Values) -> int:
    """``describe ID``: the job, its state (and events) as Go's YAML, or JSON."""
    output = "json" if values.json else _output_format(values, ("text", "yaml", "json"))
    if output == "json" and values.follow:
        raise UsageError("--follow prints events as they happen; it cannot be combined with JSON output")
    with client_for(values) as client:
        job = client.get(values.args[0])
        state = client.states(job.id)
        events = local_events = None
        if values.include_events:
            events, local_events = client.events(job.id), client.local_events(job.id)
        wire = _job_wire(job, state, events, local_events)
        _print_document(wire.get("Spec") or {} if values.spec else wire, "json" if output == "json" else "yaml")
        if values.follow:
            follow_events(client, job.id)
    return 0


def _event_row(event: Any) -> List[str]:
    return [event.event_time or "", event.event_name or "", event.source_node_id or "",
            event.target_node_id or "", str(event.shard_index or 0), event.status or ""]


EVENT_HEADERS = ["TIME", "EVENT", "SOURCE", "TARGET", "SHARD", "STATUS"]


def follow_events(client: Client, job_id: str) -> None:
    """Print the job's events as they happen, until it finished."""
    with client.follow(job_id) as events:
        for event in events:
            write(" ".join(safe(cell, keep_lines=False) for cell in _event_row(event)) + "\n")


def run_events(values: Values) -> int:
    """``events ID [--follow]``: the job's timeline."""
    output = _output_format(values)
    if output != "text" and values.follow:
        raise UsageError("--follow prints events as they happen; it cannot be combined with --output %s" % output)
    with client_for(values) as client:
        if values.follow:
            follow_events(client, client.get(values.args[0]).id)
            return 0
        events = client.events(values.args[0])
    if output == "text":
        write(table(EVENT_HEADERS, [_event_row(event) for event in events]))
    else:
        _print_document([event.to_wire() for event in events], output)
    return 0


def run_results(values: Values) -> int:
    """``results ID``: where each shard's results were published."""
    output = _output_format(values)
    with client_for(values) as client:
        results = client.results(values.args[0])
    if output != "text":
        _print_document([result.to_wire() for result in results], output)
        return 0
    rows = [[result.node_id or "", str(result.shard_index or 0),
             (result.data.cid if result.data is not None else "") or "",
             (result.data.name if result.data is not None else "") or ""] for result in results]
    write(table(["NODE", "SHARD", "CID", "NAME"], rows))
    return 0


def run_wait(values: Values) -> int:
    """``wait ID [ID...]``: until every job finished; exit 1 if any failed."""
    output = _output_format(values)
    if values.timeout <= 0:
        raise UsageError("--timeout: must be > 0, got %g" % values.timeout)
    with client_for(values) as client:
        if len(values.args) == 1:
            try:
                outcomes: Dict[str, Any] = {values.args[0]: client.wait(values.args[0], timeout=values.timeout)}
            except JobFailed as failure:
                outcomes = {values.args[0]: failure}
        else:
            outcomes = client.wait_all(values.args, timeout=values.timeout)
    failures = [outcome for outcome in outcomes.values() if isinstance(outcome, JobFailed)]
    if output != "text":
        _print_document({job_id: (outcome.state if isinstance(outcome, JobFailed) else outcome).to_wire()
                         if outcome is not None else None for job_id, outcome in outcomes.items()}, output)
    else:
        rows = []
        for job_id, outcome in outcomes.items():
            state = outcome.state if isinstance(outcome, JobFailed) else outcome
            for node_id, index, shard in iter_shards(state):
                rows.append([job_id[:8], node_id, str(index), shard.get("State", ""), shard.get("Status", ""),
                             str((shard.get("RunOutput") or {}).get("exitCode", ""))])
        write(table(["JOB", "NODE", "SHARD", "STATE", "STATUS", "EXIT"], rows))
    for failure in failures:
        report_failure(failure.job_id, failure.state)
    return EXIT_JOB_FAILED if failures else EXIT_OK


def run_get(values: Values) -> int:
    """``get ID``: download the job's results."""
    with client_for(values) as client:
        download(client, values.args[0], values.output_dir or None, values.gateway or None)
    return 0


# ---------------------------------------------------------------------------
# Versions and identity.
# ---------------------------------------------------------------------------

_GO_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64", "i386": "386",
            "i686": "386", "armv7l": "arm"}


def client_version() -> Dict[str, Any]:
    """This client's build, in the node's ``BuildVersionInfo`` shape."""
    from bacalhau_client.canonical import encode_model

    major, minor = (__version__.split(".") + ["", ""])[:2]
    machine = platform.machine().lower()
    return json.loads(encode_model("ModelBuildVersionInfo", {
        "major": major, "minor": minor, "gitversion": "v%s" % __version__, "gitcommit": "",
        "goos": platform.system().lower(), "goarch": _GO_ARCH.get(machine, machine)}))


def run_version(values: Values) -> int:
    """``version``: the client's version and, unless ``--client``, the node's."""
    output = _output_format(values)
    versions: Dict[str, Any] = {"clientVersion": client_version()}
    if not values.client:
        from bacalhau_client.canonical import encode_model
        from bacalhau_client.models import PublicapiVersionRequest

        with client_for(values) as client:
            answer = client.misc.version(PublicapiVersionRequest(client_id=""))
        server = answer.build_version_info
        versions["serverVersion"] = json.loads(encode_model("ModelBuildVersionInfo", server.to_wire())) \
            if server is not None else None
    if output == "json":
        write(json_text(versions, compact=True) + "\n")
    elif output == "yaml":
        write(go_yaml(versions) + "\n")
    else:
        print("Client Version: %s" % versions["clientVersion"]["gitversion"])
        if versions.get("serverVersion"):
            print("Server Version: %s" % safe(versions["serverVersion"].get("gitversion", ""), keep_lines=False))
    return 0


def run_id(values: Values) -> int:
    """``id``: this user's identity: client ID, public key and key file (nothing is opened on the network)."""
    from bacalhau_client.signing import UserKey, default_key_path

    output = _output_format(values)
    key = UserKey.default()
    identity = {"ClientID": key.client_id, "PublicKey": key.public_key, "KeyFile": str(default_key_path())}
    if output == "text":
        print("Client ID:  %s\nPublic key: %s\nKey file:   %s" % (
            identity["ClientID"], identity["PublicKey"], identity["KeyFile"]))
    else:
        _print_document(identity, output)
    return 0


# ---------------------------------------------------------------------------
# Kept from earlier versions: submit (docker run with the old flags).
# ---------------------------------------------------------------------------

def run_submit(values: Values) -> int:
    """``submit IMAGE COMMAND...`` or ``submit --file job.json``: sign and submit; ``--wait`` waits and prints."""
    from bacalhau_client.jobs import docker_job, from_file

    output = _output_format(values, ("text", "json"))
    if values.file and values.args:
        raise UsageError("submit: give either IMAGE COMMAND... or --file, not both")
    if values.file:
        job: Any = from_file(values.file) if os.path.exists(values.file) else None
        if job is None:
            raise UsageError("--file %s: no such file" % values.file)
    elif values.args:
        for pair in values.env:
            if "=" not in pair:
                raise UsageError("--env %s: expected NAME=VALUE" % pair)
        job = docker_job(values.args[0], values.args[1:] or None, env=list(values.env) or None)
    else:
        raise UsageError("submit: give an IMAGE (and COMMAND...) or --file job.json")
    if values.timeout <= 0:
        raise UsageError("--timeout: must be > 0, got %g" % values.timeout)
    with client_for(values) as client:
        stored = client.submit(job)
        if not values.wait:
            if output == "json":
                _print_document(_job_wire(stored), "json")
            else:
                print(stored.id)
            return 0
        state = wait_for_job(client, stored.id, values.timeout, None)
        if output == "json":
            _print_document(_job_wire(client.get(stored.id), state), "json")
        else:
            print(stored.id)
            write(table(["NODE", "SHARD", "STATE", "STATUS", "EXIT"], [
                [node_id, str(index), shard.get("State", ""), shard.get("Status", ""),
                 str((shard.get("RunOutput") or {}).get("exitCode", ""))] for node_id, index, shard in iter_shards(state)]))
            write(safe(client.stdout(stored.id)))
        if failed_shards(state):
            report_failure(stored.id, state)
            return EXIT_JOB_FAILED
    return 0


# ---------------------------------------------------------------------------
# The local node and the demo.
# ---------------------------------------------------------------------------

def run_devserver(values: Values) -> int:
    """``devserver``: a local node in the foreground, optionally with runs that fail."""
    from bacalhau_client.devserver import LocalRequesterNode, echo_executor, noop_executor
    from bacalhau_client.devserver.executor import failing_executor

    if values.executor not in ("echo", "noop"):
        raise UsageError("--executor: must be echo or noop, got %r" % values.executor)
    executor = echo_executor if values.executor == "echo" else noop_executor
    if values.fail_exit_code or values.fail_stderr or values.fail_shards:
        shards = _shard_list(values.fail_shards)
        executor = failing_executor(exit_code=values.fail_exit_code or 1, stderr=values.fail_stderr,
                                    shards=shards, succeed=executor)
    for name, value, low, high in (("port", values.port, 0, 65535), ("compute-nodes", values.compute_nodes, 1, 1000)):
        if not low <= value <= high:
            raise UsageError("--%s: must be from %d to %d, got %d" % (name, low, high, value))
    if values.step_delay < 0:
        raise UsageError("--step-delay: must be >= 0, got %g" % values.step_delay)
    node = LocalRequesterNode(port=values.port, host=values.bind, compute_nodes=values.compute_nodes,
                              step_delay=values.step_delay, executor=executor)
    try:
        node.start()
    except OSError as error:
        raise UsageError("cannot listen on %s:%d: %s" % (values.bind, values.port, error.strerror or error)) from None
    print("Local Bacalhau requester node %s listening on %s" % (node.node_id, node.url))
    if executor in (echo_executor, noop_executor):
        print("Simulated: nothing runs; %s. Press Ctrl-C to stop." % (
            "`echo ...` commands print their words" if values.executor == "echo" else "every run has empty output"))
    else:
        print("Simulated: runs of %s fail with exit code %d. Press Ctrl-C to stop." % (
            "shards %s" % values.fail_shards if values.fail_shards else "every shard", values.fail_exit_code or 1))
    print("  export BACALHAU_API_HOST=%s BACALHAU_API_PORT=%d" % (values.bind, node.port))
    sys.stdout.flush()
    try:
        node.serve_forever()
    except KeyboardInterrupt:
        print("stopped")
    return 0


def _shard_list(text: str) -> Optional[List[int]]:
    if not text:
        return None
    try:
        shards = [int(part) for part in text.split(",")]
    except ValueError:
        raise UsageError("--fail-shards: expected shard indexes such as 0,2, got %r" % text) from None
    if any(shard < 0 for shard in shards):
        raise UsageError("--fail-shards: shard indexes are >= 0, got %r" % text)
    return shards


DEMO_IMAGE = "ubuntu"
DEMO_COMMAND = ["echo", "hello"]


def run_demo(values: Values) -> int:
    """``demo``: the SDK end to end against a local node, with a throw-away key, ending with the results."""
    from bacalhau_client.devserver import LocalRequesterNode, echo_executor
    from bacalhau_client.jobs import docker_job
    from bacalhau_client.signing import UserKey

    output = _output_format(values, ("text", "json"))
    say = (lambda line: print(line, file=sys.stderr)) if output == "json" else print
    with tempfile.TemporaryDirectory(prefix="bacalhau-demo-") as work_dir:
        key_path = os.path.join(work_dir, "user_id.pem")
        key = UserKey.generate()
        key.save(key_path)
        with LocalRequesterNode(step_delay=0.05, executor=echo_executor) as node, Client(node.url, key) as client:
            say("Started a local requester node at %s (peer %s)." % (node.url, node.node_id))
            say("Signing with a throw-away key %s (client ID %s)." % (key_path, key.client_id))
            job = client.submit(docker_job(DEMO_IMAGE, DEMO_COMMAND))
            say("Submitted job %s: docker run %s %s" % (job.id, DEMO_IMAGE, " ".join(DEMO_COMMAND)))
            state = client.wait(job.id, timeout=60, poll_interval=0.05)
            events, results, stored = client.events(job.id), client.results(job.id), client.get(job.id)
            downloaded = client.download(job.id, os.path.join(work_dir, "job-%s" % job.id[:8]))
            tree = sorted(str(path.relative_to(downloaded)) for path in downloaded.rglob("*"))
            if output == "json":
                write(json_text({"job": _job_wire(stored, state), "events": [event.to_wire() for event in events],
                                 "results": [result.to_wire() for result in results], "downloaded": tree}) + "\n")
                return 0
            print("\nEvent timeline:")
            write(table(EVENT_HEADERS, [_event_row(event) for event in events]))
            print("\nResults:")
            write(table(["NODE", "SHARD", "CID", "NAME"], [
                [result.node_id or "", str(result.shard_index or 0), (result.data.cid if result.data else "") or "",
                 (result.data.name if result.data else "") or ""] for result in results]))
            print("\nOutput (simulated by the local node; no container ran):")
            write(safe(client.stdout(job.id)))
            print("\nThe job as the node stores it:")
            write(go_yaml(_job_wire(stored, state)))
            print("\nDownloaded results (%s):" % downloaded)
            for name in tree:
                print("  " + name)
    return 0


# ---------------------------------------------------------------------------
# The command table.
# ---------------------------------------------------------------------------

GROUPS = {
    "docker": "Run a Docker job on the network.",
    "wasm": "Run and check WebAssembly jobs.",
    "run": "Run a job in a language (python).",
}

COMMANDS: Dict[str, Command] = {
    "docker run": Command(DOCKER_RUN_FLAGS, (1, None), "[flags] IMAGE [COMMAND [ARG...]]",
                          "Run a Docker job; flags may come anywhere, `--` ends them.", run_docker),
    "wasm run": Command(WASM_RUN_FLAGS, (1, None), "[flags] {CID | local.wasm} [ARGS...]",
                        "Run a WebAssembly module (a CID, or a local file uploaded with the job).", run_wasm),
    "wasm validate": Command(WASM_FLAGS, (1, 1), "[--entry-point NAME] local.wasm",
                             "Check that a module imports only WASI and exports the entry point.", run_wasm_validate),
    "run python": Command(PYTHON_FLAGS, (0, None), "[flags] [program.py]",
                          "Run a Python program (-c CODE, or a file in the uploaded context).", run_python),
    "create": Command(RUN_FLAGS + (Flag("dry-run", BOOL, False, "print the job, send nothing"),), (0, 1),
                      "[flags] [FILE | -]", "Submit a job file (JSON or YAML; stdin for - or no file).", run_create),
    "validate": Command((Flag("output-schema", BOOL, False, "print the job's JSON Schema"),), (0, 1),
                        "[--output-schema] [FILE | -]", "Check a job file; print every problem with its field path.",
                        run_validate),
    "list": Command((
        Flag("number", INT, 10, "how many jobs", short="n"),
        Flag("limit", INT, 10, "same as --number", hidden=True),
        Flag("all", BOOL, False, "every client's jobs, not only yours"),
        Flag("id-filter", STRING, "", "a full job ID or an 8-character short ID"),
        Flag("sort-by", STRING, "created_at", "created_at or id"),
        Flag("reverse", BOOL, True, "newest first; --reverse=false for oldest first"),
        Flag("hide-header", BOOL, False, "no header row"),
        Flag("no-style", BOOL, False, "no colours"),
        Flag("wide", BOOL, False, "full IDs and texts, dates with times"),
        OUTPUT_FLAG), (0, 0), "[flags]", "List jobs: newest first, yours unless --all.", run_list),
    "describe": Command((
        Flag("include-events", BOOL, False, "add the job's events and the node's local events"),
        Flag("spec", BOOL, False, "print only the job's Spec"),
        Flag("json", BOOL, False, "JSON instead of YAML"),
        Flag("follow", BOOL, False, "then print the job's events as they happen, until it finished"),
        Flag("output", STRING, "yaml", "yaml or json")), (1, 1), "[flags] JOB_ID",
        "Show a job, its state and (optionally) events, as YAML.", run_describe),
    "events": Command((Flag("follow", BOOL, False, "print events as they happen, until the job finished"),
                       OUTPUT_FLAG), (1, 1), "[--follow] JOB_ID", "Show a job's events in order.", run_events),
    "wait": Command((Flag("timeout", FLOAT, 600.0, "seconds to wait"), OUTPUT_FLAG), (1, None), "JOB_ID [JOB_ID...]",
                    "Wait until the jobs finished; exit 1 if any failed.", run_wait),
    "get": Command((Flag("output-dir", STRING, "", "folder for the results (default ./job-<id8>)"),
                    Flag("gateway", STRING, "", "IPFS gateway URL")), (1, 1), "[flags] JOB_ID",
                   "Download a job's results.", run_get),
    "results": Command((OUTPUT_FLAG,), (1, 1), "JOB_ID", "Show where a job's results were published.", run_results),
    "version": Command((Flag("client", BOOL, False, "only the client's version (no network)"),
                        Flag("output", STRING, "text", "text, json or yaml", short="o")), (0, None), "[flags]",
                       "Print the client's and the node's versions.", run_version),
    "id": Command((OUTPUT_FLAG,), (0, 0), "[--output json]",
                  "Print your identity: client ID, public key and key file.", run_id),
    "submit": Command((
        Flag("file", STRING, "", "a job file (JSON or YAML)"),
        Flag("env", VALUES, [], "NAME=VALUE environment variable"),
        Flag("wait", BOOL, False, "wait for the job and print its output"),
        Flag("timeout", FLOAT, 600.0, "seconds --wait waits"),
        Flag("output", STRING, "text", "text or json")), (0, None), "[flags] [IMAGE COMMAND...]",
        "Submit a Docker job or a job file (older form of docker run and create).", run_submit),
    "devserver": Command((
        Flag("port", INT, 1234, "port to listen on (0 = any)"),
        Flag("bind", STRING, "127.0.0.1", "address to listen on"),
        Flag("compute-nodes", INT, 1, "simulated compute nodes"),
        Flag("step-delay", FLOAT, 0.2, "seconds between lifecycle steps"),
        Flag("executor", STRING, "echo", "echo (`echo ...` prints its words) or noop (no output)"),
        Flag("fail-exit-code", INT, 0, "make runs fail with this exit code"),
        Flag("fail-stderr", STRING, "", "make runs fail, writing this to stderr"),
        Flag("fail-shards", STRING, "", "fail only these shard indexes, e.g. 0,2")), (0, 0), "[flags]",
        "Run a local requester node in the foreground until Ctrl-C.", run_devserver),
    "demo": Command((Flag("output", STRING, "text", "text or json"),), (0, 0), "[--output json]",
                    "Start a local node, run a signed job on it, show its whole life and download its results.",
                    run_demo),
}
