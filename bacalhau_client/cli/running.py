"""The commands that run jobs (``docker run``, ``wasm run``, ``run python``, ``create``) and ``validate``.

Each builds its job from the Go CLI's flags, then :func:`execute` validates it
and prints it (``--dry-run``) or submits it, waits with Go's progress lines,
summarises, reports failed shards and downloads as the run flags ask.
"""

import json
import os
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from bacalhau_client.cli.common import (
    EXIT_INTERRUPTED, EXIT_JOB_FAILED, EXIT_OK, PROG, client_for, job_wire, output_format, print_document,
)
from bacalhau_client.cli.flags import BOOL, FLOAT, INT, STRING, STRINGS, VALUES, Flag, UsageError, Values
from bacalhau_client.cli.output import go_yaml, is_terminal, safe, write
from bacalhau_client.client import Client
from bacalhau_client.models import ModelJob, ModelJobCreatePayload, ModelJobState
from bacalhau_client.models.enums import JobEventType
from bacalhau_client.models.job_state import JobFailed, failed_shards, iter_shards, shard_run_output, short_id

Payload = Union[ModelJob, ModelJobCreatePayload]

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


def wait_for_job(client: Client, job_id: str, timeout: float, progress: Optional[Progress],
                 flag: str = "--wait-timeout-secs") -> ModelJobState:
    """The job's final state, failed or not, waited for as the SDK waits (``progress`` shows its events).

    ``TimeoutError`` naming ``flag`` (which gave ``timeout``) after ``timeout`` seconds.
    """
    from bacalhau_client.following import DEFAULT_POLL_INTERVAL, JobEventStream, wait_for_job as wait

    try:
        if progress is None:
            try:
                return wait(client, job_id, timeout, DEFAULT_POLL_INTERVAL)
            except JobFailed as failure:
                return failure.state
        with JobEventStream(client, job_id, timeout=timeout) as events:
            for event in events:
                progress.event(event.event_name)
        progress.finish()
        return events.final_state
    except TimeoutError:
        if progress is not None:
            progress.finish()
        raise TimeoutError("job %s did not finish within %g s (%s)" % (job_id, timeout, flag)) from None


def execute(values: Values, payload: Payload) -> int:
    """Validate, then print (``--dry-run``) or submit, wait, summarise and download as the run flags ask."""
    from bacalhau_client.validation import validate_job

    _check_run_flags(values)
    output = output_format(values)
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
                print_document(job_wire(stored), output)
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
            print_document(job_wire(client.get(job_id), state), output)
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
    from bacalhau_client.canonical import canonical_json

    if output == "json":  # the payload as the node receives it, less the signer's ClientID
        write(canonical_json(payload).decode("utf-8") + "\n")
        return 0
    write(go_yaml(job_wire(payload.job if isinstance(payload, ModelJobCreatePayload) else payload)))
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
                lines.append("Node %s:" % safe(short_id(node_id), keep_lines=False))
            lines.append("  Shard %d:" % index)
            lines.append("    State: %s" % safe(shard.get("State", ""), keep_lines=False))
            lines.append("    Status: %s" % safe(shard.get("Status", ""), keep_lines=False))
            output = shard_run_output(shard)
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
    from bacalhau_client.jobfiles import MAX_JOB_FILE_BYTES, read_job_file

    name = values.args[0] if values.args else "-"
    if name == "-":
        if is_terminal(sys.stdin):
            print("No input provided, waiting ... (Ctrl+D to complete)", file=sys.stderr)
        stream = getattr(sys.stdin, "buffer", sys.stdin)
        data = stream.read(MAX_JOB_FILE_BYTES + 1)
        return (data.encode("utf-8") if isinstance(data, str) else data), "<stdin>"
    try:
        return read_job_file(name), name
    except ValueError as error:
        raise UsageError(str(error)) from None


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
