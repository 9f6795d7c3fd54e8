"""ModelBuildVersionInfo model."""

from __future__ import annotations

from typing import Optional

from bacalhau_client.models.base import Model, Time, field


class ModelBuildVersionInfo(Model):
    """The node's build: version, commit, date and platform (``/version``)."""

    major: Optional[str] = field("major")
    minor: Optional[str] = field("minor")
    gitversion: Optional[str] = field("gitversion", omitempty=False)
    gitcommit: Optional[str] = field("gitcommit", omitempty=False)
    builddate: Time = field("builddate", omitempty=False)
    goos: Optional[str] = field("goos", omitempty=False)
    goarch: Optional[str] = field("goarch", omitempty=False)
