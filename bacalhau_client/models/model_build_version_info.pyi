"""Types of ModelBuildVersionInfo, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp


class ModelBuildVersionInfo(Model):
    _fields: Tuple[Field, ...]
    major: Optional[str]
    minor: Optional[str]
    gitversion: Optional[str]
    gitcommit: Optional[str]
    @property
    def builddate(self) -> Optional[Timestamp]: ...
    @builddate.setter
    def builddate(self, value: Union[datetime, str, None]) -> None: ...
    goos: Optional[str]
    goarch: Optional[str]

    def __init__(
        self,
        major: Optional[str] = ...,
        minor: Optional[str] = ...,
        gitversion: Optional[str] = ...,
        gitcommit: Optional[str] = ...,
        builddate: Union[datetime, str, None] = ...,
        goos: Optional[str] = ...,
        goarch: Optional[str] = ...,
    ) -> None: ...
