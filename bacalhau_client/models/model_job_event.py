"""ModelJobEvent model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from bacalhau_client.models.base import Model, Nested, Time, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.model_deal import ModelDeal
    from bacalhau_client.models.model_job_execution_plan import ModelJobExecutionPlan
    from bacalhau_client.models.model_run_command_result import ModelRunCommandResult
    from bacalhau_client.models.model_spec import ModelSpec
    from bacalhau_client.models.model_storage_spec import ModelStorageSpec
    from bacalhau_client.models.model_verification_result import ModelVerificationResult


class ModelJobEvent(Model):
    """One step in a job's life (Created, Bid, ResultsPublished, ...), from ``/events``."""

    api_version: Optional[str] = field("APIVersion")
    job_id: Optional[str] = field("JobID")
    shard_index: Optional[int] = field("ShardIndex")
    client_id: Optional[str] = field("ClientID")
    source_node_id: Optional[str] = field("SourceNodeID")
    target_node_id: Optional[str] = field("TargetNodeID")
    event_name: Optional[str] = field("EventName", enum="JobEventType")
    spec: Nested[ModelSpec] = field("Spec")
    job_execution_plan: Nested[ModelJobExecutionPlan] = field("JobExecutionPlan")
    deal: Nested[ModelDeal] = field("Deal")
    status: Optional[str] = field("Status")
    verification_proposal: Optional[str] = field("VerificationProposal", base64=True)
    verification_result: Nested[ModelVerificationResult] = field("VerificationResult")
    published_result: Nested[ModelStorageSpec] = field("PublishedResult")
    event_time: Time = field("EventTime")
    sender_public_key: Optional[str] = field("SenderPublicKey", base64=True, text_only=True)
    run_output: Nested[ModelRunCommandResult] = field("RunOutput", pointer=True)
