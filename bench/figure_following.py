"""Figure 7: following jobs -- requests to the node while waiting on many jobs, and event latency.

Both sides of each comparison run in this process against one local node,
whose own request counter (``LocalRequesterNode.request_counts``) counts:

- waiting on N running jobs with ``Client.wait_all`` (one ``/list`` per
  interval) vs one ``/states`` poll loop per job, as ``Client.wait`` polled
  before it listened on the websocket (measured on a sample of jobs, scaled to N);
- event latency, from the event's own ``EventTime`` (stamped by the node when
  it records the event) to the moment ``Client.follow`` yields it: over the
  node's websocket, and by polling ``/events`` through a forwarding server that
  has no ``/websocket`` (as a node without it).

Run it through ``python bench/run.py --only 7``.
"""

import statistics
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from typing import Iterator, List, NamedTuple, Optional, Tuple

import urllib3

from bacalhau_client import Client, Configuration, LocalRequesterNode
from bacalhau_client.jobs import docker_job
from bacalhau_client.signing import UserKey
from server import serving  # bench/, the script's folder, is on sys.path

POLL_INTERVAL = 0.5  # the default of wait, wait_all and follow
# Not a divisor of the poll interval, so events land at every phase of the polling cycle.
LATENCY_STEP_DELAY = 0.137

Row = Tuple[str, str, str, Optional[bool]]


class Sizes(NamedTuple):
    jobs: int               # jobs waited on
    window: float           # seconds the request rate is measured over
    polled_jobs: int        # jobs in the per-job polling sample
    latency_jobs: int       # jobs whose events are timed, per transport


FULL = Sizes(jobs=1000, window=5.0, polled_jobs=50, latency_jobs=8)
QUICK = Sizes(jobs=20, window=1.0, polled_jobs=5, latency_jobs=1)


def figure_following(quick: bool) -> List[Row]:
    """The rows of figure 7 (``quick``: tiny counts, only to check that it runs)."""
    sizes = QUICK if quick else FULL
    return requests_while_waiting(sizes) + event_latency(sizes)


def requests_while_waiting(sizes: Sizes) -> List[Row]:
    """Requests per second the node receives while a client waits on ``sizes.jobs`` running jobs."""
    release = threading.Event()

    def running_until_released(spec, shard_index):
        release.wait(600)
        return "", "", 0

    key = UserKey.generate()
    node = LocalRequesterNode(step_delay=0.001, executor=running_until_released).start()
    try:
        with Client(node.url, key, configuration=Configuration(connection_pool_maxsize=sizes.polled_jobs)) as client:
            ids = [client.submit(docker_job("ubuntu", ["sleep", "3600"])).id for _ in range(sizes.jobs)]
            time.sleep(0.5)  # every job reaches Running
            before, started = node.request_counts, time.monotonic()
            try:
                client.wait_all(ids, timeout=sizes.window)
            except TimeoutError:
                pass  # expected: the jobs are still running
            elapsed = time.monotonic() - started
            grouped = sum((node.request_counts - before).values()) / elapsed
            per_job = polled_rate(client, node, ids[:sizes.polled_jobs], sizes.window) * sizes.jobs
    finally:
        release.set()
        node.stop()
    return [
        ("7 wait_all on %d running jobs: requests/s" % sizes.jobs, "%.1f" % grouped, "<= 5", grouped <= 5),
        ("7 same, one /states poll loop per job", "%.0f  (%d jobs measured, scaled)" % (per_job, sizes.polled_jobs),
         "", None),
    ]


def polled_rate(client: Client, node: LocalRequesterNode, ids: List[str], window: float) -> float:
    """Requests per second per job while each job has its own ``/states`` loop every POLL_INTERVAL."""
    stop = threading.Event()

    def poll(job_id):
        while not stop.is_set():
            client.states(job_id)
            stop.wait(POLL_INTERVAL)

    threads = [threading.Thread(target=poll, args=(job_id,)) for job_id in ids]
    before, started = node.request_counts, time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(window)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return sum((node.request_counts - before).values()) / elapsed / len(ids)


def event_latency(sizes: Sizes) -> List[Row]:
    """Median event latency over the websocket and by polling, the same jobs on the same node."""
    key = UserKey.generate()
    with LocalRequesterNode(step_delay=LATENCY_STEP_DELAY, compute_nodes=2) as node, \
            no_websocket_proxy(node.url) as proxy_url:
        with Client(node.url, key) as direct, Client(proxy_url, key) as polling:
            over_websocket = follow_latencies(direct, sizes.latency_jobs, "websocket")
            over_polling = follow_latencies(polling, sizes.latency_jobs, "polling")
    websocket_ms = statistics.median(over_websocket) * 1000
    polling_ms = statistics.median(over_polling) * 1000
    return [
        ("7 event latency, websocket (median)", "%.1f ms  (%d events)" % (websocket_ms, len(over_websocket)),
         "<= 50 ms", websocket_ms <= 50),
        ("7 event latency, polling /events (median)", "%.0f ms  (%d events)" % (polling_ms, len(over_polling)),
         ">= 250 ms", polling_ms >= 250),
    ]


def follow_latencies(client: Client, jobs: int, transport: str) -> List[float]:
    """Seconds from each event's EventTime to its arrival, for events recorded after following began."""
    latencies = []
    for _ in range(jobs):
        job = client.submit(docker_job("ubuntu", ["echo", "hi"]))
        with client.follow(job.id, timeout=60) as stream:
            if stream.transport != transport:
                raise RuntimeError("expected to follow by %s, got %s" % (transport, stream.transport))
            opened = time.time()
            for event in stream:
                arrived = time.time()
                recorded = event_time(event)
                if recorded >= opened:  # stored events waited for the stream to open, not for delivery
                    latencies.append(arrived - recorded)
    if not latencies:
        raise RuntimeError("no event was recorded while following by %s" % transport)
    return latencies


def event_time(event) -> float:
    """The event's EventTime as seconds since the epoch (nanoseconds kept)."""
    moment = event.event_time.datetime
    return moment.replace(microsecond=0).timestamp() + event.event_time.nanosecond / 1e9


@contextmanager
def no_websocket_proxy(target: str) -> Iterator[str]:
    """The URL of a server that forwards the JSON API to ``target`` but answers ``/websocket`` with 404."""
    pool = urllib3.PoolManager(maxsize=4)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, *args):
            pass

        def _forward(self):
            if self.path.startswith("/websocket"):
                status, headers, body = 404, {"Content-Type": "text/plain; charset=utf-8"}, b"404 page not found\n"
            else:
                length = int(self.headers.get("Content-Length") or 0)
                answer = pool.request(self.command, target + self.path,
                                      body=self.rfile.read(length) if length else None,
                                      headers={"Content-Type": "application/json"})
                status, headers, body = answer.status, {"Content-Type": answer.headers["Content-Type"]}, answer.data
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _forward

    try:
        with serving(Handler) as server:
            yield "http://127.0.0.1:%d" % server.server_port
    finally:
        pool.clear()
