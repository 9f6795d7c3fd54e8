"""ModelVerificationResult model."""

from __future__ import annotations

from typing import Optional

from bacalhau_client.models.base import Model, field


class ModelVerificationResult(Model):
    """Whether a shard's results were verified, and the verdict."""

    complete: Optional[bool] = field("Complete")
    result: Optional[bool] = field("Result")
