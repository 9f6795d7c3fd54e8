"""ModelJobShardState model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from bacalhau_client.models.base import Model, Nested, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.model_run_command_result import ModelRunCommandResult
    from bacalhau_client.models.model_storage_spec import ModelStorageSpec
    from bacalhau_client.models.model_verification_result import ModelVerificationResult


class ModelJobShardState(Model):
    """One shard on one node: its state, status, verification, published results and output."""

    node_id: Optional[str] = field("NodeId")
    shard_index: Optional[int] = field("ShardIndex")
    state: Optional[str] = field("State", enum="JobStateType")
    status: Optional[str] = field("Status")
    verification_proposal: Optional[str] = field("VerificationProposal", base64=True)
    verification_result: Nested[ModelVerificationResult] = field("VerificationResult")
    published_results: Nested[ModelStorageSpec] = field("PublishedResults")
    run_output: Nested[ModelRunCommandResult] = field("RunOutput", pointer=True)
