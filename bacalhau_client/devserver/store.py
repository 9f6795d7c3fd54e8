"""The local node's memory: every job it stores, its log, and the one lock that guards them."""

import threading
from collections import deque
from typing import Any, Callable, Deque, Dict, List, Optional

from bacalhau_client.devserver.record import JobRecord
from bacalhau_client.models.job_state import SHORT_ID_LENGTH
from bacalhau_client.models.timestamp import Timestamp

LOG_LINES_KEPT = 1000


class JobStore:
    """Jobs by ID in submission order, and the node's recent log lines.

    ``lock`` guards the jobs and every :class:`JobRecord` in them: the HTTP
    threads and the job threads take it for each read or change.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self._records: Dict[str, JobRecord] = {}
        self._log: Deque[str] = deque(maxlen=LOG_LINES_KEPT)
        # job ID ("" for every job) -> callables given each new event of it (the /websocket subscribers)
        self._listeners: Dict[str, List[Callable[[Dict[str, Any]], None]]] = {}

    def add(self, record: JobRecord) -> None:
        """Store a new job (caller holds the lock)."""
        self._records[record.job_id] = record
        record.on_event = self.publish

    def subscribe(self, job_id: str, listener: Callable[[Dict[str, Any]], None]) -> None:
        """Call ``listener(event)`` for each new event of the job ("" for every job); caller holds the lock.

        Listeners run while the lock is held, so they must not block.
        """
        self._listeners.setdefault(job_id, []).append(listener)

    def unsubscribe(self, job_id: str, listener: Callable[[Dict[str, Any]], None]) -> None:
        """Stop calling ``listener`` (caller holds the lock)."""
        listeners = self._listeners.get(job_id, [])
        if listener in listeners:
            listeners.remove(listener)

    def publish(self, event: Dict[str, Any]) -> None:
        """Pass a new event to the listeners of every job, then to those of its job (caller holds the lock)."""
        for job_id in ("", event["JobID"]):
            for listener in self._listeners.get(job_id, ()):
                listener(event)

    def next_sequence(self) -> int:
        """The submission number of the next job (caller holds the lock)."""
        return len(self._records)

    def get(self, job_id: str) -> Optional[JobRecord]:
        """The job with exactly this ID (caller holds the lock)."""
        return self._records.get(job_id)

    def get_by_id_or_short_id(self, job_id: str) -> Optional[JobRecord]:
        """The job with this ID, or whose ID begins with this short ID (caller holds the lock)."""
        record = self._records.get(job_id)
        if record is None and len(job_id) == SHORT_ID_LENGTH:
            record = next((item for item in self._records.values() if item.job_id.startswith(job_id)), None)
        return record

    def all(self) -> List[JobRecord]:
        """Every job, oldest first (caller holds the lock)."""
        return list(self._records.values())

    def log(self, message: str) -> None:
        """Add a line to the node's log (served by ``/logz``)."""
        self._log.append("%s %s" % (Timestamp.now(), message))

    def log_text(self) -> str:
        """The recent log lines, one per line."""
        return "".join(line + "\n" for line in list(self._log))
