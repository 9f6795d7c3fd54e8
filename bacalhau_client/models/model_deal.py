"""ModelDeal model."""

from __future__ import annotations

from typing import Optional

from bacalhau_client.models.base import Model, field


class ModelDeal(Model):
    """What the submitter asks for: how many nodes run the job and how many must agree."""

    concurrency: Optional[int] = field("Concurrency")
    confidence: Optional[int] = field("Confidence")
    min_bids: Optional[int] = field("MinBids")
