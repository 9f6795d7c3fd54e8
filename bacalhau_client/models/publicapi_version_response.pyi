"""Types of PublicapiVersionResponse, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.model_build_version_info import ModelBuildVersionInfo


class PublicapiVersionResponse(Model):
    _fields: Tuple[Field, ...]
    @property
    def build_version_info(self) -> Optional[ModelBuildVersionInfo]: ...
    @build_version_info.setter
    def build_version_info(self, value: Union[ModelBuildVersionInfo, Dict[str, Any], None]) -> None: ...

    def __init__(
        self,
        build_version_info: Union[ModelBuildVersionInfo, Dict[str, Any], None] = ...,
    ) -> None: ...
