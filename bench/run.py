"""Measure what the SDK costs on top of urllib3 and json, side by side in one run.

    python bench/run.py            # the full run, a few minutes at most
    python bench/run.py --quick    # tiny counts: checks that every figure still runs

Every figure is a ratio of two things measured in the same run on the same
machine (best of several rounds, or a median), so a busy machine slows both
sides alike. The run prints one table row per figure -- measured value, goal,
PASS or MISS -- and always exits 0: it is a tool to read, not a gate.
docs/Performance.md explains each figure.
"""

import argparse
import gc
import json
import operator
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable, Dict, List, NamedTuple, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import urllib3  # noqa: E402

from bacalhau_client import ApiClient, Configuration, JobApi, PublicapiStateRequest  # noqa: E402
from bacalhau_client.models import MODEL_REGISTRY, Model, fields  # noqa: E402
from figure_following import figure_following  # noqa: E402

import figure_results  # noqa: E402  (bench/, the script's folder, is on sys.path)

DEFAULT_FIXTURES = ROOT / "test" / "fixtures"
CLIENT_ID = "ac13188e93c97a9c2e7cf8e86c7313156a73436036f30da1ececc2ce79f9ea51"
JOB_ID = "9304c616-291f-41ad-b862-54e133c0149e"
JSON_HEADERS = {"Content-Type": "application/json"}
THREADS = 8
# Modules that `import bacalhau_client` must leave unloaded: they cost time and need extras.
MUST_NOT_IMPORT = ("cryptography", "bacalhau_client.devserver", "bacalhau_client.signing")


class Settings(NamedTuple):
    """How much work each figure does; ``--quick`` shrinks everything."""

    calls: int              # calls per round for the per-call overhead
    rounds: int             # rounds of the per-call overhead (best one counts)
    best_of: int            # repetitions of the deserialization figures
    list_jobs: int          # jobs in the /list body of figure 2
    import_runs: int        # fresh interpreters per module
    signing_runs: int       # signatures timed for the median
    concurrency_seconds: float
    concurrency_rounds: int
    scaling_sizes: tuple
    scaling_min_seconds: float  # each scaling sample repeats the work until it takes this long


FULL = Settings(calls=2000, rounds=7, best_of=9, list_jobs=1000, import_runs=7, signing_runs=100,
                concurrency_seconds=1.0, concurrency_rounds=7, scaling_sizes=(10, 100, 1000, 10000),
                scaling_min_seconds=0.2)
QUICK = Settings(calls=20, rounds=1, best_of=1, list_jobs=20, import_runs=1, signing_runs=3,
                 concurrency_seconds=0.2, concurrency_rounds=1, scaling_sizes=(10, 100),
                 scaling_min_seconds=0.0)


class Row(NamedTuple):
    """One line of the table: ``passed`` is None for figures shown for information only."""

    figure: str
    value: str
    goal: str
    passed: Optional[bool]


# Figures that need other parts of the SDK, by (figure, goal): shown as a MISS when those are missing.
SIGNING_ROWS = (("4 canonical_json + sign (median)", "<= 3 ms"),
                ("4 canonical_json 200 inputs vs dumps", "<= 5.0x"))
PYDANTIC_ROW = ("2 deserialize + touch all vs pydantic, same reads", "<= 1.0x")
CONCURRENCY_ROWS = (("5 8 threads calls/s vs PoolManager, same timeouts", ">= 0.8x"),
                    ("5 8 threads calls/s vs PoolManager, no timeouts", ">= 0.8x"))


def unavailable(rows: tuple, error: BaseException) -> List[Row]:
    return [Row(figure, "not available: %s" % error, goal, False) for figure, goal in rows]


def ratio_row(figure: str, ratio: float, limit: float, detail: str = "") -> Row:
    value = "%.2fx" % ratio + ("  (%s)" % detail if detail else "")
    return Row(figure, value, "<= %gx" % limit, ratio <= limit)


# ---------------------------------------------------------------- timing tools

def best_time(work: Callable[[], object], runs: int) -> float:
    """The least CPU time of ``runs`` runs of ``work``, after a collection so garbage does not carry over.

    CPU time, not wall time: on a shared machine, time another process takes
    the core does not count against either side.
    """
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def gc_paused(work: Callable[[], object]) -> Callable[[], object]:
    """``work`` with the cyclic garbage collector off while it runs, as :mod:`timeit` times code."""
    def paused():
        gc.disable()
        try:
            return work()
        finally:
            gc.enable()
    return paused


def best_times(works: Dict[str, Callable[[], object]], runs: int) -> Dict[str, float]:
    """:func:`best_time` of each of ``works``, taking turns, so a change in the machine's load hits all alike."""
    best = {name: float("inf") for name in works}
    for _ in range(runs):
        for name, work in works.items():
            best[name] = min(best[name], best_time(work, 1))
    return best


def cpu_per_call(call: Callable[[], object], calls: int) -> float:
    """CPU seconds this process spends per ``call()``, over ``calls`` calls."""
    start = time.process_time()
    for _ in range(calls):
        call()
    return (time.process_time() - start) / calls


def traced_peak(make: Callable[[], object]) -> int:
    """Peak bytes allocated while ``make()`` builds its result (the result is kept alive until the peak is read)."""
    gc.collect()
    tracemalloc.start()
    try:
        result = make()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del result
    return peak


def touch(model: Any) -> int:
    """Read every attribute of ``model`` and of every model below it, as code walking a whole answer would.

    Works alike for the SDK's models and their pydantic twins (see
    :func:`pydantic_twin`), so both sides of a comparison do the same reads.
    Returns how many models it read, so the two sides can be checked to match.
    """
    reader, children = _reading_plan(type(model))
    values = reader(model)
    count = 1
    for index in children:
        child = values[index]
        if type(child) is list:
            items = child
        elif type(child) is dict:
            items = child.values()
        else:
            items = (child,)
        for item in items:
            if isinstance(item, TRAVERSED):
                count += touch(item)
    return count


# Classes whose instances touch() walks into: the SDK's models, and pydantic models once they are built.
TRAVERSED: tuple = (Model,)
# The SDK table behind each pydantic twin class.
_TWIN_TABLES: Dict[type, tuple] = {}
_PLANS: Dict[type, tuple] = {}


def _reading_plan(cls: type) -> tuple:
    """(reader, child positions) for a model class: ``reader(model)`` reads all attributes through the
    public attributes in one C-level call; the positions are the fields that may hold models."""
    plan = _PLANS.get(cls)
    if plan is None:
        table = _TWIN_TABLES.get(cls) or fields(cls)
        names = [field.attr for field in table]
        if len(names) > 1:
            reader = operator.attrgetter(*names)
        else:  # attrgetter of one name returns the value, not a tuple
            reader = lambda one: tuple(getattr(one, name) for name in names)  # noqa: E731
        children = tuple(index for index, field in enumerate(table) if field.kind in ("model", "list", "dict"))
        plan = _PLANS[cls] = (reader, children)
    return plan


def pydantic_twin(class_name: str, built: Optional[Dict[str, type]] = None) -> type:
    """A pydantic v2 model with the same attributes, JSON keys and nesting as the SDK model ``class_name``.

    Made from the SDK's own table so both sides parse the same schema.
    Timestamps are declared ``str`` (what the SDK keeps; parsing them into
    ``datetime`` would only slow pydantic down), and unknown keys are ignored
    (pydantic's default, cheaper than keeping them as the SDK does).
    """
    import pydantic

    global TRAVERSED
    TRAVERSED = (Model, pydantic.BaseModel)
    built = {} if built is None else built
    if class_name in built:
        return built[class_name]
    scalars = {"str": str, "int": int, "float": float, "bool": bool, "object": Any, "datetime": str}

    def annotation(type_name: str) -> Any:
        if type_name.startswith("list["):
            return List[annotation(type_name[5:-1])]  # type: ignore[misc]
        if type_name.startswith("dict("):
            return Dict[str, annotation(type_name[5:-1].split(",", 1)[1].strip())]  # type: ignore[misc]
        return scalars.get(type_name) or pydantic_twin(type_name, built)

    table = fields(MODEL_REGISTRY[class_name])
    definitions = {field.attr: (Optional[annotation(field.type)], pydantic.Field(None, alias=field.key))
                   for field in table}
    twin = built[class_name] = pydantic.create_model("Pydantic" + class_name, **definitions)
    _TWIN_TABLES[twin] = table
    return twin


class CannedResponse:
    """The part of an HTTP answer ``ApiClient.deserialize`` reads."""

    status = 200
    reason = "OK"

    def __init__(self, data: bytes):
        self.data = data

    def getheaders(self):
        return {}


def list_body(fixtures: Path, jobs: int) -> bytes:
    """A /list answer of ``jobs`` copies of the example's first job (3 nodes each), with distinct IDs."""
    example = json.loads((fixtures / "responses" / "list_response.json").read_bytes())["jobs"][0]
    template = json.dumps(example)
    out = []
    for index in range(jobs):
        job = json.loads(template)
        job["ID"] = "%08x-0000-4000-8000-%012x" % (index, index)
        out.append(job)
    return json.dumps({"jobs": out}).encode("utf-8")


# ------------------------------------------------------------ child processes

def child_env() -> dict:
    """Environment for child interpreters: this checkout first, then the packages this one sees."""
    paths = [str(ROOT)] + [path for path in sys.path[1:] if path and path != str(ROOT)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths))
    return env


class BenchServer:
    """bench/server.py in its own process, answering /states and /list from the fixtures."""

    def __init__(self, responses_dir: Path):
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("server.py")), str(responses_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=child_env())
        self.url = "http://127.0.0.1:%d" % int(self.process.stdout.readline())

    def __enter__(self) -> "BenchServer":
        return self

    def __exit__(self, *exc_info) -> None:
        stop_process(self.process, close_stdin=True)


def stop_process(process: subprocess.Popen, close_stdin: bool = False) -> None:
    """Ask ``process`` to end, and kill it if it has not within a few seconds."""
    if close_stdin and process.stdin:
        process.stdin.close()
    elif os.name == "posix":
        process.send_signal(signal.SIGINT)  # the local node stops cleanly on Ctrl-C
    else:
        process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)
    if process.stdout:
        process.stdout.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ------------------------------------------------------------------- figures

def figure_call_overhead(settings: Settings, fixtures: Path) -> List[Row]:
    """1. CPU per JobApi.states call vs a hand-written PoolManager.request + json.loads, same timeouts."""
    with BenchServer(fixtures / "responses") as server, \
            ApiClient(Configuration(host=server.url)) as client:
        api = JobApi(client)
        request = PublicapiStateRequest(client_id=CLIENT_ID, job_id=JOB_ID)
        pool = urllib3.PoolManager()
        raw_request = {"client_id": CLIENT_ID, "job_id": JOB_ID}
        url = server.url + "/states"
        # The SDK's default timeouts: a socket with a timeout polls before every send and receive,
        # a cost both sides must pay for the ratio to measure the SDK alone.
        timeout = urllib3.Timeout(connect=10.0, read=300.0)

        def raw_call():
            response = pool.request("POST", url, body=json.dumps(raw_request).encode("utf-8"),
                                    headers=JSON_HEADERS, timeout=timeout)
            return json.loads(response.data)

        def sdk_call():
            return api.states(request)

        for call in (raw_call, sdk_call):
            cpu_per_call(call, max(10, settings.calls // 10))  # connect and warm caches first
        sdk = raw = float("inf")
        for _ in range(settings.rounds):
            sdk = min(sdk, cpu_per_call(sdk_call, settings.calls))
            raw = min(raw, cpu_per_call(raw_call, settings.calls))
        pool.clear()
    detail = "%.0f us vs %.0f us CPU/call" % (sdk * 1e6, raw * 1e6)
    return [ratio_row("1 states call CPU vs urllib3+json", sdk / raw, 1.15, detail)]


def figure_deserialize(settings: Settings, fixtures: Path) -> List[Row]:
    """2. Deserializing a /list answer vs json.loads, and a full traversal vs pydantic: time and memory."""
    body = list_body(fixtures, settings.list_jobs)
    response = CannedResponse(body)
    client = ApiClient()

    def deserialize():
        return client.deserialize(response, "PublicapiListResponse")

    def deserialize_and_touch():
        result = deserialize()
        touch(result)
        return result

    # The two light works are timed on their own first: the heavy ones leave the allocator in a
    # different state, which alone moves a 1.0x ratio by a tenth.
    works = {"touched": deserialize_and_touch}
    try:
        twin = pydantic_twin("PublicapiListResponse")
    except ImportError:  # the SDK does not need pydantic: without it, this one comparison is skipped
        pydantic_row = Row(PYDANTIC_ROW[0], "skipped: pydantic is not installed "
                           "(pip install -r bench/requirements.txt)", PYDANTIC_ROW[1], None)
    else:
        pydantic_row = None
        works["pydantic"] = lambda: touch(twin.model_validate_json(body))
        ours, theirs = touch(deserialize()), touch(twin.model_validate_json(body))
        if ours != theirs:
            raise RuntimeError("the traversals differ: %d SDK models, %d pydantic models" % (ours, theirs))
    deserialize_and_touch()  # load the model modules before timing
    times = best_times({"loads": lambda: json.loads(body), "parsed": deserialize}, settings.best_of * 2)
    times.update(best_times(works, settings.best_of))
    loads, parsed, touched = times["loads"], times["parsed"], times["touched"]
    if pydantic_row is None:
        pydantic_row = ratio_row(PYDANTIC_ROW[0], touched / times["pydantic"], 1.0, "%.1f vs %.1f ms, %d models" % (
            touched * 1e3, times["pydantic"] * 1e3, touch(deserialize())))
    loads_peak = traced_peak(lambda: json.loads(body))
    parsed_peak = traced_peak(deserialize)
    touched_peak = traced_peak(deserialize_and_touch)
    client.close()
    jobs = "%d jobs, %d KiB" % (settings.list_jobs, len(body) // 1024)
    return [
        ratio_row("2 deserialize vs json.loads", parsed / loads, 1.1,
                  "%s, %.1f vs %.1f ms" % (jobs, parsed * 1e3, loads * 1e3)),
        ratio_row("2 deserialize + touch all vs json.loads", touched / loads, 6.0,
                  "%.1f ms" % (touched * 1e3)),
        pydantic_row,
        ratio_row("2 memory peak vs json.loads", parsed_peak / loads_peak, 2.0,
                  "%.1f vs %.1f MiB" % (parsed_peak / 2 ** 20, loads_peak / 2 ** 20)),
        Row("2 memory peak, all touched, vs json.loads", "%.2fx  (%.1f MiB: typed views are kept)" % (
            touched_peak / loads_peak, touched_peak / 2 ** 20), "", None),
    ]


IMPORT_PROBE = (
    "import sys, time\n"
    "start = time.process_time()\n"
    "import {module}\n"
    "elapsed = time.process_time() - start\n"
    "print(elapsed)\n"
    "print(' '.join(sorted(sys.modules)))\n"
)


def import_once(module: str, env: dict):
    """(seconds, loaded module names) for ``import module`` in a fresh interpreter."""
    # -S: site-packages come from PYTHONPATH, so no .pth file preloads modules for either side.
    output = subprocess.run([sys.executable, "-S", "-c", IMPORT_PROBE.format(module=module)],
                            env=env, check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
    seconds, modules = output.splitlines()
    return float(seconds), modules.split()


def figure_import(settings: Settings) -> List[Row]:
    """3. `import bacalhau_client` vs `import urllib3`, each in fresh interpreters."""
    with tempfile.TemporaryDirectory() as cache:
        env = child_env()
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        # Compiled bytecode for both sides, as an installed package has it; kept out of the checkout.
        env["PYTHONPYCACHEPREFIX"] = cache
        for module in ("urllib3", "bacalhau_client"):
            import_once(module, env)
        ours = theirs = float("inf")
        loaded: List[str] = []
        for _ in range(settings.import_runs):
            seconds, loaded = import_once("bacalhau_client", env)
            ours = min(ours, seconds)
            theirs = min(theirs, import_once("urllib3", env)[0])
    unwanted = sorted(name for name in loaded
                      if any(name == banned or name.startswith(banned + ".") for banned in MUST_NOT_IMPORT))
    detail = "%.1f vs %.1f ms" % (ours * 1e3, theirs * 1e3)
    return [
        ratio_row("3 import bacalhau_client vs urllib3", ours / theirs, 1.05, detail),
        Row("3 import loads cryptography/devserver/signing", ", ".join(unwanted) or "none", "none",
            not unwanted),
    ]


def figure_signing(settings: Settings, fixtures: Path) -> List[Row]:
    """4. canonical_json + sign of the seed payload; canonical encoding of 200 inputs vs json.dumps."""
    try:
        from bacalhau_client import signing
    except ImportError as error:
        return unavailable(SIGNING_ROWS, error)
    key = signing.UserKey.from_pem((fixtures / "keys" / "test_user_id.pem").read_bytes())
    with open(fixtures / "canonical_vectors.jsonl", encoding="utf-8") as lines:
        vectors = [json.loads(line) for line in lines if line.strip()]
    seed = json.loads(next(vector["input"] for vector in vectors if vector["name"] == "seed_example"))

    def sign_once():
        return key.sign(signing.canonical_json(seed))

    sign_once()
    times = []
    for _ in range(settings.signing_runs):
        start = time.process_time()
        sign_once()
        times.append(time.process_time() - start)
    median = statistics.median(times)

    big = json.loads(json.dumps(seed))
    big["Job"]["Spec"]["inputs"] = [
        {"StorageSource": "IPFS", "CID": "QmTVmC7JBD2ES2qGPqBNVWnX1KeEPNrPGb7rJ8cpFg%04d" % index,
         "path": "/inputs/%d" % index} for index in range(200)]
    runs = settings.best_of * 3  # each run is short, so take more of them
    times = best_times({"encode": lambda: signing.canonical_json(big), "dumps": lambda: json.dumps(big)}, runs)
    encode, dumps = times["encode"], times["dumps"]
    return [
        Row(SIGNING_ROWS[0][0], "%.2f ms" % (median * 1e3), SIGNING_ROWS[0][1], median <= 0.003),
        ratio_row(SIGNING_ROWS[1][0], encode / dumps, 5.0,
                  "%.0f vs %.0f us" % (encode * 1e6, dumps * 1e6)),
    ]


def threaded_rate(call: Callable[[], object], seconds: float) -> float:
    """Calls per second that ``THREADS`` threads make together in ``seconds``."""
    counts = [0] * THREADS
    start = threading.Barrier(THREADS + 1)
    stop = threading.Event()
    errors: List[BaseException] = []

    def worker(slot: int) -> None:
        start.wait()
        try:
            while not stop.is_set():
                call()
                counts[slot] += 1
        except BaseException as error:  # reported below: a failing call must not count as fast
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(THREADS)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise RuntimeError("a call failed during the throughput run: %r" % errors[0])
    return sum(counts) / elapsed


def start_local_node():
    """(process, url) of `python -m bacalhau_client devserver` on a free port, once it answers."""
    port = free_port()
    errors = tempfile.TemporaryFile()  # a file, not a pipe: a chatty node must never block on a full pipe
    process = subprocess.Popen([sys.executable, "-m", "bacalhau_client", "devserver", "--port", str(port)],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=errors, env=child_env(), cwd=str(ROOT))
    url = "http://127.0.0.1:%d" % port
    deadline = time.monotonic() + 30
    probe = urllib3.PoolManager(retries=False)
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                errors.seek(0)
                message = errors.read().decode("utf-8", "replace").strip().splitlines()
                raise RuntimeError("local node exited: %s" % (message[-1] if message else process.returncode))
            try:
                probe.request("GET", url + "/livez", timeout=1)
                return process, url
            except urllib3.exceptions.HTTPError:
                time.sleep(0.1)
    finally:
        probe.clear()
        errors.close()
    stop_process(process)
    raise RuntimeError("local node did not answer on %s within 30 s" % url)


def figure_concurrency(settings: Settings) -> List[Row]:
    """5. 8 threads sharing one ApiClient vs 8 sharing one PoolManager, against the local node."""
    try:
        from bacalhau_client import Client, jobs
        from bacalhau_client.signing import UserKey
    except ImportError as error:
        return unavailable(CONCURRENCY_ROWS, error)
    try:
        process, url = start_local_node()
    except RuntimeError as error:
        return unavailable(CONCURRENCY_ROWS, error)
    try:
        key = UserKey.generate()
        with Client(host=url, key=key) as user:
            submitted = user.submit(jobs.docker_job("ubuntu", ["date"]))
        job_id = getattr(submitted, "id", submitted)
        client_id = key.client_id
        with ApiClient(Configuration(host=url)) as client:
            api = JobApi(client)
            request = PublicapiStateRequest(client_id=client_id, job_id=job_id)
            pool = urllib3.PoolManager(maxsize=THREADS, block=True)
            raw_body = json.dumps({"client_id": client_id, "job_id": job_id}).encode("utf-8")
            # The SDK's default timeouts; a socket with a timeout polls before every send and receive.
            timeout = urllib3.Timeout(connect=10.0, read=300.0)

            def raw_call(**options):
                response = pool.request("POST", url + "/states", body=raw_body, headers=JSON_HEADERS, **options)
                if response.status != 200:
                    raise RuntimeError("raw /states answered %d" % response.status)
                return json.loads(response.data)

            sides = {
                "sdk": lambda: api.states(request),
                "raw": raw_call,
                "raw_timeout": lambda: raw_call(timeout=timeout),
            }
            for call in sides.values():
                threaded_rate(call, settings.concurrency_seconds / 4)  # open the connections first
            rates: Dict[str, List[float]] = {name: [] for name in sides}
            names = list(sides)
            for round_number in range(settings.concurrency_rounds):
                # Rotate which side goes first, so a drift in the machine's load hits all alike.
                shift = round_number % len(names)
                for name in names[shift:] + names[:shift]:
                    rates[name].append(threaded_rate(sides[name], settings.concurrency_seconds))
            pool.clear()
    finally:
        stop_process(process)
    rows = []
    for baseline, (figure, goal) in zip(("raw_timeout", "raw"), CONCURRENCY_ROWS):
        ratio = statistics.median(sdk / raw for sdk, raw in zip(rates["sdk"], rates[baseline]))
        detail = "median, %d rounds: %.0f vs %.0f calls/s" % (
            len(rates["sdk"]), statistics.median(rates["sdk"]), statistics.median(rates[baseline]))
        rows.append(Row(figure, "%.2fx  (%s)" % (ratio, detail), goal, ratio >= 0.8))
    return rows


def figure_scaling(settings: Settings, fixtures: Path) -> List[Row]:
    """6. Parse + full traversal time per job for growing /list answers.

    The goal is measured with the cyclic garbage collector paused, as timeit
    does: with it running, a large answer triggers full collections whose cost
    grows with everything alive, and json.loads alone slows down the same way.
    Both are shown beside it.
    """
    client = ApiClient()
    sizes = settings.scaling_sizes
    works: Dict[tuple, Callable[[], object]] = {}
    jobs_per_sample: Dict[tuple, int] = {}
    for size in sizes:
        body = list_body(fixtures, size)
        response = CannedResponse(body)

        def parse_and_touch(response=response):
            touch(client.deserialize(response, "PublicapiListResponse"))

        def loads(body=body):
            json.loads(body)

        start = time.process_time()
        parse_and_touch()
        once = time.process_time() - start
        # Small answers are parsed many times per sample, so every sample is long enough to time.
        repeats = max(1, int(settings.scaling_min_seconds / max(once, 1e-9)))
        for mode, work in (("paused", gc_paused(parse_and_touch)), ("running", parse_and_touch), ("loads", loads)):
            works[size, mode] = lambda work=work, repeats=repeats: [work() for _ in range(repeats)]
            jobs_per_sample[size, mode] = repeats * size
    times = best_times(works, max(3, settings.best_of // 3))
    client.close()
    per_job = {name: seconds / jobs_per_sample[name] for name, seconds in times.items()}
    rows = [Row("6 parse + touch, %d jobs" % size, "%.1f us/job  (GC on: %.1f; json.loads alone: %.1f)" % (
        per_job[size, "paused"] * 1e6, per_job[size, "running"] * 1e6, per_job[size, "loads"] * 1e6), "", None)
        for size in sizes]
    largest, smallest = sizes[-1], sizes[0]
    growth = per_job[largest, "paused"] / per_job[smallest, "paused"]
    rows.append(ratio_row("6 per-job time, largest vs smallest", growth, 1.5,
                          "%d vs %d jobs, GC paused" % (largest, smallest)))
    rows.append(Row("6 same with GC on (json.loads alone)", "%.2fx  (%.2fx)" % (
        per_job[largest, "running"] / per_job[smallest, "running"],
        per_job[largest, "loads"] / per_job[smallest, "loads"]), "", None))
    return rows


# --------------------------------------------------------------------- table

def run_figure(name: str, measure: Callable[[], List[Row]]) -> List[Row]:
    """The rows of one figure; a figure that fails shows as a MISS row, and the others still run."""
    try:
        return measure()
    except Exception as error:  # the run goes on: one broken figure must not hide the rest
        return [Row(name, "failed: %s: %s" % (type(error).__name__, error), "", False)]


def print_table(rows: List[Row]) -> None:
    verdicts = ["" if row.passed is None else ("PASS" if row.passed else "MISS") for row in rows]
    widths = [max(len(header), *(len(cell) for cell in cells)) for header, cells in (
        ("figure", [row.figure for row in rows]), ("measured", [row.value for row in rows]),
        ("goal", [row.goal for row in rows]))]
    line = "%-*s  %-*s  %-*s  %s"
    print(line % (widths[0], "figure", widths[1], "measured", widths[2], "goal", "result"))
    print("-" * (sum(widths) + 12))
    for row, verdict in zip(rows, verdicts):
        print((line % (widths[0], row.figure, widths[1], row.value, widths[2], row.goal, verdict)).rstrip())
    misses = sum(1 for row in rows if row.passed is False)
    print("-" * (sum(widths) + 12))
    print("%d goals met, %d missed" % (sum(1 for row in rows if row.passed), misses))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny counts, to check the benchmark runs")
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES,
                        help="the fixtures directory (default: %(default)s)")
    parser.add_argument("--only", default="", metavar="N,N",
                        help="measure only these figures, by number (default: all)")
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    fixtures = args.fixtures
    figures = [
        ("1 states call CPU", lambda: figure_call_overhead(settings, fixtures)),
        ("2 deserialize", lambda: figure_deserialize(settings, fixtures)),
        ("3 import", lambda: figure_import(settings)),
        ("4 signing", lambda: figure_signing(settings, fixtures)),
        ("5 concurrency", lambda: figure_concurrency(settings)),
        ("6 scaling", lambda: figure_scaling(settings, fixtures)),
        ("7 following", lambda: [Row(*row) for row in figure_following(args.quick)]),
        ("8 results", lambda: figure_results.measure(Row, args.quick)),
    ]
    if args.only:
        wanted = set(args.only.split(","))
        figures = [(name, measure) for name, measure in figures if name.split()[0] in wanted]
    rows: List[Row] = []
    began = time.perf_counter()
    for name, measure in figures:
        print("measuring %s ..." % name, file=sys.stderr, flush=True)
        rows.extend(run_figure(name, measure))
    print_table(rows)
    print("(%s run, %.0f s, Python %s)" % ("quick" if args.quick else "full", time.perf_counter() - began,
                                          sys.version.split()[0]))
    if args.quick:
        print("quick run: the counts are too small for the figures to mean anything; run without --quick")
    return 0


if __name__ == "__main__":
    sys.exit(main())
