"""Job rules read from a job's state: its shards, whether it is finished, what failed, one-word progress.

These are the node's rules, written once for the high-level client, the CLI
and the local node. Each function takes a :class:`ModelJobState`, its wire
dict (``{"Nodes": {node_id: {"Shards": {"0": {...}}}}}``) or ``None``, and
reads it defensively: a node answer that parses as JSON but has ``null`` or
oddly typed parts (no nodes, ``null`` shards, non-integer shard keys, no
``RunOutput``) is read as far as it makes sense, never with a ``TypeError``.

>>> state = {"Nodes": {"QmNode": {"Shards": {"0": {"State": "Completed",
...                                                "RunOutput": {"stdout": "hello\\n", "exitCode": 0}}}}}}
>>> is_finished(state), summarize_state(state), completed_stdout(state)
(True, 'Completed', 'hello\\n')
"""

from typing import TYPE_CHECKING, Any, Dict, Iterator, List, NamedTuple, Optional, Tuple, Union

from bacalhau_client.models.enums import JobStateType

if TYPE_CHECKING:
    from bacalhau_client.models.model_job_state import ModelJobState

# What the functions below read: a job state model, its wire dict, or nothing (anything else reads as no shards).
JobStateLike = Union["ModelJobState", Dict[str, Any], None]

__all__ = [
    "FailedShard", "JOB_NOT_FOUND_CODE", "JobFailed", "JobStateLike", "SHORT_ID_LENGTH", "completed_stdout",
    "failed_shards", "is_finished", "iter_shards", "job_not_found_message", "list_state", "run_output",
    "shard_run_output", "shard_state", "short_id", "summarize_state",
]

# A job's short ID: the first characters of its ID, accepted wherever an ID is (Go's model.ShortIDLength).
SHORT_ID_LENGTH = 8
# The error-envelope code of /list and /submit for an unknown job.
JOB_NOT_FOUND_CODE = "error-job-not-found"
# Shard states in the order a live shard moves through them.
_PROGRESS = (JobStateType.BIDDING, JobStateType.WAITING, JobStateType.RUNNING, JobStateType.VERIFYING)
_FINAL = (JobStateType.COMPLETED, JobStateType.ERROR)
# The wire key of a shard's output (ModelJobShardState.run_output).
_RUN_OUTPUT = "RunOutput"


class FailedShard(NamedTuple):
    """One shard that ended in ``Error``: where, why, and what the run printed."""

    node_id: str
    shard_index: int
    status: str
    stderr: str
    exit_code: Optional[int]


def job_not_found_message(job_id: str) -> str:
    """The node's message for an unknown job ID, as /list, /states and the others write it."""
    return "Job not found. ID: %s" % job_id


def short_id(job_id: str) -> str:
    """The job's short ID, as the Go CLI shows it (an ID shorter than that is its own short ID)."""
    return job_id[:SHORT_ID_LENGTH]


def iter_shards(state: JobStateLike) -> Iterator[Tuple[str, int, Dict[str, Any]]]:
    """Every ``(node_id, shard_index, shard state wire dict)`` of a job state, in node and shard order.

    A node or shard that is not a JSON object is read as an empty one (a
    ``null`` shard is a shard with no state yet); a shard key that is not a
    decimal number takes the shard's own ``ShardIndex``, or -1.
    """
    nodes = _object(_wire(state).get("Nodes"))
    for node_id in sorted(nodes, key=str):
        shards = _object(_object(nodes[node_id]).get("Shards"))
        indexed = [(_shard_index(key, _object(shard)), str(key), _object(shard)) for key, shard in shards.items()]
        for index, _, shard in sorted(indexed, key=lambda item: item[:2]):
            yield str(node_id), index, shard


def shard_state(shard: Dict[str, Any]) -> Optional[str]:
    """A shard's ``State`` name, or ``None`` when it has none (or one that is not a string)."""
    value = shard.get("State")
    return value if isinstance(value, str) else None


def shard_run_output(shard: Dict[str, Any]) -> Dict[str, Any]:
    """A shard's ``RunOutput`` wire dict, or ``{}`` when it has none (or one that is not an object)."""
    return _object(shard.get(_RUN_OUTPUT))


def is_finished(state: JobStateLike) -> bool:
    """The node's rule: every shard not Cancelled is Completed or Error, and at least one is not Cancelled.

    That is when :func:`summarize_state` answers Completed or Error, so the rule is written there, once.
    """
    return summarize_state(state) in _FINAL


def failed_shards(state: JobStateLike) -> List[FailedShard]:
    """The shards of a job state that ended in ``Error``, with their status and what the run printed."""
    failed = []
    for node_id, index, shard in iter_shards(state):
        if shard_state(shard) == JobStateType.ERROR:
            output = shard_run_output(shard)
            failed.append(FailedShard(node_id, index, _text(shard.get("Status")), _text(output.get("stderr")),
                                      _integer(output.get("exitCode"))))
    return failed


def summarize_state(state: JobStateLike) -> str:
    """One word for a job's progress: Completed or Error when finished, else how far its live shards got.

    ``Submitted`` when no node has taken the job yet, ``Cancelled`` when every
    node gave it up.
    """
    states = [shard_state(shard) for _, _, shard in iter_shards(state)]
    live = [value for value in states if value != JobStateType.CANCELLED]
    if not live:
        return JobStateType.CANCELLED if states else "Submitted"
    if all(value in _FINAL for value in live):
        return JobStateType.ERROR if JobStateType.ERROR in live else JobStateType.COMPLETED
    reached = [_PROGRESS.index(value) for value in live if value in _PROGRESS]
    return _PROGRESS[max(reached)] if reached else JobStateType.RUNNING


def list_state(state: JobStateLike) -> str:
    """The ``bacalhau list`` STATE column: the shard state with the largest Go ordinal, else ``jobStateUnknown``.

    ``JobStateType.names`` lists the states in Go's order. Unlike
    :func:`summarize_state` this is Go's rule as it is, so ``Completed``
    outranks ``Error`` and a rejected bid's ``Cancelled`` outranks ``Running``.
    """
    order = JobStateType.names
    ranks = [order.index(value) for value in (shard_state(shard) for _, _, shard in iter_shards(state))
             if value in order]
    return order[max(ranks)] if ranks else "jobStateUnknown"


def completed_stdout(state: JobStateLike) -> str:
    """The standard output of the completed shards, joined in node and shard order."""
    return "".join(_text(shard_run_output(shard).get("stdout")) for _, _, shard in iter_shards(state)
                   if shard_state(shard) == JobStateType.COMPLETED)


def run_output(stdout: str = "", stderr: str = "", exit_code: int = 0, *, stdout_truncated: bool = False,
               stderr_truncated: bool = False, runner_error: str = "") -> Dict[str, Any]:
    """A shard's ``RunOutput`` wire dict, every key present, as a Go compute node reports it."""
    from bacalhau_client.models.model_run_command_result import ModelRunCommandResult

    return ModelRunCommandResult(stdout=stdout, stdouttruncated=stdout_truncated, stderr=stderr,
                                 stderrtruncated=stderr_truncated, exit_code=exit_code,
                                 runner_error=runner_error).to_wire()


def _wire(state: Any) -> Dict[str, Any]:
    to_wire = getattr(state, "to_wire", None)
    return _object(to_wire() if callable(to_wire) else state)


def _object(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _integer(value: Any) -> Optional[int]:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _shard_index(key: Any, shard: Dict[str, Any]) -> int:
    text = str(key)
    if text.isascii() and text.isdigit():
        return int(text)
    own = _integer(shard.get("ShardIndex"))
    return -1 if own is None else own


class JobFailed(Exception):
    """A job finished with at least one shard in ``Error``.

    ``job_id`` names the job, ``shards`` lists the :class:`FailedShard` s and
    ``state`` is the final :class:`ModelJobState`.
    """

    def __init__(self, job_id: str, shards: List[FailedShard], state: Optional["ModelJobState"] = None):
        self.job_id = job_id
        self.shards = shards
        self.state = state
        super().__init__(str(self))

    def __str__(self) -> str:
        reasons = "; ".join("shard %d on %s: %s" % (shard.shard_index, shard.node_id, shard.status or "Error")
                            for shard in self.shards)
        return ("job %s failed: %s" % (self.job_id, reasons)).replace("\n", " ")

    def __reduce__(self):
        return (type(self), (self.job_id, self.shards, self.state))
