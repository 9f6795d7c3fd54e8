"""Types of TypesHealthInfo, written by scripts/gen_model_stubs.py from its table."""

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Union

from bacalhau_client.models.base import Field, Model
from bacalhau_client.models.timestamp import Timestamp
from bacalhau_client.models.types_free_space import TypesFreeSpace


class TypesHealthInfo(Model):
    _fields: Tuple[Field, ...]
    @property
    def free_space(self) -> Optional[TypesFreeSpace]: ...
    @free_space.setter
    def free_space(self, value: Union[TypesFreeSpace, Dict[str, Any], None]) -> None: ...

    def __init__(
        self,
        free_space: Union[TypesFreeSpace, Dict[str, Any], None] = ...,
    ) -> None: ...
