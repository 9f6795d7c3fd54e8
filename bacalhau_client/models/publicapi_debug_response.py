"""PublicapiDebugResponse model."""

from bacalhau_client.models.base import Field, Model


class PublicapiDebugResponse(Model):
    """The body of ``GET /debug``: capacity and the jobs in progress."""

    _fields = (
        Field('available_compute_capacity', 'AvailableComputeCapacity', 'ModelResourceUsageData', omitempty=False),
        Field('compute_jobs', 'ComputeJobs', 'list[ComputenodeActiveJob]', omitempty=False),
        Field('requester_jobs', 'RequesterJobs', 'list[RequesternodeActiveJob]', omitempty=False),
    )
