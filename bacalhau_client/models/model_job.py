"""ModelJob model."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

from bacalhau_client.models.base import Model, Nested, Time, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.model_deal import ModelDeal
    from bacalhau_client.models.model_job_event import ModelJobEvent
    from bacalhau_client.models.model_job_execution_plan import ModelJobExecutionPlan
    from bacalhau_client.models.model_job_local_event import ModelJobLocalEvent
    from bacalhau_client.models.model_job_state import ModelJobState
    from bacalhau_client.models.model_spec import ModelSpec


class ModelJob(Model):
    """A job as the node stores it: the spec and deal as submitted, plus the IDs, time and state the node adds."""

    api_version: Optional[str] = field("APIVersion", omitempty=False)
    id: Optional[str] = field("ID")
    requester_node_id: Optional[str] = field("RequesterNodeID")
    requester_public_key: Optional[str] = field("RequesterPublicKey", base64=True, text_only=True)
    client_id: Optional[str] = field("ClientID")
    spec: Nested[ModelSpec] = field("Spec")
    deal: Nested[ModelDeal] = field("Deal")
    execution_plan: Nested[ModelJobExecutionPlan] = field("ExecutionPlan")
    created_at: Time = field("CreatedAt")
    job_state: Nested[ModelJobState] = field("JobState")
    job_events: Optional[List[ModelJobEvent]] = field("JobEvents")
    local_job_events: Optional[List[ModelJobLocalEvent]] = field("LocalJobEvents")
