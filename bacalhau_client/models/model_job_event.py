"""ModelJobEvent model."""

from bacalhau_client.models.base import Field, Model


class ModelJobEvent(Model):
    """One step in a job's life (Created, Bid, ResultsPublished, ...), from ``/events``."""

    _fields = (
        Field('api_version', 'APIVersion', 'str'),
        Field('job_id', 'JobID', 'str'),
        Field('shard_index', 'ShardIndex', 'int'),
        Field('client_id', 'ClientID', 'str'),
        Field('source_node_id', 'SourceNodeID', 'str'),
        Field('target_node_id', 'TargetNodeID', 'str'),
        Field('event_name', 'EventName', 'str', enum='JobEventType'),
        Field('spec', 'Spec', 'ModelSpec'),
        Field('job_execution_plan', 'JobExecutionPlan', 'ModelJobExecutionPlan'),
        Field('deal', 'Deal', 'ModelDeal'),
        Field('status', 'Status', 'str'),
        Field('verification_proposal', 'VerificationProposal', 'str', base64=True),
        Field('verification_result', 'VerificationResult', 'ModelVerificationResult'),
        Field('published_result', 'PublishedResult', 'ModelStorageSpec'),
        Field('event_time', 'EventTime', 'datetime'),
        Field('sender_public_key', 'SenderPublicKey', 'str', base64=True),
        Field('run_output', 'RunOutput', 'ModelRunCommandResult', pointer=True),
    )
