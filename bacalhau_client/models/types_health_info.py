"""TypesHealthInfo model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bacalhau_client.models.base import Model, Nested, field

if TYPE_CHECKING:  # imported for type checkers only: models load on first use
    from bacalhau_client.models.types_free_space import TypesFreeSpace


class TypesHealthInfo(Model):
    """The body of ``GET /healthz``."""

    free_space: Nested[TypesFreeSpace] = field("FreeSpace", omitempty=False)
