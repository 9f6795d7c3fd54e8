"""ModelJobShardState model."""

from bacalhau_client.models.base import Field, Model


class ModelJobShardState(Model):
    """One shard on one node: its state, status, verification, published results and output."""

    _fields = (
        Field('node_id', 'NodeId', 'str'),
        Field('shard_index', 'ShardIndex', 'int'),
        Field('state', 'State', 'str', enum='JobStateType'),
        Field('status', 'Status', 'str'),
        Field('verification_proposal', 'VerificationProposal', 'str', base64=True),
        Field('verification_result', 'VerificationResult', 'ModelVerificationResult'),
        Field('published_results', 'PublishedResults', 'ModelStorageSpec'),
        Field('run_output', 'RunOutput', 'ModelRunCommandResult', pointer=True),
    )
