"""A Bacalhau requester node in this process, for trying the SDK and testing code without a network.

>>> from bacalhau_client.devserver import LocalRequesterNode
>>> with LocalRequesterNode() as node:
...     api = JobApi(ApiClient(Configuration(host=node.url)))

See ``docs/LocalNode.md``. Needs ``cryptography`` (it checks signatures).
"""

from bacalhau_client.devserver.executor import MAX_OUTPUT_BYTES, Volumes, echo_executor, noop_executor
from bacalhau_client.devserver.node import LocalRequesterNode

__all__ = ["LocalRequesterNode", "MAX_OUTPUT_BYTES", "Volumes", "echo_executor", "noop_executor"]
