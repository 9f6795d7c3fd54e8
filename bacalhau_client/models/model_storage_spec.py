"""ModelStorageSpec model."""

from __future__ import annotations

from typing import Dict, Optional

from bacalhau_client.models.base import Model, field


class ModelStorageSpec(Model):
    """A volume: where its data lives (CID or URL) and where it is mounted."""

    storage_source: Optional[str] = field("StorageSource", enum="StorageSourceType")
    name: Optional[str] = field("Name")
    cid: Optional[str] = field("CID")
    url: Optional[str] = field("URL")
    path: Optional[str] = field("path")
    metadata: Optional[Dict[str, str]] = field("Metadata")
