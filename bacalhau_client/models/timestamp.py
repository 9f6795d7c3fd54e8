"""RFC 3339 timestamps that keep what a ``datetime`` would lose.

The node writes times such as ``2022-11-17T13:32:55.33837275Z``: nanoseconds,
and the offset the time was written with. A ``datetime`` holds microseconds
only, so the SDK keeps the timestamp as the exact string (a ``str`` subclass,
written back unchanged) and offers the ``datetime`` as a view.
"""

import re
import time
from datetime import datetime, timedelta, timezone

# Inside Timestamp the name ``datetime`` is its property; annotations use this alias.
DateTime = datetime
from typing import Optional

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})\Z")

ZERO_TIME = "0001-01-01T00:00:00Z"


class Timestamp(str):
    """A timestamp exactly as it travels, with ``datetime`` and ``nanosecond`` views.

    >>> t = Timestamp("2022-11-17T13:32:55.33837275Z")
    >>> t.nanosecond, t.datetime.microsecond
    (338372750, 338372)
    """

    __slots__ = ()

    def _parts(self):
        match = _RFC3339.match(self)
        if match is None:
            raise ValueError("not an RFC 3339 timestamp: %r" % str(self))
        return match.groups()

    @property
    def nanosecond(self) -> int:
        """The fraction of the second in nanoseconds (digits past the ninth are ignored, as Go does)."""
        fraction = self._parts()[6] or ""
        return int((fraction + "000000000")[:9])

    @property
    def utcoffset(self) -> timedelta:
        """The offset the time was written with (zero for ``Z``)."""
        zone = self._parts()[7]
        if zone in ("Z", "z"):
            return timedelta(0)
        sign = -1 if zone[0] == "-" else 1
        return sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))

    @property
    def datetime(self) -> DateTime:
        """An aware ``datetime`` in the written offset, truncated to microseconds."""
        year, month, day, hour, minute, second = (int(part) for part in self._parts()[:6])
        return datetime(year, month, day, hour, minute, second, self.nanosecond // 1000,
                        tzinfo=timezone(self.utcoffset))

    @classmethod
    def from_datetime(cls, value: DateTime, nanosecond: Optional[int] = None) -> "Timestamp":
        """Write a ``datetime`` as Go does (naive values are taken as UTC)."""
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        nanos = value.microsecond * 1000 if nanosecond is None else nanosecond
        return cls(format_rfc3339(value.replace(microsecond=0), nanos))

    @classmethod
    def now(cls) -> "Timestamp":
        """The current UTC time with nanoseconds, as the node stamps ``CreatedAt``."""
        nanos = time.time_ns()
        seconds, fraction = divmod(nanos, 1_000_000_000)
        moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
        return cls(format_rfc3339(moment, fraction))


def format_rfc3339(moment: datetime, nanosecond: int) -> str:
    """Go's ``time.RFC3339Nano``: trailing zero fraction digits dropped, ``Z`` for UTC."""
    text = "%04d-%02d-%02dT%02d:%02d:%02d" % (
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    if nanosecond:
        text += ("." + "%09d" % nanosecond).rstrip("0")
    offset = moment.utcoffset() or timedelta(0)
    if not offset:
        return text + "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return text + "%s%02d:%02d" % (sign, minutes // 60, minutes % 60)
