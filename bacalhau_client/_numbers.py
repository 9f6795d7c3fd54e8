"""What counts as a number of seconds and as a whole number in the SDK's arguments and settings.

One home for the rule, so every check refuses the same things: ``True`` and
``False`` (a ``bool`` is an ``int`` to Python), NaN and infinity. Each caller
keeps its own error message, which names its argument.
"""

import math
from typing import Any, Optional


def is_seconds(value: Any, *, zero: bool = False, most: float = math.inf) -> bool:
    """A finite ``int`` or ``float`` above 0 (from 0 when ``zero``) and at most ``most``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return False
    return (value >= 0 if zero else value > 0) and value <= most


def is_whole_number(value: Any, least: int, most: Optional[int] = None) -> bool:
    """An ``int`` (not a ``bool``) from ``least`` to ``most`` (no upper limit when ``None``)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    return value >= least and (most is None or value <= most)
