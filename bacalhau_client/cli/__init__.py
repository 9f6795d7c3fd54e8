"""``bacalhau-client`` (or ``python -m bacalhau_client``): the ``bacalhau`` commands, from Python.

The commands, flags and defaults are those of the Go ``bacalhau`` CLI (v0.3):
``docker run``, ``wasm run``, ``run python``, ``create``, ``validate``,
``list``, ``describe``, ``get``, ``version``, plus ``events``, ``wait``,
``id`` (your identity), ``devserver`` (a local node) and ``demo``.

Exit codes: 0 done, 1 the job failed (or did not finish in time), 2 usage
error (bad arguments, unreadable or invalid job file), 3 the node could not
be reached or refused the request. Errors are one line on stderr.
"""

import os
import sys
from typing import List, Optional, Sequence, Tuple

from bacalhau_client.cli.commands import COMMANDS, GROUPS
from bacalhau_client.cli.common import (
    EXIT_API_ERROR, EXIT_INTERRUPTED, EXIT_JOB_FAILED, EXIT_OK, EXIT_USAGE, GLOBAL_FLAGS, PROG,
)
from bacalhau_client.cli.flags import UsageError, help_text, parse
from bacalhau_client.models.job_state import JobFailed
from bacalhau_client.exceptions import ApiException, printable

__all__ = ["EXIT_API_ERROR", "EXIT_JOB_FAILED", "EXIT_OK", "EXIT_USAGE", "PROG", "UsageError", "main"]

# Global flags that take a value: skipped, with their value, while looking for the command name.
_VALUED_GLOBALS = frozenset("--" + flag.name for flag in GLOBAL_FLAGS if flag.kind != "bool")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _run(argv)
    except JobFailed as failure:
        return fail(EXIT_JOB_FAILED, str(failure))
    except TimeoutError as timeout:
        return fail(EXIT_JOB_FAILED, str(timeout))
    except ApiException as error:
        return fail(EXIT_API_ERROR, str(error))
    except (UsageError, ValueError) as error:
        return fail(EXIT_USAGE, str(error))
    except KeyboardInterrupt:
        return fail(EXIT_INTERRUPTED, "interrupted")
    except BrokenPipeError:
        return _reader_went_away()


def _run(argv: List[str]) -> int:
    path, rest, stray = _command_path(argv)
    if not path:
        if any(token in ("-h", "--help") for token in rest):
            sys.stdout.write(_root_help())
            return EXIT_OK
        if stray is not None:
            raise UsageError('unknown command "%s" for "%s"' % (stray, PROG))
        sys.stderr.write(_root_help())
        return EXIT_USAGE
    name = " ".join(path)
    command = COMMANDS.get(name)
    if command is None:  # a group (`docker`, `wasm`, `run`) without a known subcommand
        group = path[0]
        if stray is not None:
            raise UsageError('unknown command "%s" for "%s %s"' % (stray, PROG, group))
        sys.stdout.write(_group_help(group))
        return EXIT_OK
    flags = list(command.flags) + list(GLOBAL_FLAGS)
    flags_part = rest[:rest.index("--")] if "--" in rest else rest
    if "-h" in flags_part or "--help" in flags_part:
        sys.stdout.write(help_text("%s %s %s" % (PROG, name, command.usage), command.help, flags))
        return EXIT_OK
    values, positionals = parse(flags, rest)
    low, high = command.args
    if len(positionals) < low:
        raise UsageError("%s: requires at least %d arg(s), only received %d (usage: %s %s %s)"
                         % (name, low, len(positionals), PROG, name, command.usage))
    if high is not None and len(positionals) > high:
        raise UsageError("%s: accepts at most %d arg(s), received %d (usage: %s %s %s)"
                         % (name, high, len(positionals), PROG, name, command.usage))
    values.command_name = name
    values.args = positionals
    return command.run(values)


def _command_path(argv: List[str]) -> Tuple[List[str], List[str], Optional[str]]:
    """The command's name words (``["docker", "run"]``), the other tokens, and a stray word where a name was due."""
    path: List[str] = []
    rest: List[str] = []
    stray = None
    index = 0
    while index < len(argv):
        token = argv[index]
        index += 1
        if token == "--":
            rest.extend(argv[index - 1:])
            break
        wanted = not path or (len(path) == 1 and path[0] in GROUPS)
        if token.startswith("-") and token != "-":
            rest.append(token)
            if token in _VALUED_GLOBALS and index < len(argv):
                rest.append(argv[index])
                index += 1
        elif wanted and (not path and (token in GROUPS or token in COMMANDS) or
                         path and "%s %s" % (path[0], token) in COMMANDS):
            path.append(token)
        else:
            if wanted and stray is None:
                stray = token
            rest.append(token)
    return path, rest, stray


def _root_help() -> str:
    lines = ["Usage: %s [--api-host HOST] [--api-port PORT] COMMAND [flags] [args]" % PROG, "",
             "Submit and follow jobs on a Bacalhau requester node (API v1beta1), as the bacalhau CLI does.", "",
             "Commands:"]
    width = max(len(name) for name in COMMANDS)
    for name, command in COMMANDS.items():
        if not command.hidden:
            lines.append("  %s   %s" % (name.ljust(width), command.help.split("\n")[0]))
    lines += ["", "The node is --host URL, else --api-host/--api-port, else $BACALHAU_API_HOST/$BACALHAU_API_PORT; "
              "the signing key is $BACALHAU_DIR/user_id.pem (default ~/.bacalhau), shared with the bacalhau CLI.",
              "Run '%s COMMAND --help' for a command's flags." % PROG]
    return "\n".join(lines) + "\n"


def _group_help(group: str) -> str:
    lines = ["Usage: %s %s COMMAND [flags]" % (PROG, group), "", GROUPS[group], "", "Commands:"]
    for name, command in COMMANDS.items():
        if name.startswith(group + " "):
            lines.append("  %s   %s" % (name.split(" ", 1)[1], command.help.split("\n")[0]))
    return "\n".join(lines) + "\n"


def fail(code: int, message: str) -> int:
    """Print ``message`` as one line on stderr (node text escaped) and return ``code``."""
    print("error: %s" % printable(message, limit=None), file=sys.stderr)
    return code


def _reader_went_away() -> int:
    """The output's reader closed it (``... | head``): stop quietly, as other command-line tools do."""
    try:
        # Python flushes stdout at exit; point it at /dev/null so that flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout is not a real file (an embedding program's stream): nothing to flush
    return EXIT_OK

