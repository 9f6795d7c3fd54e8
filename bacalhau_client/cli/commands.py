"""The command table, and the commands that look at jobs, versions and identity, run a local node or the demo."""

import json
import os
import platform
import sys
import tempfile
from typing import Any, Dict, List, Optional

from bacalhau_client import __version__
from bacalhau_client.cli.common import (
    EXIT_JOB_FAILED, EXIT_OK, Command, client_for, go_json, job_wire, output_format, print_document,
)
from bacalhau_client.cli.flags import BOOL, FLOAT, INT, STRING, VALUES, Flag, UsageError, Values
from bacalhau_client.cli.output import go_yaml, is_terminal, json_text, safe, safe_json, table, write
from bacalhau_client.cli.running import (
    DOCKER_RUN_FLAGS, PYTHON_FLAGS, RUN_FLAGS, WASM_FLAGS, WASM_RUN_FLAGS, download, report_failure, run_create,
    run_docker, run_python, run_validate, run_wasm, run_wasm_validate, wait_for_job,
)
from bacalhau_client.client import Client
from bacalhau_client.models.job_state import (
    JobFailed, failed_shards, iter_shards, list_state, shard_run_output, shard_state, short_id,
)
from bacalhau_client.models import ModelJob
from bacalhau_client.models.enums import Engine, JobStateType, Verifier

OUTPUT_FLAG = Flag("output", STRING, "text", "text, json or yaml")


# ---------------------------------------------------------------------------
# Looking at jobs.
# ---------------------------------------------------------------------------

TRUNCATE_AT = 20


def run_list(values: Values) -> int:
    """``list``: jobs as the Go CLI's table, or JSON/YAML."""
    from bacalhau_client.models import PublicapiListRequest

    output = output_format(values)
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
        write(safe_json("[%s]" % ",".join(go_json(job.to_wire()) for job in jobs)) + "\n")
        return 0
    if output == "yaml":
        write(go_yaml([job_wire(job) for job in jobs]))
        return 0
    rows = [_list_row(job, values.wide) for job in jobs]
    write(table(["CREATED", "ID", "JOB", "STATE", "VERIFIED", "PUBLISHED"], rows, hide_header=values.hide_header,
                colours=not values.no_style and is_terminal(sys.stdout)))
    return 0


def _shard_cells(shard: Dict[str, Any]) -> List[str]:
    """A shard's STATE, STATUS and EXIT cells, read from its wire dict as ``iter_shards`` gives it."""
    return [shard.get("State", ""), shard.get("Status", ""), str(shard_run_output(shard).get("exitCode", ""))]


def _list_row(job: ModelJob, wide: bool) -> List[str]:
    wire = job.to_wire()
    created = str(wire.get("CreatedAt") or "")
    created = (created[2:10] + "-" + created[11:19]) if wide else created[11:19]
    spec = wire.get("Spec") or {}
    engine = spec.get("Engine", "")
    if engine == Engine.DOCKER:
        docker = spec.get("Docker") or {}
        engine = "Docker %s %s" % (docker.get("Image", ""), " ".join(docker.get("Entrypoint") or []))
    shards = [shard for _, _, shard in iter_shards(wire.get("JobState"))]
    state = list_state(wire.get("JobState"))
    verified = ""
    if spec.get("Verifier") not in (None, "", Verifier.NOOP):
        deal = wire.get("Deal") or {}
        total = max(deal.get("Concurrency") or 0, 1) * max((wire.get("ExecutionPlan") or {}).get("ShardsTotal") or 0, 1)
        passed = sum(1 for shard in shards if (shard.get("VerificationResult") or {}).get("Result"))
        verified = "%d/%d" % (passed, total)
    published = ""
    if ((wire.get("ExecutionPlan") or {}).get("ShardsTotal") or 0) <= 1:
        for shard in shards:
            if shard_state(shard) == JobStateType.COMPLETED:
                published = "/ipfs/%s" % ((shard.get("PublishedResults") or {}).get("CID") or "")
                break
    cells = [created, wire.get("ID", "") if wide else short_id(wire.get("ID", "")), engine, state, verified, published]
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
    output = "json" if values.json else output_format(values, ("text", "yaml", "json"))
    if output == "json" and values.follow:
        raise UsageError("--follow prints events as they happen; it cannot be combined with JSON output")
    with client_for(values) as client:
        job = client.get(values.args[0])
        state = client.states(job.id)
        events = local_events = None
        if values.include_events:
            events, local_events = client.events(job.id), client.local_events(job.id)
        wire = job_wire(job, state, events, local_events)
        print_document(wire.get("Spec") or {} if values.spec else wire, "json" if output == "json" else "yaml")
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
    output = output_format(values)
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
        print_document([event.to_wire() for event in events], output)
    return 0


def run_results(values: Values) -> int:
    """``results ID``: where each shard's results were published."""
    output = output_format(values)
    with client_for(values) as client:
        results = client.results(values.args[0])
    if output != "text":
        print_document([result.to_wire() for result in results], output)
        return 0
    write(table(RESULT_HEADERS, [_result_row(result) for result in results]))
    return 0


RESULT_HEADERS = ["NODE", "SHARD", "CID", "NAME"]


def _result_row(result: Any) -> List[str]:
    data = result.data
    return [result.node_id or "", str(result.shard_index or 0), (data.cid if data is not None else "") or "",
            (data.name if data is not None else "") or ""]


def run_wait(values: Values) -> int:
    """``wait ID [ID...]``: until every job finished; exit 1 if any failed."""
    output = output_format(values)
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
    states = {job_id: outcome.state if isinstance(outcome, JobFailed) else outcome
              for job_id, outcome in outcomes.items()}
    if output != "text":
        print_document({job_id: state.to_wire() for job_id, state in states.items()}, output)
    else:
        rows = [[short_id(job_id), node_id, str(index)] + _shard_cells(shard)
                for job_id, state in states.items() for node_id, index, shard in iter_shards(state)]
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
    output = output_format(values)
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

    output = output_format(values)
    key = UserKey.default()
    identity = {"ClientID": key.client_id, "PublicKey": key.public_key, "KeyFile": str(default_key_path())}
    if output == "text":
        print("Client ID:  %s\nPublic key: %s\nKey file:   %s" % (
            identity["ClientID"], identity["PublicKey"], identity["KeyFile"]))
    else:
        print_document(identity, output)
    return 0


# ---------------------------------------------------------------------------
# Kept from earlier versions: submit (docker run with the old flags).
# ---------------------------------------------------------------------------

def run_submit(values: Values) -> int:
    """``submit IMAGE COMMAND...`` or ``submit --file job.json``: sign and submit; ``--wait`` waits and prints."""
    from bacalhau_client.jobs import docker_job, from_file

    output = output_format(values, ("text", "json"))
    if values.file and values.args:
        raise UsageError("submit: give either IMAGE COMMAND... or --file, not both")
    if values.file:
        if not os.path.exists(values.file):  # from_file would read a missing path as the job's text
            raise UsageError("--file %s: no such file" % values.file)
        job: Any = from_file(values.file)
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
                print_document(job_wire(stored), "json")
            else:
                print(stored.id)
            return 0
        state = wait_for_job(client, stored.id, values.timeout, None, "--timeout")
        if output == "json":
            print_document(job_wire(client.get(stored.id), state), "json")
        else:
            print(stored.id)
            write(table(["NODE", "SHARD", "STATE", "STATUS", "EXIT"],
                        [[node_id, str(index)] + _shard_cells(shard) for node_id, index, shard in iter_shards(state)]))
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
    try:  # Ctrl-C may come while the banner is printed: stop quietly then too
        print("Local Bacalhau requester node %s listening on %s" % (node.node_id, node.url))
        if executor in (echo_executor, noop_executor):
            print("Simulated: nothing runs; %s. Press Ctrl-C to stop." % (
                "`echo ...` commands print their words" if values.executor == "echo" else "every run has empty output"))
        else:
            print("Simulated: runs of %s fail with exit code %d. Press Ctrl-C to stop." % (
                "shards %s" % values.fail_shards if values.fail_shards else "every shard", values.fail_exit_code or 1))
        print("  export BACALHAU_API_HOST=%s BACALHAU_API_PORT=%d" % (values.bind, node.port))
        sys.stdout.flush()
        node.serve_forever()
    except KeyboardInterrupt:
        print("stopped")
    finally:
        node.stop()
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

    output = output_format(values, ("text", "json"))
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
            say("\nEvents, as the node records them:")
            events = []
            with client.follow(job.id, timeout=60) as stream:  # ends when the job has finished
                for event in stream:
                    events.append(event)
                    say("  %s  %s" % (safe(event.event_time or "", keep_lines=False),
                                      safe(event.event_name or "", keep_lines=False)))
                say("(followed over %s)" % stream.transport)
            state = stream.final_state
            results, stored = client.results(job.id), client.get(job.id)
            downloaded = client.download(job.id, os.path.join(work_dir, "job-%s" % short_id(job.id)))
            tree = sorted(str(path.relative_to(downloaded)) for path in downloaded.rglob("*"))
            if output == "json":
                write(json_text({"job": job_wire(stored, state), "events": [event.to_wire() for event in events],
                                 "results": [result.to_wire() for result in results], "downloaded": tree}) + "\n")
                return 0
            print("\nResults:")
            write(table(RESULT_HEADERS, [_result_row(result) for result in results]))
            print("\nOutput (simulated by the local node; no container ran):")
            write(safe(client.stdout(job.id)))
            print("\nThe job as the node stores it:")
            write(go_yaml(job_wire(stored, state)))
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
