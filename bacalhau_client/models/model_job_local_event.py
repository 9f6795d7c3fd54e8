"""ModelJobLocalEvent model."""

from __future__ import annotations

from typing import Optional

from bacalhau_client.models.base import Model, field


class ModelJobLocalEvent(Model):
    """One step of a job as seen by the answering node alone, from ``/local_events``."""

    event_name: Optional[str] = field("EventName", enum="JobLocalEventType")
    job_id: Optional[str] = field("JobID")
    shard_index: Optional[int] = field("ShardIndex")
    target_node_id: Optional[str] = field("TargetNodeID")
