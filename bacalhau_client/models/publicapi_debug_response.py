"""PublicapiDebugResponse model."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

from bacalhau_client.models.base import Model, Nested, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.computenode_active_job import ComputenodeActiveJob
    from bacalhau_client.models.model_resource_usage_data import ModelResourceUsageData
    from bacalhau_client.models.requesternode_active_job import RequesternodeActiveJob


class PublicapiDebugResponse(Model):
    """The body of ``GET /debug``: capacity and the jobs in progress."""

    available_compute_capacity: Nested[ModelResourceUsageData] = field("AvailableComputeCapacity", omitempty=False)
    compute_jobs: Optional[List[ComputenodeActiveJob]] = field("ComputeJobs", omitempty=False)
    requester_jobs: Optional[List[RequesternodeActiveJob]] = field("RequesterJobs", omitempty=False)
