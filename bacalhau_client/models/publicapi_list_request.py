"""PublicapiListRequest model."""

from __future__ import annotations

from typing import Optional

from bacalhau_client.models.base import Model, field


class PublicapiListRequest(Model):
    """The body of ``POST /list``. Note that ``max_jobs`` 0 returns no jobs."""

    id: Optional[str] = field("id", omitempty=False)
    client_id: Optional[str] = field("client_id", omitempty=False)
    max_jobs: Optional[int] = field("max_jobs", omitempty=False)
    return_all: Optional[bool] = field("return_all", omitempty=False)
    sort_by: Optional[str] = field("sort_by", omitempty=False)
    sort_reverse: Optional[bool] = field("sort_reverse", omitempty=False)
