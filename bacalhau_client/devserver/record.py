"""One stored job on the local node: the job, its events, its local events and its shard states.

A :class:`JobRecord` is plain data guarded by the node's lock: every method
here expects the caller to hold it. Values are sparse wire dicts (only keys
with a value), written out in Go's full form by :func:`bacalhau_client.canonical.encode_model`.
"""

from typing import Any, Callable, Dict, List, Optional

from bacalhau_client.models.job_state import is_finished
from bacalhau_client.models.timestamp import Timestamp


class JobRecord:
    """A job as the node stores it, plus everything that happened to it."""

    def __init__(self, job: Dict[str, Any], sequence: int, sender_public_key: str):
        self.job = job
        self.sequence = sequence  # submission order: sorts by creation time without parsing timestamps
        self.sender_public_key = sender_public_key
        self.events: List[Dict[str, Any]] = []
        self.local_events: List[Dict[str, Any]] = []
        self.shards: Dict[str, Dict[int, Dict[str, Any]]] = {}
        self.results: List[Dict[str, Any]] = []
        # Called with each new event (the store sets it, to pass events on to its subscribers).
        self.on_event: Optional[Callable[[Dict[str, Any]], None]] = None

    @property
    def job_id(self) -> str:
        return self.job["ID"]

    def emit(self, event_name: str, source: str, target: Optional[str] = None, shard_index: int = 0,
             **fields: Any) -> None:
        """Record a job event (the network's view of what happened), stamped now.

        The event and the values in it are never changed afterwards: websocket
        subscribers encode it on their own threads, without the lock.
        """
        event: Dict[str, Any] = {"JobID": self.job_id, "ShardIndex": shard_index, "SourceNodeID": source}
        if target:
            event["TargetNodeID"] = target
        event["EventName"] = event_name
        event.update(fields)
        event["EventTime"] = Timestamp.now()
        event["SenderPublicKey"] = self.sender_public_key
        self.events.append(event)
        if self.on_event is not None:
            self.on_event(event)

    def record_local(self, event_name: str, target: str, shard_index: int = 0) -> None:
        """Record a local event (what this node itself decided or saw)."""
        self.local_events.append({"EventName": event_name, "JobID": self.job_id,
                                  "ShardIndex": shard_index, "TargetNodeID": target})

    def update_shard(self, node_id: str, shard_index: int, **fields: Any) -> Dict[str, Any]:
        """Set fields of one node's shard state, creating it on first use; returns the state."""
        shard = self.shards.setdefault(node_id, {}).setdefault(
            shard_index, {"NodeId": node_id, "ShardIndex": shard_index})
        shard.update(fields)
        return shard

    def job_state(self) -> Dict[str, Any]:
        """The ``JobState`` wire dict: node -> shard index (a decimal string) -> shard state."""
        return {"Nodes": {node_id: {"Shards": {str(index): dict(shard) for index, shard in shards.items()}}
                          for node_id, shards in self.shards.items()}}

    def stored_job(self) -> Dict[str, Any]:
        """The job with its current state, as ``/list`` returns it."""
        return dict(self.job, JobState=self.job_state())

    def is_finished(self) -> bool:
        """Whether the job is finished, by the node's rule (see :func:`bacalhau_client.models.job_state.is_finished`)."""
        return is_finished(self.job_state())
