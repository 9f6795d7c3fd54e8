"""ModelRunCommandResult model."""

from __future__ import annotations

from typing import Optional

from bacalhau_client.models.base import Model, field


class ModelRunCommandResult(Model):
    """What a run printed and how it ended."""

    stdout: Optional[str] = field("stdout", omitempty=False)
    stdouttruncated: Optional[bool] = field("stdouttruncated", omitempty=False)
    stderr: Optional[str] = field("stderr", omitempty=False)
    stderrtruncated: Optional[bool] = field("stderrtruncated", omitempty=False)
    exit_code: Optional[int] = field("exitCode", omitempty=False)
    runner_error: Optional[str] = field("runnerError", omitempty=False)
