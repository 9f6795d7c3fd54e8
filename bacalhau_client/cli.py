"""``bacalhau-client`` (or ``python -m bacalhau_client``): submit and follow jobs from a shell.

Exit codes: 0 done, 1 the job failed (or did not finish in time), 2 usage
error (bad arguments, unreadable job file, invalid job), 3 the node could not
be reached or refused the request. Errors are one line on stderr.
"""

import argparse
import json
import os
import sys
import tempfile
from typing import Any, Callable, Dict, List, Optional, Sequence

from bacalhau_client.client import Client, JobFailed, iter_shards, summarize_state
from bacalhau_client.configuration import Configuration
from bacalhau_client.exceptions import ApiException
from bacalhau_client.models.base import wire_value

EXIT_OK = 0
EXIT_JOB_FAILED = 1
EXIT_USAGE = 2
EXIT_API_ERROR = 3
EXIT_INTERRUPTED = 130

DEMO_IMAGE = "ubuntu"
DEMO_COMMAND = ["echo", "hello"]


class UsageError(Exception):
    """The command line asks for something that cannot be done as written."""


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one command; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:  # argparse exits on --help (0) and on usage errors (2)
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.run(args)
    except JobFailed as failure:
        return _fail(EXIT_JOB_FAILED, str(failure))
    except TimeoutError as timeout:
        return _fail(EXIT_JOB_FAILED, str(timeout))
    except ApiException as error:
        return _fail(EXIT_API_ERROR, str(error))
    except (UsageError, ValueError) as error:
        return _fail(EXIT_USAGE, str(error))
    except KeyboardInterrupt:
        return _fail(EXIT_INTERRUPTED, "interrupted")
    except BrokenPipeError:
        return _reader_went_away()


def _reader_went_away() -> int:
    """The output's reader closed it (``... | head``): stop quietly, as other command-line tools do."""
    try:
        # Python flushes stdout at exit; point it at /dev/null so that flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout is not a real file (an embedding program's stream): nothing to flush
    return EXIT_OK


def _fail(code: int, message: str) -> int:
    print("error: %s" % message.replace("\n", " "), file=sys.stderr)
    return code


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="bacalhau-client", description="Submit and follow jobs on a Bacalhau requester node (API v1beta1).",
        epilog="The node is --host, else http://$BACALHAU_API_HOST:$BACALHAU_API_PORT; the signing key is "
               "$BACALHAU_DIR/user_id.pem (default ~/.bacalhau), shared with the bacalhau CLI.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    connection = argparse.ArgumentParser(add_help=False)
    connection.add_argument("--host", help="the node's URL, e.g. http://127.0.0.1:1234 (default: from the environment)")
    connection.add_argument("--output", choices=("table", "json"), default="table", help="output format")
    connection.add_argument("--retries", type=_non_negative_int, default=3,
                            help="retries of a failed call (default 3)")

    def command(name: str, run: Callable[[argparse.Namespace], int], help_text: str,
                parents: List[argparse.ArgumentParser]) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text, parents=parents)
        sub.set_defaults(run=run)
        return sub

    demo = command("demo", run_demo, "start a local node, submit a signed job to it, and show its whole life", [])
    demo.add_argument("--output", choices=("table", "json"), default="table", help="output format")

    submit = command("submit", run_submit, "submit a Docker job (IMAGE COMMAND...) or a job JSON file", [connection])
    submit.add_argument("image", nargs="?", help="Docker image, e.g. ubuntu")
    submit.add_argument("entrypoint", nargs=argparse.REMAINDER, metavar="COMMAND", help="command and arguments")
    submit.add_argument("--file", help="a job as JSON (a Job object, as `describe --output json` prints)")
    submit.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="environment variable")
    submit.add_argument("--wait", action="store_true", help="wait for the job and print its output")
    submit.add_argument("--timeout", type=_positive_float, default=600, help="seconds --wait waits (default 600)")

    listing = command("list", run_list, "list your jobs, newest first", [connection])
    listing.add_argument("--limit", type=_positive_int, default=10, help="at most this many jobs (default 10)")
    listing.add_argument("--all", action="store_true", help="every client's jobs, not only yours")

    for name, run, help_text in (("describe", run_describe, "show one job with its state"),
                                 ("events", run_events, "show a job's events in order"),
                                 ("results", run_results, "show where a job's results were published")):
        command(name, run, help_text, [connection]).add_argument("job_id", metavar="JOB_ID",
                                                                 help="job ID or 8-character short ID")

    wait = command("wait", run_wait, "wait until a job finishes; exit 1 if it failed", [connection])
    wait.add_argument("job_id", metavar="JOB_ID", help="job ID or 8-character short ID")
    wait.add_argument("--timeout", type=_positive_float, default=600, help="seconds to wait (default 600)")

    command("id", run_id, "print your client ID (the hash of your public key)", [])

    devserver = command("devserver", run_devserver, "run a local requester node in the foreground until Ctrl-C", [])
    devserver.add_argument("--port", type=_port, default=1234, help="port to listen on (default 1234; 0 = any)")
    devserver.add_argument("--bind", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    devserver.add_argument("--compute-nodes", type=_positive_int, default=1, help="simulated compute nodes")
    devserver.add_argument("--step-delay", type=_non_negative_float, default=0.2,
                           help="seconds between lifecycle steps (default 0.2)")
    devserver.add_argument("--executor", choices=("echo", "noop"), default="echo",
                           help="echo: `echo ...` commands print their words; noop: no output (default echo)")
    return parser


def _client(args: argparse.Namespace) -> Client:
    configuration = Configuration(host=args.host, retries=args.retries) if args.host \
        else Configuration.from_env(retries=args.retries)
    return Client(configuration=configuration)


def run_submit(args: argparse.Namespace) -> int:
    """``submit``: sign and submit; with ``--wait`` also wait and print the output."""
    job = _job_from_args(args)
    with _client(args) as client:
        stored = client.submit(job)
        if args.output == "json":
            _print_json(stored)
        else:
            print(stored.id)
        if not args.wait:
            return EXIT_OK
        state = client.wait(stored.id, timeout=args.timeout)
        if args.output == "json":
            _print_json(state)
        else:
            _print_shards(state)
            sys.stdout.write(client.stdout(stored.id))
    return EXIT_OK


def _job_from_args(args: argparse.Namespace) -> Any:
    from bacalhau_client.jobs import docker_job

    if args.file and args.image:
        raise UsageError("submit: give either IMAGE COMMAND... or --file, not both")
    if args.file:
        try:
            with open(args.file, encoding="utf-8") as source:
                job = json.load(source)
        except OSError as error:
            raise UsageError("--file %s: %s" % (args.file, error.strerror or error)) from None
        except ValueError as error:
            raise UsageError("--file %s: not valid JSON (%s)" % (args.file, error)) from None
        if not isinstance(job, dict):
            raise UsageError("--file %s: expected a JSON object (a Job), got %s" % (args.file, type(job).__name__))
        return job
    if not args.image:
        raise UsageError("submit: give an IMAGE (and COMMAND...) or --file job.json")
    for pair in args.env:
        if "=" not in pair:
            raise UsageError("--env %s: expected NAME=VALUE" % pair)
    options: Dict[str, Any] = {"env": list(args.env)} if args.env else {}
    return docker_job(args.image, list(args.entrypoint) or None, **options)


def run_list(args: argparse.Namespace) -> int:
    """``list``: the newest jobs."""
    return _query(args, lambda client: client.list(limit=args.limit, all=args.all), _print_jobs)


def run_describe(args: argparse.Namespace) -> int:
    """``describe``: one job and its state."""
    return _query(args, lambda client: client.get(args.job_id), _print_job)


def run_events(args: argparse.Namespace) -> int:
    """``events``: the job's timeline."""
    return _query(args, lambda client: client.events(args.job_id), _print_events)


def run_results(args: argparse.Namespace) -> int:
    """``results``: where each shard's results were published."""
    return _query(args, lambda client: client.results(args.job_id), _print_results)


def run_wait(args: argparse.Namespace) -> int:
    """``wait``: block until the job finishes."""
    return _query(args, lambda client: client.wait(args.job_id, timeout=args.timeout), _print_shards)


def _query(args: argparse.Namespace, fetch: Callable[[Client], Any], print_table: Callable[[Any], None]) -> int:
    """Ask the node with ``fetch``, then print the answer as ``--output`` asks: JSON as sent, or a table."""
    with _client(args) as client:
        value = fetch(client)
    if args.output == "json":
        _print_json(value)
    else:
        print_table(value)
    return EXIT_OK


def _print_jobs(jobs: List[Any]) -> None:
    rows = [[job.id[:8], job.created_at or "", summarize_state(job.job_state), _job_summary(job)] for job in jobs]
    _print_table(["ID", "CREATED", "STATE", "JOB"], rows)


def _print_job(job: Any) -> None:
    for label, value in (("ID", job.id), ("Client ID", job.client_id), ("Created", job.created_at),
                         ("Requester", job.requester_node_id), ("Job", _job_summary(job)),
                         ("State", summarize_state(job.job_state))):
        print("%-10s %s" % (label + ":", value or ""))
    _print_shards(job.job_state)


def _job_summary(job: Any) -> str:
    spec = job.spec
    if spec is None:
        return ""
    if spec.docker is not None and spec.docker.image:
        return " ".join([spec.docker.image] + list(spec.docker.entrypoint or []))
    return spec.engine or ""


def run_id(args: argparse.Namespace) -> int:
    """``id``: the client ID of this user's key."""
    from bacalhau_client.signing import UserKey

    print(UserKey.default().client_id)
    return EXIT_OK


def run_devserver(args: argparse.Namespace) -> int:
    """``devserver``: a local node in the foreground."""
    from bacalhau_client.devserver import LocalRequesterNode, echo_executor, noop_executor

    executor = echo_executor if args.executor == "echo" else noop_executor
    node = LocalRequesterNode(port=args.port, host=args.bind, compute_nodes=args.compute_nodes,
                              step_delay=args.step_delay, executor=executor)
    try:
        node.start()
    except OSError as error:
        raise UsageError("cannot listen on %s:%d: %s" % (args.bind, args.port, error.strerror or error)) from None
    print("Local Bacalhau requester node %s listening on %s" % (node.node_id, node.url))
    print("Simulated: nothing runs; %s. Press Ctrl-C to stop." % (
        "`echo ...` commands print their words" if args.executor == "echo" else "every run has empty output"))
    print("  export BACALHAU_API_HOST=%s BACALHAU_API_PORT=%d" % (args.bind, node.port))
    sys.stdout.flush()
    try:
        node.serve_forever()
    except KeyboardInterrupt:
        print("stopped")
    return EXIT_OK


def run_demo(args: argparse.Namespace) -> int:
    """``demo``: the SDK end to end against a local node, with a throw-away key."""
    from bacalhau_client.devserver import LocalRequesterNode, echo_executor
    from bacalhau_client.jobs import docker_job
    from bacalhau_client.signing import UserKey

    with tempfile.TemporaryDirectory(prefix="bacalhau-demo-") as key_dir:
        key_path = os.path.join(key_dir, "user_id.pem")
        key = UserKey.generate()
        key.save(key_path)
        with LocalRequesterNode(step_delay=0.05, executor=echo_executor) as node, \
                Client(node.url, key) as client:
            _say(args, "Started a local requester node at %s (peer %s)." % (node.url, node.node_id))
            _say(args, "Signing with a throw-away key %s (client ID %s)." % (key_path, key.client_id))
            job = client.submit(docker_job(DEMO_IMAGE, DEMO_COMMAND))
            _say(args, "Submitted job %s: docker run %s %s" % (job.id, DEMO_IMAGE, " ".join(DEMO_COMMAND)))
            state = client.wait(job.id, timeout=60, poll_interval=0.05)
            events, results, stored = client.events(job.id), client.results(job.id), client.get(job.id)
            if args.output == "json":
                _print_json({"job": stored, "events": events, "results": results})
                return EXIT_OK
            print("\nFinished: %s\n\nEvent timeline:" % summarize_state(state))
            _print_events(events)
            print("\nResults:")
            _print_results(results)
            print("\nOutput (simulated by the local node; no container ran):")
            sys.stdout.write(client.stdout(job.id))
            print("\nThe job as the node stores it:")
            _print_json(stored)
    return EXIT_OK


def _say(args: argparse.Namespace, line: str) -> None:
    print(line, file=sys.stderr if args.output == "json" else sys.stdout)


def _print_events(events: List[Any]) -> None:
    rows = [[event.event_time or "", event.event_name or "", event.source_node_id or "",
             event.target_node_id or "", str(event.shard_index or 0), event.status or ""] for event in events]
    _print_table(["TIME", "EVENT", "SOURCE", "TARGET", "SHARD", "STATUS"], rows)


def _print_results(results: List[Any]) -> None:
    rows = [[result.node_id or "", str(result.shard_index or 0),
             (result.data.cid if result.data is not None else "") or "",
             (result.data.name if result.data is not None else "") or ""] for result in results]
    _print_table(["NODE", "SHARD", "CID", "NAME"], rows)


def _print_shards(state: Any) -> None:
    rows = [[node_id, str(index), shard.get("State", ""), shard.get("Status", ""),
             str((shard.get("RunOutput") or {}).get("exitCode", ""))] for node_id, index, shard in iter_shards(state)]
    _print_table(["NODE", "SHARD", "STATE", "STATUS", "EXIT"], rows)


def _print_table(headers: List[str], rows: List[List[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    for row in [headers] + rows:
        print("  ".join(str(cell).replace("\n", " ").ljust(width) for cell, width in zip(row, widths)).rstrip())


def _print_json(value: Any) -> None:
    print(json.dumps(wire_value(value), indent=2, ensure_ascii=False))


def _number(text: str, convert: Callable[[str], Any], rule: str, ok: Callable[[Any], bool]) -> Any:
    try:
        value = convert(text)
    except ValueError:
        value = None
    if value is None or not ok(value):
        raise argparse.ArgumentTypeError("must be %s, got %r" % (rule, text))
    return value


def _positive_int(text: str) -> int:
    return _number(text, int, "an integer >= 1", lambda value: value >= 1)


def _non_negative_int(text: str) -> int:
    return _number(text, int, "an integer >= 0", lambda value: value >= 0)


def _positive_float(text: str) -> float:
    return _number(text, float, "a number > 0", lambda value: value > 0)


def _non_negative_float(text: str) -> float:
    return _number(text, float, "a number >= 0", lambda value: value >= 0)


def _port(text: str) -> int:
    return _number(text, int, "a port from 0 to 65535", lambda value: 0 <= value <= 65535)
