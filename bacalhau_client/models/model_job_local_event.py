"""ModelJobLocalEvent model."""

from bacalhau_client.models.base import Field, Model


class ModelJobLocalEvent(Model):
    """One step of a job as seen by the answering node alone, from ``/local_events``."""

    _fields = (
        Field('event_name', 'EventName', 'str', enum='JobLocalEventType'),
        Field('job_id', 'JobID', 'str'),
        Field('shard_index', 'ShardIndex', 'int'),
        Field('target_node_id', 'TargetNodeID', 'str'),
    )
