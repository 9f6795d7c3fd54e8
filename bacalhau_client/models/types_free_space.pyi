"""Types of TypesFreeSpace, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.types_mount_status import TypesMountStatus


class TypesFreeSpace(Model):
    _fields: Tuple[Field, ...]
    @property
    def ipfs_mount(self) -> Optional[TypesMountStatus]: ...
    @ipfs_mount.setter
    def ipfs_mount(self, value: Union[TypesMountStatus, Dict[str, Any], None]) -> None: ...
    @property
    def root(self) -> Optional[TypesMountStatus]: ...
    @root.setter
    def root(self, value: Union[TypesMountStatus, Dict[str, Any], None]) -> None: ...
    @property
    def tmp(self) -> Optional[TypesMountStatus]: ...
    @tmp.setter
    def tmp(self, value: Union[TypesMountStatus, Dict[str, Any], None]) -> None: ...

    def __init__(
        self,
        ipfs_mount: Union[TypesMountStatus, Dict[str, Any], None] = ...,
        root: Union[TypesMountStatus, Dict[str, Any], None] = ...,
        tmp: Union[TypesMountStatus, Dict[str, Any], None] = ...,
    ) -> None: ...
