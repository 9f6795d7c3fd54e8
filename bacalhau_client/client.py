"""The high-level client: submit a job, wait for it, read its output, in a few lines.

>>> from bacalhau_client import Client
>>> from bacalhau_client.jobs import docker_job
>>> with Client() as client:                     # BACALHAU_API_HOST/PORT, ~/.bacalhau/user_id.pem
...     job = client.submit(docker_job("ubuntu", ["echo", "hello"]))
...     client.wait(job.id)
...     print(client.stdout(job.id))

It is a thin layer over :class:`~bacalhau_client.JobApi`: every method is one
or a few API calls, and every error is the API's (:class:`ApiException`
subclasses), plus :class:`JobFailed` and ``TimeoutError`` from :meth:`Client.wait`.
"""

import copy
import os
import threading
from collections import abc
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterable, Iterator, List, Optional, Tuple, Union

from bacalhau_client._numbers import is_seconds, is_whole_number
from bacalhau_client.api import HealthApi, JobApi, MiscApi
from bacalhau_client.api_client import ApiClient
from bacalhau_client.configuration import Configuration
from bacalhau_client.exceptions import NotFoundError
from bacalhau_client.models import (
    ModelJob, ModelJobCreatePayload, ModelJobEvent, ModelJobLocalEvent, ModelJobState, ModelPublishedResult,
    PublicapiEventsRequest, PublicapiListRequest, PublicapiLocalEventsRequest, PublicapiStateRequest,
)
from bacalhau_client.models.job_state import (  # noqa: F401 (the job rules stay importable from here)
    SHORT_ID_LENGTH, FailedShard, JobFailed, completed_stdout, failed_shards, is_finished, iter_shards,
    job_not_found_message, summarize_state,
)

if TYPE_CHECKING:
    from bacalhau_client.following import JobEventStream


class Client:
    """Submit and follow jobs on one requester node, signing with one user key.

    ``host`` is the node's URL; without it, ``BACALHAU_API_HOST`` and
    ``BACALHAU_API_PORT`` name it, as for the ``bacalhau`` CLI. ``key`` is a
    :class:`~bacalhau_client.keys.UserKey`; without it, the CLI's own key
    (``$BACALHAU_DIR/user_id.pem``, created when missing) is loaded on first
    use. ``configuration`` sets timeouts, retries and TLS; ``host`` overrides
    its host. The low-level APIs stay available as ``jobs``, ``health``, ``misc``.
    """

    def __init__(self, host: Optional[str] = None, key: Any = None, *,
                 configuration: Optional[Configuration] = None):
        if configuration is None:
            configuration = Configuration(host=host) if host else Configuration.from_env()
        elif host:
            configuration = copy.copy(configuration)
            configuration.host = host.rstrip("/")
        self.configuration = configuration
        self.api_client = ApiClient(configuration)
        self.jobs = JobApi(self.api_client)
        self.health = HealthApi(self.api_client)
        self.misc = MiscApi(self.api_client)
        self._key = key
        self._key_lock = threading.Lock()

    @property
    def key(self):
        """The signing key (loaded, or created, on first use)."""
        with self._key_lock:
            if self._key is None:
                from bacalhau_client.keys import UserKey

                self._key = UserKey.default()
            return self._key

    @property
    def client_id(self) -> str:
        """This client's ID: the hash of its public key, as the node records it on each job."""
        return self.key.client_id

    def _known_client_id(self) -> str:
        # Lookups by job ID do not need a client ID, so they do not load (or create) a key for it.
        return self._key.client_id if self._key is not None else ""

    def submit(self, job: Union[ModelJob, ModelJobCreatePayload, Dict[str, Any]]) -> ModelJob:
        """Sign and submit a job; returns the job as the node stored it.

        ``job`` is a :class:`ModelJob` (as :mod:`bacalhau_client.jobs` builds
        them), a Job in wire form (``{"APIVersion": ..., "Spec": ..., "Deal": ...}``),
        or a whole payload (:class:`ModelJobCreatePayload`, or a dict with a ``Job`` key).
        """
        from bacalhau_client.signing import sign_submit_request

        if isinstance(job, dict) and not any(str(key).lower() == "job" for key in job):
            job = {"Job": job}
        return self.jobs.submit(sign_submit_request(job, self.key)).job

    def get(self, job_id: str) -> ModelJob:
        """One job, by ID or 8-character short ID, with its current state."""
        _check_job_id(job_id)
        jobs = self.jobs.list(PublicapiListRequest(client_id=self._known_client_id(), id=job_id, max_jobs=1)).jobs
        if not jobs:
            raise NotFoundError(400, message=job_not_found_message(job_id), method="POST", path="/list")
        return jobs[0]

    def list(self, limit: int = 10, all: bool = False, sort_by: str = "created_at",
             reverse: bool = True) -> List[ModelJob]:
        """This client's jobs (every client's with ``all=True``), newest first, at most ``limit``."""
        if not is_whole_number(limit, 1):
            raise ValueError("limit: must be an integer >= 1, got %r" % (limit,))
        if sort_by not in ("created_at", "id"):
            raise ValueError("sort_by: must be 'created_at' or 'id', got %r" % (sort_by,))
        request = PublicapiListRequest(client_id=self.client_id, max_jobs=limit, return_all=bool(all),
                                       sort_by=sort_by, sort_reverse=bool(reverse))
        return self.jobs.list(request).jobs or []

    def states(self, job_id: str) -> ModelJobState:
        """The job's state: for each node, each shard's state, output and results."""
        request = PublicapiStateRequest(client_id=self._known_client_id(), job_id=self._full_id(job_id))
        state = self.jobs.states(request).state
        # A node that answers `null` (or something else than an object) for the state has no shards to show.
        return state if isinstance(state, ModelJobState) else ModelJobState()

    def events(self, job_id: str) -> List[ModelJobEvent]:
        """The job's events, in the order they happened."""
        request = PublicapiEventsRequest(client_id=self._known_client_id(), job_id=self._full_id(job_id))
        return self.jobs.events(request).events or []

    def local_events(self, job_id: str) -> List[ModelJobLocalEvent]:
        """What the node itself decided about the job (selected, bid, accepted, verified)."""
        request = PublicapiLocalEventsRequest(client_id=self._known_client_id(), job_id=self._full_id(job_id))
        return self.jobs.local_events(request).local_events or []

    def results(self, job_id: str) -> List[ModelPublishedResult]:
        """Where each shard's results were published (one entry per published shard)."""
        request = PublicapiStateRequest(client_id=self._known_client_id(), job_id=self._full_id(job_id))
        return self.jobs.results(request).results or []

    def wait(self, job_id: str, timeout: float = 600, poll_interval: float = 0.5) -> ModelJobState:
        """Wait until the job finishes; return its final state.

        Listens on the node's websocket and asks ``/states`` only when an
        event may have ended the job; on a node without the websocket it
        polls ``/states`` every ``poll_interval`` seconds. Raises
        :class:`JobFailed` when a shard ended in ``Error`` and ``TimeoutError``
        when ``timeout`` seconds pass first (each request's timeout is cut to
        the time left, so a slow node cannot stretch the wait).
        """
        from bacalhau_client.following import wait_for_job

        _check_seconds("timeout", timeout)
        _check_seconds("poll_interval", poll_interval)
        return wait_for_job(self, self._full_id(job_id), timeout, poll_interval)

    def follow(self, job_id: Optional[str] = None, *, timeout: Optional[float] = None,
               poll_interval: float = 0.5) -> "JobEventStream":
        """The job's events as they happen (stored ones first), ending when the job finishes.

        Without ``job_id``: every new event on the node, until ``close()``.
        Returns a :class:`~bacalhau_client.following.JobEventStream` (an
        iterator and a context manager); its ``transport`` says whether the
        events come over the node's websocket or by polling ``/events``. With
        ``timeout``, iterating raises ``TimeoutError`` once it has passed.

        >>> with client.follow(job_id) as events:       # a finished job: its stored events, then the end
        ...     for event in events:
        ...         print(event.event_name)
        Created
        Bid
        BidAccepted
        ResultsProposed
        ResultsAccepted
        ResultsPublished
        """
        from bacalhau_client.following import JobEventStream

        if timeout is not None:
            _check_seconds("timeout", timeout)
        _check_seconds("poll_interval", poll_interval)
        job_id = None if job_id is None else self._full_id(job_id)
        return JobEventStream(self, job_id, timeout=timeout, poll_interval=poll_interval)

    def as_completed(self, job_ids: Iterable[str], *, timeout: Optional[float] = None,
                     poll_interval: float = 0.5) -> Iterator[Tuple[str, Union[ModelJobState, JobFailed]]]:
        """``(job_id, outcome)`` for each job as it finishes; the outcome is its final state or a :class:`JobFailed`.

        One ``/list`` request per ``poll_interval`` covers every job (this
        client's own jobs; ``/states`` only for jobs the list does not reach),
        however many there are. Raises ``TimeoutError`` naming how many jobs
        are unfinished once ``timeout`` seconds have passed.

        >>> ids = [client.submit(docker_job("ubuntu", ["echo", word])).id for word in ("one", "two")]
        >>> for job_id, outcome in client.as_completed(ids, timeout=3600):
        ...     print(job_id, "failed" if isinstance(outcome, JobFailed) else "done")
        """
        from bacalhau_client.following import iter_completed

        job_ids = _check_job_ids(job_ids)
        if timeout is not None:
            _check_seconds("timeout", timeout)
        _check_seconds("poll_interval", poll_interval)
        return iter_completed(self, job_ids, timeout, poll_interval)

    def wait_all(self, job_ids: Iterable[str], *, timeout: Optional[float] = None,
                 poll_interval: float = 0.5) -> Dict[str, Union[ModelJobState, JobFailed]]:
        """Wait for every job: ``{job_id: final state or JobFailed}`` in the order given.

        As :meth:`as_completed` (one ``/list`` per interval for all of them),
        collected; failures are values, not raised.
        """
        job_ids = _check_job_ids(job_ids)
        outcomes = dict(self.as_completed(job_ids, timeout=timeout, poll_interval=poll_interval))
        return {job_id: outcomes[job_id] for job_id in job_ids}

    def stdout(self, job_id: str) -> str:
        """The standard output of the job's completed shards, joined in node and shard order."""
        return completed_stdout(self.states(job_id))

    def download(self, job_id: str, dest: Union[str, "os.PathLike[str]", None] = None, *,
                 gateway: Optional[str] = None, timeout: Optional[float] = None) -> Path:
        """Download every shard's results, verified, in the layout of ``bacalhau get``; returns the folder.

        ``dest`` defaults to ``job-<short ID>`` in the current folder and must
        not exist (or be empty). ``gateway`` is a trustless IPFS gateway's URL
        (default: ``Configuration.ipfs_gateway``, ``$BACALHAU_IPFS_GATEWAY``,
        the node itself when it serves ``/ipfs/`` as the local node does, else
        :data:`bacalhau_client.ipfs.DEFAULT_GATEWAY`). ``timeout`` bounds each
        CID's download (300 s). See :mod:`bacalhau_client.results`.
        """
        from bacalhau_client.results import download_results

        return download_results(self, job_id, dest, gateway=gateway, timeout=timeout)

    def _full_id(self, job_id: str) -> str:
        """The full job ID: a short ID is resolved through ``/list``, which is the endpoint that accepts it."""
        _check_job_id(job_id)
        return self.get(job_id).id if len(job_id) == SHORT_ID_LENGTH else job_id

    def close(self) -> None:
        """Release the connections."""
        self.api_client.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return "Client(host=%r)" % self.configuration.host


def _check_seconds(name: str, value: Any) -> None:
    if not is_seconds(value):
        raise ValueError("%s: must be a number of seconds > 0, got %r" % (name, value))


def _check_job_ids(job_ids: Any) -> List[str]:
    """The job IDs as a list without repeats; ``ValueError`` naming the first bad one."""
    if isinstance(job_ids, (str, bytes)) or not isinstance(job_ids, abc.Iterable):
        raise ValueError("job_ids: expected a list of job IDs, got %s %r" % (type(job_ids).__name__, job_ids))
    checked: Dict[str, None] = {}
    for index, job_id in enumerate(job_ids):
        _check_job_id(job_id, "job_ids[%d]" % index)
        checked[job_id] = None
    return list(checked)


def _check_job_id(job_id: Any, name: str = "job_id") -> None:
    if not isinstance(job_id, str) or not job_id.strip():
        raise ValueError("%s: must be a non-empty job ID or 8-character short ID, got %r" % (name, job_id))
