"""Types of ModelJobState, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.model_job_node_state import ModelJobNodeState


class ModelJobState(Model):
    _fields: Tuple[Field, ...]
    nodes: Optional[Dict[str, ModelJobNodeState]]

    def __init__(
        self,
        nodes: Optional[Dict[str, ModelJobNodeState]] = ...,
    ) -> None: ...
