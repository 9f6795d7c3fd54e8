"""What the local node "runs": a Python callable standing in for Docker, WASM or a language runtime.

The node never starts containers or commands. An executor is a callable
``executor(spec, shard_index)`` receiving the job's :class:`ModelSpec` and
returning ``(stdout, stderr, exit_code)`` -- or any object with ``stdout``,
``stderr`` and ``exit_code`` attributes. An executor that takes a third
argument, ``executor(spec, shard_index, volumes)``, also gets the run's
:class:`Volumes`: a folder per output volume to write result files into (they
are published with stdout, stderr and exitCode, as a compute node publishes
them), and the job's inputs the node holds (its ``Context`` at ``/job``). It
decides the outcome the way a real compute node's executor would:

- it returns: the run completed, whatever the exit code (a non-zero exit code
  is reported in ``RunOutput.exitCode`` and the shard still ends Completed,
  as on a Go node);
- it raises: the executor itself failed (image missing, runtime error); the
  shard ends in state ``Error`` with a ``ComputeError`` event, and the
  exception's message becomes the shard's ``Status`` and ``RunOutput.runnerError``.
"""

import inspect
from pathlib import Path
from typing import Any, Callable, Dict, NamedTuple, Optional, Tuple

from bacalhau_client.models import ModelSpec
from bacalhau_client.models.job_state import run_output as run_output_wire

Executor = Callable[..., Any]

# A Go compute node returns at most this many bytes of each stream in RunOutput.
MAX_OUTPUT_BYTES = 2048


class Volumes(NamedTuple):
    """The folders of one run.

    ``outputs``: output volume name -> an empty folder; what the executor
    writes there is published as ``<name>/`` in the shard's results.
    ``inputs``: mount path -> a folder holding that input (the job's
    ``Context`` at ``/job``, and IPFS inputs the node itself published); read only.
    """

    outputs: Dict[str, Path]
    inputs: Dict[str, Path]


def takes_volumes(executor: Executor) -> bool:
    """Whether ``executor`` can be called as ``executor(spec, shard_index, volumes)``."""
    try:
        inspect.signature(executor).bind(None, 0, None)
    except (TypeError, ValueError):
        return False
    return True


def noop_executor(spec: ModelSpec, shard_index: int) -> Tuple[str, str, int]:
    """Succeed with no output, like Bacalhau's Noop executor."""
    return "", "", 0


def echo_executor(spec: ModelSpec, shard_index: int, volumes: Optional[Volumes] = None) -> Tuple[str, str, int]:
    """Answer as a real run would for ``echo ...`` commands (Docker entrypoint or language command), else nothing.

    Enough for demos and tests that want recognisable output without
    containers. With ``volumes``, an ``echo`` also writes its line to
    ``echo.txt`` in each output volume, so the results hold a file to download.
    """
    words = list((spec.docker.entrypoint if spec.docker is not None else None) or [])
    if not words and spec.language is not None and spec.language.command:
        words = spec.language.command.split()
    if words and words[0] == "echo":
        line = " ".join(words[1:]) + "\n"
        for folder in (volumes.outputs.values() if volumes is not None else ()):
            (folder / "echo.txt").write_text(line, encoding="utf-8")
        return line, "", 0
    return "", "", 0


def call_executor(executor: Executor, spec: ModelSpec, shard_index: int, volumes: Volumes) -> Any:
    """Run ``executor`` with the arguments it takes."""
    if takes_volumes(executor):
        return executor(spec, shard_index, volumes)
    return executor(spec, shard_index)


def executor_result(result: Any) -> Tuple[bytes, bytes, int]:
    """``(stdout, stderr, exit_code)`` of what an executor returned, streams as bytes; ``TypeError`` if malformed."""
    if isinstance(result, tuple) and len(result) == 3:
        stdout, stderr, exit_code = result
    elif all(hasattr(result, name) for name in ("stdout", "stderr", "exit_code")):
        stdout, stderr, exit_code = result.stdout, result.stderr, result.exit_code
    else:
        raise TypeError("executor must return (stdout, stderr, exit_code), got %s" % type(result).__name__)
    if not isinstance(exit_code, int) or isinstance(exit_code, bool):
        raise TypeError("executor returned a non-integer exit code: %r" % (exit_code,))
    return _as_bytes(stdout, "stdout"), _as_bytes(stderr, "stderr"), exit_code


def _as_bytes(text: Any, name: str) -> bytes:
    if text is None:
        return b""
    if isinstance(text, str):
        return text.encode("utf-8")
    if isinstance(text, (bytes, bytearray)):
        return bytes(text)
    raise TypeError("executor returned a non-text %s: %s" % (name, type(text).__name__))


def run_output(result: Any, runner_error: str = "") -> Dict[str, Any]:
    """The ``RunOutput`` wire dict for what an executor returned, each stream cut as a Go compute node cuts it."""
    return streams_run_output(*executor_result(result), runner_error=runner_error)


def streams_run_output(stdout: bytes, stderr: bytes, exit_code: int, runner_error: str = "") -> Dict[str, Any]:
    """:func:`run_output` of streams :func:`executor_result` already checked."""
    stdout, stdout_truncated = _truncated(stdout)
    stderr, stderr_truncated = _truncated(stderr)
    return run_output_wire(stdout, stderr, exit_code, stdout_truncated=stdout_truncated,
                           stderr_truncated=stderr_truncated, runner_error=runner_error)


def failed_run_output(message: str) -> Dict[str, Any]:
    """The ``RunOutput`` of a run whose executor failed."""
    return run_output_wire(runner_error=message)


def _truncated(data: bytes) -> Tuple[str, bool]:
    """The stream as RunOutput text: at most :data:`MAX_OUTPUT_BYTES` bytes of it, and whether it was cut."""
    text = data.decode("utf-8", errors="replace")
    encoded = text.encode("utf-8")
    if len(encoded) <= MAX_OUTPUT_BYTES:
        return text, False
    return encoded[:MAX_OUTPUT_BYTES].decode("utf-8", errors="ignore"), True


class RunFailed(Exception):
    """Raised by an executor for a run that failed with output: the shard ends in ``Error`` keeping it.

    A Go compute node reports a container that exits non-zero this way: a
    ``ComputeError`` whose ``RunOutput`` holds the exit code and both streams.
    """

    def __init__(self, message: str, *, stdout: str = "", stderr: str = "", exit_code: int = 1):
        super().__init__(message)
        self.run_output = run_output((stdout, stderr, exit_code), runner_error=message)


def failing_executor(exit_code: int = 1, stderr: str = "", shards: Any = None,
                     succeed: Executor = noop_executor) -> Executor:
    """An executor whose runs exit with ``exit_code`` writing ``stderr``, for trying failure paths.

    ``shards`` (a collection of shard indexes) limits the failures to those
    shards; the others run ``succeed``. ``devserver --fail-exit-code``,
    ``--fail-stderr`` and ``--fail-shards`` use it.
    """
    failing = None if shards is None else frozenset(shards)
    text = stderr or "simulated failure: exit code %d\n" % exit_code

    def executor(spec: ModelSpec, shard_index: int, volumes: Volumes) -> Any:
        if failing is not None and shard_index not in failing:
            return call_executor(succeed, spec, shard_index, volumes)
        raise RunFailed("exit code was not zero: %d" % exit_code, stderr=text, exit_code=exit_code)

    return executor
