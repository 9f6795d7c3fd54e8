"""One API class per tag of the node's API."""

from bacalhau_client.api.health_api import HealthApi
from bacalhau_client.api.job_api import JobApi
from bacalhau_client.api.misc_api import MiscApi

__all__ = ["HealthApi", "JobApi", "MiscApi"]
