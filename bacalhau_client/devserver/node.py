"""The local requester node: its identity, its lifecycle threads, starting and stopping."""

import collections
import copy
import threading
from typing import Any, Dict, List, Optional

from bacalhau_client._numbers import is_seconds, is_whole_number
from bacalhau_client.devserver import httpwire
from bacalhau_client.devserver.executor import Executor, noop_executor
from bacalhau_client.devserver.http_handler import NodeHTTPServer
from bacalhau_client.devserver.ids import compute_node_ids, fake_peer_id
from bacalhau_client.devserver.lifecycle import Lifecycle
from bacalhau_client.devserver.publisher import BlockStore
from bacalhau_client.devserver.server import ServerSettings
from bacalhau_client.devserver.record import JobRecord
from bacalhau_client.devserver.store import JobStore
from bacalhau_client.models import ModelJob
from bacalhau_client.models.enums import JobEventType
from bacalhau_client.models.job_state import short_id
from bacalhau_client.models.timestamp import Timestamp

DEFAULT_STEP_DELAY = 0.01
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024  # Go's MaxBytesToReadInBody
DEFAULT_LISTEN_BACKLOG = 1024  # the kernel may cap it (Linux: net.core.somaxconn)
DEFAULT_MAX_CONNECTIONS = 4096
DEFAULT_MAX_HANDLER_THREADS = 32
DEFAULT_MAX_HEADER_BYTES = httpwire.DEFAULT_MAX_HEADER_BYTES
DEFAULT_HEADER_TIMEOUT = 10.0  # Go's ReadHeaderTimeout
DEFAULT_READ_TIMEOUT = 20.0  # Go's ReadTimeout: the whole request, head and body
DEFAULT_IDLE_TIMEOUT = 20.0  # Go's IdleTimeout (it defaults to ReadTimeout)
DEFAULT_WRITE_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0


class LocalRequesterNode:
    """A Bacalhau requester node (API v1beta1) in this process, for trying the SDK and testing code.

    It speaks the real node's HTTP API on 127.0.0.1, checks signatures and
    jobs as the Go node does, and plays each job's life (bids, run,
    verification, publication) with simulated compute nodes. Nothing is run:
    ``executor`` decides each run's output (see
    :mod:`bacalhau_client.devserver.executor`); the default succeeds with no
    output, like Bacalhau's Noop executor. All state is in memory.

    >>> with LocalRequesterNode() as node:
    ...     client = Client(node.url)
    ...     job = client.submit(docker_job("ubuntu", ["echo", "hello"]))
    ...     client.wait(job.id)

    Options: ``port`` (0 picks a free one), ``host``, ``compute_nodes`` (how
    many simulated compute nodes bid; bids beyond the job's concurrency end
    Cancelled), ``step_delay`` (seconds between lifecycle steps),
    ``executor``, and the server's limits, Go's where Go has one:
    ``max_body_bytes`` (10 MiB; a larger body gets Go's 400 ``http: request
    body too large``), ``listen_backlog`` (1024), ``max_connections`` (4096;
    beyond, a new client replaces the oldest connection not being answered),
    ``max_handler_threads`` (32 threads answer; idle and slow connections
    hold none), ``max_header_bytes`` (1 MiB; more gets 431),
    ``header_timeout`` (10 s for a request's head), ``read_timeout`` (20 s
    for the whole request), ``idle_timeout`` (20 s between keep-alive
    requests), ``write_timeout`` (20 s without progress writing an answer).
    """

    def __init__(self, port: int = 0, host: str = "127.0.0.1", *, compute_nodes: int = 1,
                 step_delay: float = DEFAULT_STEP_DELAY, executor: Optional[Executor] = None,
                 max_body_bytes: int = DEFAULT_MAX_BODY_BYTES, listen_backlog: int = DEFAULT_LISTEN_BACKLOG,
                 max_connections: int = DEFAULT_MAX_CONNECTIONS,
                 max_handler_threads: int = DEFAULT_MAX_HANDLER_THREADS,
                 max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES, header_timeout: float = DEFAULT_HEADER_TIMEOUT,
                 read_timeout: float = DEFAULT_READ_TIMEOUT, idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
                 write_timeout: float = DEFAULT_WRITE_TIMEOUT):
        from bacalhau_client.signing import UserKey

        _check_number("port", port, 0, 65535)
        _check_number("compute_nodes", compute_nodes, 1, 1000)
        _check_seconds("step_delay", step_delay, allow_zero=True)
        if executor is not None and not callable(executor):
            raise ValueError("executor: must be callable as executor(spec, shard_index), got %r" % (executor,))
        _check_number("max_body_bytes", max_body_bytes, 1, 2 ** 40)
        _check_number("listen_backlog", listen_backlog, 1, 65535)
        _check_number("max_connections", max_connections, 1, 1_000_000)
        _check_number("max_handler_threads", max_handler_threads, 1, 1024)
        _check_number("max_header_bytes", max_header_bytes, 256, 2 ** 30)
        for name, seconds in (("header_timeout", header_timeout), ("read_timeout", read_timeout),
                              ("idle_timeout", idle_timeout), ("write_timeout", write_timeout)):
            _check_seconds(name, seconds)
        self.host = host
        self.step_delay = float(step_delay)
        self.executor: Executor = executor or noop_executor
        self.server_settings = ServerSettings(
            max_body_bytes=max_body_bytes, listen_backlog=listen_backlog, max_connections=max_connections,
            max_handler_threads=max_handler_threads, max_header_bytes=max_header_bytes,
            header_timeout=float(header_timeout), read_timeout=float(read_timeout),
            idle_timeout=float(idle_timeout), write_timeout=float(write_timeout))
        self.public_key: str = UserKey.generate().public_key  # a fresh key per node, like a new Go node
        self.node_id: str = fake_peer_id("Local", self.public_key)
        self.compute_node_ids: List[str] = compute_node_ids(compute_nodes)
        self.started_at = Timestamp.now()
        self.store = JobStore()
        self.blocks: Optional[BlockStore] = None  # results and contexts, while the node runs
        self._requested_port = port
        self._server: Optional[NodeHTTPServer] = None
        self._stopping = threading.Event()
        self._job_threads: List[threading.Thread] = []
        self._request_counts: "collections.Counter[str]" = collections.Counter()
        self._request_counts_lock = threading.Lock()

    @property
    def port(self) -> int:
        """The port the node listens on (known once started)."""
        return self._running_server().server_address[1]

    @property
    def url(self) -> str:
        """The node's base URL, e.g. ``http://127.0.0.1:53127``: pass it as the client's host."""
        host = self.host if ":" not in self.host else "[%s]" % self.host
        return "http://%s:%d" % (host, self.port)

    @property
    def gateway_url(self) -> str:
        """The base URL of the node's trustless IPFS gateway (``GET /ipfs/{cid}?format=car``): the node itself."""
        return self.url

    def _running_server(self) -> NodeHTTPServer:
        if self._server is None:
            raise RuntimeError("the local node is not running: call start() or use it in a with block")
        return self._server

    def start(self) -> "LocalRequesterNode":
        """Listen and serve in a background thread; returns the node."""
        if self._server is not None:
            raise RuntimeError("the local node is already running at %s" % self.url)
        self._stopping.clear()
        self.blocks = BlockStore()
        self._server = NodeHTTPServer((self.host, self._requested_port), self, self.server_settings)
        self._server.start()
        self.store.log("local node %s listening on %s" % (self.node_id, self.url))
        return self

    def stop(self) -> None:
        """Stop serving, close every connection and end the job threads (safe to call twice).

        Quiet and prompt whatever the clients do: idle, half-sent and slow
        connections are closed, answers being written are cut off.
        """
        server = self._server
        if server is None:
            return
        self._stopping.set()
        server.stop()
        with self.store.lock:
            job_threads, self._job_threads = self._job_threads, []
        for thread in job_threads:
            thread.join(STOP_TIMEOUT)
        self.blocks.close()
        self._server = None

    def serve_forever(self) -> None:
        """Run in the foreground (starting if needed) until interrupted (Ctrl-C), then stop."""
        if self._server is None:
            self.start()
        try:
            self._server.join()
        finally:
            self.stop()

    def server_thread_ids(self) -> List[int]:
        """The native IDs of the threads serving HTTP (to measure the server's CPU time); empty when stopped."""
        return self._server.connections.thread_ids() if self._server is not None else []

    def __enter__(self) -> "LocalRequesterNode":
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    @property
    def request_counts(self) -> "collections.Counter[str]":
        """How many requests the node received, by path (``/list``, ``/states``...): a copy.

        Every request counts, answered or refused; a ``/websocket`` connection
        counts once however long it stays open. Subtract two copies to count
        the requests made in between:

        >>> before = node.request_counts
        >>> outcomes = client.wait_all([job_id])
        >>> (node.request_counts - before)["/list"]
        """
        with self._request_counts_lock:
            return collections.Counter(self._request_counts)

    def count_request(self, path: str) -> None:
        """Count one request to ``path`` (the HTTP layer calls it for each request)."""
        with self._request_counts_lock:
            self._request_counts[path] += 1

    def jobs(self) -> List[ModelJob]:
        """Every stored job with its current state, oldest first: for assertions in tests."""
        with self.store.lock:
            return [ModelJob.from_wire(copy.deepcopy(record.stored_job())) for record in self.store.all()]

    def accept_job(self, job: Dict[str, Any]) -> JobRecord:
        """Store a verified job, record its ``Created`` event and start its life."""
        with self.store.lock:
            record = JobRecord(job, self.store.next_sequence(), self.public_key)
            self.store.add(record)
            record.emit(JobEventType.CREATED, self.node_id, APIVersion=job["APIVersion"],
                        ClientID=job["ClientID"], Spec=job["Spec"],
                        JobExecutionPlan=job["ExecutionPlan"], Deal=job["Deal"])
            lifecycle = Lifecycle(record, lock=self.store.lock, stopping=self._stopping,
                                  step_delay=self.step_delay, requester_id=self.node_id,
                                  compute_ids=self.compute_node_ids, executor=self.executor, log=self.store.log,
                                  blocks=self.blocks)
            thread = threading.Thread(target=lifecycle.run, name="bacalhau-local-job-%s" % short_id(record.job_id),
                                      daemon=True)
            self._job_threads = [item for item in self._job_threads if item.is_alive()] + [thread]
            thread.start()
        self.store.log("job %s submitted by client %s" % (record.job_id, job["ClientID"]))
        return record

    @property
    def max_body_bytes(self) -> int:
        """The largest request body the node reads (set when the node is made)."""
        return self.server_settings.max_body_bytes

    @max_body_bytes.setter
    def max_body_bytes(self, value: Any) -> None:
        raise AttributeError("max_body_bytes is set when the node is made: LocalRequesterNode(max_body_bytes=%r)"
                             % (value,))

    def __repr__(self) -> str:
        where = self.url if self._server is not None else "not running"
        return "LocalRequesterNode(%s, node_id=%r)" % (where, self.node_id)


def _check_seconds(name: str, value: Any, allow_zero: bool = False) -> None:
    if not is_seconds(value, zero=allow_zero):
        raise ValueError("%s: must be a number of seconds %s 0, got %r" % (name, ">=" if allow_zero else ">",
                                                                         value))


def _check_number(name: str, value: Any, low: int, high: int) -> None:
    if not is_whole_number(value, low, high):
        raise ValueError("%s: must be an integer from %d to %d, got %r" % (name, low, high, value))

