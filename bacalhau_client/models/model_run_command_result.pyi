"""Types of ModelRunCommandResult, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp


class ModelRunCommandResult(Model):
    _fields: Tuple[Field, ...]
    stdout: Optional[str]
    stdouttruncated: Optional[bool]
    stderr: Optional[str]
    stderrtruncated: Optional[bool]
    exit_code: Optional[int]
    runner_error: Optional[str]

    def __init__(
        self,
        stdout: Optional[str] = ...,
        stdouttruncated: Optional[bool] = ...,
        stderr: Optional[str] = ...,
        stderrtruncated: Optional[bool] = ...,
        exit_code: Optional[int] = ...,
        runner_error: Optional[str] = ...,
    ) -> None: ...
