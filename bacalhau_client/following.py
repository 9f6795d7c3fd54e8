"""Following jobs: live events over the node's ``/websocket``, and waiting on one job or many.

The node pushes every ``JobEvent`` over ``GET /websocket`` as it happens
(``?job_id=ID``: that job's stored events first, then its new ones; no
``job_id``: every new event on the node). :class:`JobEventStream` reads it,
reconnects when the connection drops and fills the gap from ``/events``,
skipping what it already gave; on a node without the route it polls
``/events`` instead. :func:`wait_for_job` waits on the same socket and asks
``/states`` only when an event may have ended the job. :func:`iter_completed`
waits on many jobs with one ``/list`` request per interval for all of them.

The methods of :class:`~bacalhau_client.Client` (``follow``, ``wait``,
``wait_all``, ``as_completed``) are the public face of this module; see
``docs/Following.md``. ``websocket-client`` is imported only here, when a
websocket is opened.
"""

import json
import math
import ssl
import threading
import time
from collections import OrderedDict
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union
from urllib.parse import urlencode, urlsplit, urlunsplit

from bacalhau_client.models.job_state import (
    SHORT_ID_LENGTH, JobFailed, failed_shards, is_finished, iter_shards, short_id, summarize_state,
)
from bacalhau_client.exceptions import ApiConnectionError, ApiDecodeError, ApiTimeoutError, exception_for_status
from bacalhau_client.models import (
    ModelJob, ModelJobEvent, ModelJobState, PublicapiEventsRequest, PublicapiListRequest, PublicapiStateRequest,
)
from bacalhau_client.models.enums import JobEventType, JobStateType
from bacalhau_client.models.timestamp import Timestamp

WEBSOCKET_PATH = "/websocket"
# Events after which a shard may be in a final state: only these make a follower ask /states.
FINAL_EVENT_NAMES = frozenset({
    JobEventType.BID_REJECTED, JobEventType.BID_CANCELLED, JobEventType.COMPUTE_ERROR,
    JobEventType.RESULTS_REJECTED, JobEventType.RESULTS_PUBLISHED, JobEventType.ERROR,
    JobEventType.INVALID_REQUEST,
})
# A job's websocket quiet for this long: ask /states anyway, in case the deciding event was missed.
RECHECK_SECONDS = 5.0
# Seconds before each reconnection attempt; after the last one fails, the follower polls instead.
RECONNECT_WAITS = (0.1, 0.5, 1.0, 2.0)
DEFAULT_POLL_INTERVAL = 0.5
# /list is asked for at most this many jobs; jobs it does not reach are asked for one by one on /states.
MAX_LIST_JOBS = 10000
# After a dropped connection, an every-job stream fills the gap from /events of this many recent jobs.
CATCH_UP_JOBS = 100
# Events remembered to skip repeats; an every-job stream forgets the oldest beyond this.
REMEMBERED_EVENTS = 100000
# urllib3 refuses a timeout of 0; a request begun right at the deadline gets this.
_SHORTEST_TIMEOUT = 0.001

Outcome = Union[ModelJobState, JobFailed]


class _Refused(Exception):
    """The node answered the upgrade with an HTTP status: it serves no websocket there."""

    def __init__(self, status: int, reason: str, headers: Any, body: str):
        super().__init__("HTTP %d" % status)
        self.status, self.reason, self.headers, self.body = status, reason, headers, body


class _NoLibrary(_Refused):
    """``websocket-client`` is not installed: a job can still be followed by polling."""

    def __init__(self):
        super().__init__(0, "", {}, "")


class _Dropped(Exception):
    """The websocket could not be opened, or it closed or broke."""


def may_end_job(wire: Dict[str, Any]) -> bool:
    """Whether an event (a wire dict) may have put a shard in a final state."""
    name = wire.get("EventName")
    return isinstance(name, str) and name in FINAL_EVENT_NAMES


def websocket_url(host: str, job_id: Optional[str]) -> str:
    """The ``ws://`` (``wss://`` for https) URL of the node's event stream, for one job or every job."""
    parts = urlsplit(host)
    scheme = "wss" if parts.scheme == "https" else "ws"
    query = urlencode({"job_id": job_id}) if job_id else ""
    return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/") + WEBSOCKET_PATH, query, ""))


def _connection_options(client) -> Dict[str, Any]:
    """``websocket.create_connection`` keywords that match the client's TLS, proxy and headers."""
    configuration = client.configuration
    if configuration.verify_ssl:
        sslopt: Dict[str, Any] = {"cert_reqs": ssl.CERT_REQUIRED, "ca_certs": configuration.ca_certs}
    else:
        sslopt = {"cert_reqs": ssl.CERT_NONE, "check_hostname": False}
    if configuration.cert_file:
        sslopt["certfile"] = configuration.cert_file
        if configuration.key_file:
            sslopt["keyfile"] = configuration.key_file
    if configuration.assert_hostname is False:
        sslopt["check_hostname"] = False
    elif isinstance(configuration.assert_hostname, str):
        sslopt["server_hostname"] = configuration.assert_hostname
    options: Dict[str, Any] = {
        "sslopt": sslopt, "enable_multithread": True,
        "header": ["%s: %s" % item for item in client.api_client.default_headers.items()],
    }
    if configuration.proxy:
        proxy = urlsplit(configuration.proxy)
        options.update(http_proxy_host=proxy.hostname, http_proxy_port=proxy.port or 80, proxy_type="http")
    return options


class _WebSocketFeed:
    """One subscription to the node's websocket: connect, receive a parsed event, close; reconnectable."""

    def __init__(self, client, job_id: Optional[str]):
        self.url = websocket_url(client.configuration.host, job_id)
        self.options = _connection_options(client)
        self._socket = None
        self._received = 0

    def connect(self, timeout: float) -> None:
        """Open the websocket; ``_Refused`` when the node answers with a status, ``_Dropped`` when it cannot."""
        try:
            import websocket
        except ImportError:
            raise _NoLibrary() from None

        self.close()
        try:
            self._socket = websocket.create_connection(self.url, timeout=max(timeout, _SHORTEST_TIMEOUT),
                                                       **self.options)
        except websocket.WebSocketBadStatusException as error:
            body = error.resp_body.decode("utf-8", "replace") if isinstance(error.resp_body, bytes) else ""
            raise _Refused(error.status_code, "", error.resp_headers or {}, body) from None
        except (websocket.WebSocketException, OSError, ValueError) as error:
            raise _Dropped(str(error) or type(error).__name__) from None

    def receive(self, timeout: float) -> Optional[Dict[str, Any]]:
        """The next event as a wire dict; ``None`` when ``timeout`` seconds pass first; ``_Dropped`` at the end."""
        import websocket

        sock = self._socket
        if sock is None:
            raise _Dropped("not connected")
        try:
            sock.settimeout(max(timeout, _SHORTEST_TIMEOUT))
            message = sock.recv()
        except websocket.WebSocketTimeoutException:
            return None
        except (websocket.WebSocketException, OSError, ValueError, AttributeError) as error:
            # AttributeError: the socket was closed under recv() by close() from another thread.
            self.close()
            raise _Dropped(str(error) or type(error).__name__) from None
        if not message:  # a Close frame
            self.close()
            raise _Dropped("the node closed the websocket")
        self._received += 1
        try:
            event = json.loads(message)
        except ValueError as error:
            event, problem = None, str(error)
        else:
            problem = "not a JSON object"
        if not isinstance(event, dict):
            raise ApiDecodeError(message="message %d from %s is not a JobEvent: %s" % (
                self._received, WEBSOCKET_PATH, problem), method="GET", path=WEBSOCKET_PATH)
        return event

    def abort(self) -> None:
        """Break the connection from any thread: a ``receive`` in progress ends with ``_Dropped``."""
        sock = self._socket
        if sock is not None:
            sock.abort()

    def close(self) -> None:
        """Close the connection (without waiting for the node's Close answer)."""
        sock, self._socket = self._socket, None
        if sock is not None:
            sock.shutdown()


class _Clock:
    """A follower's deadline: how long each wait and request may take, and the ``TimeoutError`` at the end."""

    def __init__(self, client, timeout: Optional[float], describe):
        self.timeout = timeout
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.describe = describe  # () -> the TimeoutError's text
        # The transport bounds each call by this (the deadline, else the timeout's); None: unbounded.
        self.longest_request = client.api_client.rest_client.default_budget or math.inf

    def left(self, cap: float) -> float:
        """Seconds to wait now: at most ``cap``, at most the time left; ``TimeoutError`` when none is left."""
        if self.deadline is None:
            return cap
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(self.describe())
        return min(cap, remaining)

    def call(self, method, request):
        """Call an API method with its timeout cut to the time left; a timeout at the deadline is ``TimeoutError``."""
        remaining = self.left(math.inf)
        if remaining >= self.longest_request:
            return method(request)  # the configured timeouts end the call in time
        try:
            return method(request, _request_timeout=max(remaining, _SHORTEST_TIMEOUT))
        except ApiTimeoutError as error:
            if self.deadline - time.monotonic() <= 0.05:
                raise TimeoutError(self.describe()) from error
            raise


class _SeenEvents:
    """The events already given to the caller, by their exact content, forgetting the oldest past a limit."""

    def __init__(self, limit: int):
        self.limit = limit
        self._keys: "OrderedDict[str, None]" = OrderedDict()

    def add(self, wire: Dict[str, Any]) -> bool:
        """Remember an event; ``False`` when it was already given."""
        key = json.dumps(wire, sort_keys=True, separators=(",", ":"))
        if key in self._keys:
            return False
        self._keys[key] = None
        if len(self._keys) > self.limit:
            self._keys.popitem(last=False)
        return True


class _StateWatch:
    """When to ask ``/states`` about a job whose events are being read, and what it answered.

    Asked after an event that may end a shard, and after ``RECHECK_SECONDS``
    without one. A node may record an event before the state shows it: when
    the answer does not show the shard that event ended yet, it is asked
    again once, ``poll_interval`` later.
    """

    def __init__(self, client, job_id: str, clock: _Clock, poll_interval: float):
        self.state = ModelJobState()
        self._call = lambda: clock.call(client.jobs.states, PublicapiStateRequest(
            client_id=client._known_client_id(), job_id=job_id))
        self._poll_interval = poll_interval
        self._next = time.monotonic() + RECHECK_SECONDS

    def seconds_to_next(self) -> float:
        """Seconds until the next check is due (0 when it is)."""
        return max(0.0, self._next - time.monotonic())

    def due(self) -> bool:
        """Whether the next check is due."""
        return time.monotonic() >= self._next

    def check(self, event: Optional[Dict[str, Any]] = None) -> bool:
        """Ask ``/states`` (``event``: the event that prompted it); whether the job is finished."""
        self.state = self._call().state or ModelJobState()
        if is_finished(self.state):
            return True
        lagging = event is not None and not _shows_final_shard(event, self.state)
        self._next = time.monotonic() + (self._poll_interval if lagging else RECHECK_SECONDS)
        return False


def _connect_after(feed: _WebSocketFeed, clock: _Clock, waits: Sequence[float], connect_timeout: float,
                   pause: Callable[[float], Any] = time.sleep) -> bool:
    """Open ``feed``, trying again after each of ``waits`` in turn while it cannot be opened.

    ``False`` to give up (and poll): the node refused the websocket, every
    attempt failed, or ``pause`` (which waits) answered true, as a set
    ``threading.Event`` does when the follower is closed.
    """
    for wait in waits:
        if pause(clock.left(wait)):
            return False
        try:
            feed.connect(clock.left(connect_timeout))
            return True
        except _Refused:
            return False
        except _Dropped:
            continue
    return False


def _shows_final_shard(event: Dict[str, Any], state: ModelJobState) -> bool:
    """Whether ``state`` shows the shard an event may have ended in a final state."""
    node_id = event.get("TargetNodeID") or event.get("SourceNodeID")
    for shard_node_id, index, shard in iter_shards(state):
        if shard_node_id == node_id and index == event.get("ShardIndex", 0):
            return shard.get("State") in JobStateType.TERMINAL
    return False


class JobEventStream:
    """The events of one job (or of every job) as they happen: an iterator of :class:`ModelJobEvent`.

    Made by :meth:`Client.follow`. For a job it gives the stored events
    first, then each new one, and ends after the job reaches its final state
    (``final_state`` then holds that :class:`ModelJobState`). Without a job it
    gives every new event on the node until :meth:`close`. ``transport`` says
    how the events come: ``"websocket"``, or ``"polling"`` (``/events`` every
    ``poll_interval`` seconds) on a node without ``/websocket``, or after the
    websocket failed to reconnect. A dropped connection is reopened after the
    waits in ``reconnect_waits``; the events missed meanwhile are read from
    ``/events``, and an event is never given twice (events identical to the
    byte count as one). With ``timeout``, iterating raises ``TimeoutError``
    once that many seconds have passed since the stream was made.

    >>> with client.follow(job_id, timeout=600) as events:
    ...     for event in events:
    ...         print(event.event_name)
    """

    def __init__(self, client, job_id: Optional[str] = None, *, timeout: Optional[float] = None,
                 poll_interval: float = DEFAULT_POLL_INTERVAL):
        self.job_id = job_id
        self.poll_interval = poll_interval
        self.reconnect_waits: Sequence[float] = RECONNECT_WAITS
        self.transport: Optional[str] = None
        self.final_state: Optional[ModelJobState] = None
        self._client = client
        self._clock = _Clock(client, timeout, self._timeout_message)
        self._seen = _SeenEvents(REMEMBERED_EVENTS)
        self._given = 0
        self._recent_jobs: "OrderedDict[str, None]" = OrderedDict()
        self._earliest: Optional[Tuple[Any, int]] = None  # the first and latest EventTime given (every job)
        self._latest: Optional[Tuple[Any, int]] = None
        self._closed = threading.Event()
        self._feed = _WebSocketFeed(client, job_id)
        self._watch = None if job_id is None else _StateWatch(client, job_id, self._clock, poll_interval)
        self._open()
        self._events = self._generate()

    def _timeout_message(self) -> str:
        what = "job %s did not finish" % self.job_id if self.job_id else "following every job: stopped"
        return "%s within %g s (%d events followed)" % (what, self._clock.timeout, self._given)

    def _open(self) -> None:
        """Connect the websocket, or choose polling when the node refuses it."""
        try:
            self._feed.connect(self._clock.left(self._connect_timeout()))
            self.transport = "websocket"
        except _NoLibrary:
            if self.job_id is None:
                raise ApiConnectionError(message="following every job needs the websocket-client package "
                                                 "(pip install websocket-client)", method="GET",
                                         path=WEBSOCKET_PATH) from None
            self.transport = "polling"
        except _Refused as refused:
            if self.job_id is None:  # /events needs a job ID: there is nothing to poll for every job
                raise exception_for_status(refused.status, refused.reason, refused.headers, refused.body,
                                           "GET", WEBSOCKET_PATH) from None
            self.transport = "polling"
        except _Dropped as dropped:
            if self.job_id is None:
                raise ApiConnectionError(message="cannot open %s: %s" % (self._feed.url, dropped),
                                         method="GET", path=WEBSOCKET_PATH) from None
            self.transport = "polling"  # the first /events request reports what is wrong, as any call would

    def _connect_timeout(self) -> float:
        connect = self._client.api_client.rest_client.default_timeout.connect_timeout
        return connect if isinstance(connect, (int, float)) and connect > 0 else 10.0

    def __iter__(self) -> "JobEventStream":
        return self

    def __next__(self) -> ModelJobEvent:
        if self._closed.is_set():
            raise StopIteration
        return next(self._events)

    def close(self) -> None:
        """Stop following (from any thread): the iteration ends and the connection is closed."""
        self._closed.set()
        self._feed.abort()
        try:
            self._events.close()
        except ValueError:
            return  # another thread is inside next(): it sees the closed flag, ends and closes the socket
        self._feed.close()

    def __enter__(self) -> "JobEventStream":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return "JobEventStream(job_id=%r, transport=%r)" % (self.job_id, self.transport)

    def _generate(self) -> Iterator[ModelJobEvent]:
        try:
            if self.transport == "websocket":
                yield from self._from_websocket()
            if self.transport == "polling" and not self._closed.is_set() and self.final_state is None:
                yield from self._from_polling()
        finally:
            self._feed.close()

    def _from_websocket(self) -> Iterator[ModelJobEvent]:
        watch = self._watch
        while not self._closed.is_set():
            try:
                wire = self._feed.receive(self._clock.left(RECHECK_SECONDS if watch is None
                                                           else watch.seconds_to_next()))
            except _Dropped:
                if self._closed.is_set():
                    return
                # Subscribed again first, then /events: an event is then in one or the other, or both.
                reconnected = self._reconnect()
                yield from self._catch_up()
                if watch is not None and self._finished(watch.check()):
                    yield from self._catch_up()
                    return
                if not reconnected:
                    if watch is None:  # /events needs a job ID: an every-job stream cannot poll
                        raise ApiConnectionError(message="the websocket %s closed and could not be reopened"
                                                 % self._feed.url, method="GET", path=WEBSOCKET_PATH)
                    self.transport = "polling"
                    return
                continue
            if wire is not None and self._seen.add(wire):
                yield self._given_event(wire)
            if watch is None:
                continue
            deciding = wire is not None and may_end_job(wire)
            if (deciding or watch.due()) and self._finished(watch.check(wire if deciding else None)):
                yield from self._catch_up()
                return

    def _reconnect(self) -> bool:
        """Open the websocket again after the waits of ``reconnect_waits``; ``False`` to give up and poll."""
        return _connect_after(self._feed, self._clock, self.reconnect_waits, self._connect_timeout(),
                              self._closed.wait)

    def _from_polling(self) -> Iterator[ModelJobEvent]:
        watch = self._watch
        deciding: Optional[Dict[str, Any]] = {}  # the deciding event may have been given already: check at once
        while not self._closed.is_set():
            for event in self._catch_up():
                if may_end_job(event.to_wire()):
                    deciding = event.to_wire()
                yield event
            if (deciding is not None or watch.due()) and self._finished(watch.check(deciding or None)):
                yield from self._catch_up()
                return
            deciding = None
            if self._closed.wait(self._clock.left(self.poll_interval)):
                return

    def _catch_up(self) -> Iterator[ModelJobEvent]:
        """The events ``/events`` holds that were not given yet, in the node's order.

        An every-job stream asks for the jobs it saw events of and the jobs
        created since its latest event, and skips events older than its first.
        """
        if self.job_id is not None:
            job_ids = [self.job_id]
        else:
            job_ids = list(self._recent_jobs) + self._jobs_created_since(self._latest)
        for job_id in job_ids:
            request = PublicapiEventsRequest(client_id=self._client._known_client_id(), job_id=job_id)
            for event in self._clock.call(self._client.jobs.events, request).events or []:
                wire = event.to_wire()
                if self.job_id is None and _before(wire.get("EventTime"), self._earliest):
                    continue  # it happened before this stream began
                if self._seen.add(wire):
                    yield self._given_event(wire)

    def _jobs_created_since(self, moment: Optional[Tuple[Any, int]]) -> List[str]:
        """IDs of the newest jobs on the node (any client's) created at or after ``moment``, not seen yet."""
        if moment is None:
            return []
        request = PublicapiListRequest(client_id=self._client._known_client_id(), return_all=True,
                                       max_jobs=CATCH_UP_JOBS, sort_by="created_at", sort_reverse=True)
        jobs = self._clock.call(self._client.jobs.list, request).jobs or []
        return [job.id for job in jobs if isinstance(job.id, str) and job.id not in self._recent_jobs
                and not _before(job.to_wire().get("CreatedAt"), moment)]

    def _given_event(self, wire: Dict[str, Any]) -> ModelJobEvent:
        self._given += 1
        if self.job_id is None:
            moment = _moment(wire.get("EventTime"))
            if moment is not None:
                self._earliest = moment if self._earliest is None else min(self._earliest, moment)
                self._latest = moment if self._latest is None else max(self._latest, moment)
            if isinstance(wire.get("JobID"), str):
                self._recent_jobs.pop(wire["JobID"], None)
                self._recent_jobs[wire["JobID"]] = None
                if len(self._recent_jobs) > CATCH_UP_JOBS:
                    self._recent_jobs.popitem(last=False)
        return ModelJobEvent.from_wire(wire)

    def _finished(self, finished: bool) -> bool:
        """Keep the final state once the job's watch reports it finished."""
        if finished:
            self.final_state = self._watch.state
        return finished


def _moment(value: Any) -> Optional[Tuple[Any, int]]:
    """A timestamp as a comparable (whole-second aware datetime, nanoseconds); ``None`` when it is not one."""
    if not isinstance(value, str):
        return None
    stamp = Timestamp(value)
    try:
        return stamp.datetime.replace(microsecond=0), stamp.nanosecond
    except (ValueError, OverflowError):
        return None


def _before(value: Any, moment: Optional[Tuple[Any, int]]) -> bool:
    """Whether a timestamp is known to be earlier than ``moment`` (unknown times are not)."""
    stamp = _moment(value)
    return stamp is not None and moment is not None and stamp < moment


def job_outcome(job_id: str, state: ModelJobState) -> Outcome:
    """The final state, or a :class:`JobFailed` when a shard ended in ``Error``."""
    failed = failed_shards(state)
    return JobFailed(job_id, failed, state) if failed else state


def wait_for_job(client, job_id: str, timeout: float, poll_interval: float,
                 reconnect_waits: Sequence[float] = RECONNECT_WAITS) -> ModelJobState:
    """Wait for one job on its websocket (``/states`` only when an event may have ended it), else by polling.

    Returns the final state; raises :class:`JobFailed` or ``TimeoutError``
    (within ``timeout`` plus one request's margin: each request's timeout is
    cut to the time left).
    """
    clock = _Clock(client, timeout, lambda: "job %s did not finish within %g s (now %s)" % (
        job_id, timeout, summarize_state(watch.state)))  # the watch is made next, before the clock is read
    watch = _StateWatch(client, job_id, clock, poll_interval)
    feed = _WebSocketFeed(client, job_id)
    waits = (0.0,) + tuple(reconnect_waits)  # the first attempt at once; polling once they all fail
    try:
        finished = watch.check()
        connected = not finished and _connect_after(feed, clock, waits, RECHECK_SECONDS)
        while not finished:
            if not connected:
                time.sleep(clock.left(poll_interval))
                finished = watch.check()
                continue
            try:
                event = feed.receive(clock.left(watch.seconds_to_next()))
            except _Dropped:
                finished = watch.check()  # events may have passed unseen
                connected = not finished and _connect_after(feed, clock, waits, RECHECK_SECONDS)
                continue
            deciding = event is not None and may_end_job(event)
            if deciding or watch.due():
                finished = watch.check(event if deciding else None)
    finally:
        feed.close()
    outcome = job_outcome(job_id, watch.state)
    if isinstance(outcome, JobFailed):
        raise outcome
    return outcome


def iter_completed(client, job_ids: Sequence[str], timeout: Optional[float],
                   poll_interval: float) -> Iterator[Tuple[str, Outcome]]:
    """``(job_id, final state or JobFailed)`` for each job as it finishes: one ``/list`` per interval for all.

    ``/list`` returns the client's own jobs, newest first, each with its
    state; ``max_jobs`` starts at the number of jobs waited on and doubles
    (up to :data:`MAX_LIST_JOBS`) while a full answer leaves some out. Jobs a
    list that is not full leaves out (another client's) are asked for on
    ``/states``. ``TimeoutError`` names how many jobs are unfinished.
    """
    pending: "OrderedDict[str, Optional[str]]" = OrderedDict((job_id, None) for job_id in job_ids)
    total = len(pending)
    clock = _Clock(client, timeout, lambda: "%d of %d jobs did not finish within %g s" % (len(pending), total, timeout))
    client_id = _own_client_id(client)
    window = max(1, min(total, MAX_LIST_JOBS))
    while pending:
        states: Dict[str, ModelJobState] = {}
        uncovered = list(pending)
        if client_id:
            request = PublicapiListRequest(client_id=client_id, max_jobs=window, sort_by="created_at",
                                           sort_reverse=True)
            jobs: List[ModelJob] = clock.call(client.jobs.list, request).jobs or []
            uncovered = _match_listed(pending, jobs, states)
            if uncovered and len(jobs) >= window and window < MAX_LIST_JOBS:
                window = min(window * 2, MAX_LIST_JOBS)  # newer jobs pushed some out: look further next time
                uncovered = []
        for given in uncovered:
            if pending[given] is None:
                pending[given] = client._full_id(given)
            request = PublicapiStateRequest(client_id=client._known_client_id(), job_id=pending[given])
            states[given] = clock.call(client.jobs.states, request).state or ModelJobState()
        for given in list(pending):
            state = states.get(given)
            if state is not None and is_finished(state):
                full_id = pending.pop(given)
                yield given, job_outcome(full_id, state)
        if pending:
            time.sleep(clock.left(poll_interval))


def _match_listed(pending: "OrderedDict[str, Optional[str]]", jobs: List[ModelJob],
                  states: Dict[str, ModelJobState]) -> List[str]:
    """Put the listed state of each pending job (by ID or short ID) into ``states``; the IDs not listed."""
    by_id = {job.id: job for job in jobs if isinstance(job.id, str)}
    by_short_id = {short_id(job_id): job for job_id, job in by_id.items()}
    uncovered = []
    for given in pending:
        job = by_id.get(given) or (by_short_id.get(given) if len(given) == SHORT_ID_LENGTH else None)
        if job is None:
            uncovered.append(given)
        else:
            pending[given] = job.id
            states[given] = job.job_state or ModelJobState()
    return uncovered


def _own_client_id(client) -> str:
    """The client ID whose jobs ``/list`` returns: the client's key, or the CLI's key file if there is one.

    Waiting never creates a key: without one, every job is asked for on ``/states``.
    """
    if client._key is not None:
        return client.client_id
    from bacalhau_client.keys import default_key_path

    return client.client_id if default_key_path().is_file() else ""
