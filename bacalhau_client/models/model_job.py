"""ModelJob model."""

from bacalhau_client.models.base import Field, Model


class ModelJob(Model):
    """A job as the node stores it: the spec and deal as submitted, plus the IDs, time and state the node adds."""

    _fields = (
        Field('api_version', 'APIVersion', 'str', omitempty=False),
        Field('id', 'ID', 'str'),
        Field('requester_node_id', 'RequesterNodeID', 'str'),
        Field('requester_public_key', 'RequesterPublicKey', 'str', base64=True),
        Field('client_id', 'ClientID', 'str'),
        Field('spec', 'Spec', 'ModelSpec'),
        Field('deal', 'Deal', 'ModelDeal'),
        Field('execution_plan', 'ExecutionPlan', 'ModelJobExecutionPlan'),
        Field('created_at', 'CreatedAt', 'datetime'),
        Field('job_state', 'JobState', 'ModelJobState'),
        Field('job_events', 'JobEvents', 'list[ModelJobEvent]'),
        Field('local_job_events', 'LocalJobEvents', 'list[ModelJobLocalEvent]'),
    )
