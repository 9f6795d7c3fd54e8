"""RFC 3339 timestamps that keep what a ``datetime`` would lose.

The node writes times such as ``2022-11-17T13:32:55.33837275Z``: nanoseconds,
and the offset the time was written with. A ``datetime`` holds microseconds
only, so the SDK keeps the timestamp as the exact string (a ``str`` subclass,
written back unchanged) and offers the ``datetime`` as a view. What counts as a
timestamp is what the node's Go ``time.Time`` accepts (:mod:`bacalhau_client._go`).
"""

import time
from datetime import datetime, timedelta, timezone
from typing import Optional

from bacalhau_client._go import ZERO_TIME, GoTime, format_rfc3339 as _format_go_time, parse_rfc3339

__all__ = ["DateTime", "Timestamp", "ZERO_TIME", "format_rfc3339"]

# Inside Timestamp the name ``datetime`` is its property; annotations use this alias.
DateTime = datetime

_MAX_TZINFO_OFFSET = timedelta(hours=24)  # datetime.timezone holds offsets strictly inside +-24h


class Timestamp(str):
    """A timestamp exactly as it travels, with ``datetime`` and ``nanosecond`` views.

    >>> t = Timestamp("2022-11-17T13:32:55.33837275Z")
    >>> t.nanosecond, t.datetime.microsecond
    (338372750, 338372)
    >>> Timestamp("2022-11-17T9:32:55.50+01:75").canonical   # what the Go node writes back
    '2022-11-17T09:32:55.5+02:15'
    """

    __slots__ = ()

    def _time(self) -> GoTime:
        try:
            return parse_rfc3339(self)
        except ValueError as error:
            raise ValueError("not an RFC 3339 timestamp: %r (%s)" % (str(self), error)) from None

    @property
    def canonical(self) -> str:
        """The timestamp as the Go node writes it back; ``ValueError`` if the node would refuse it."""
        return _format_go_time(self._time())

    @property
    def nanosecond(self) -> int:
        """The fraction of the second in nanoseconds (digits past the ninth are ignored, as Go does)."""
        return self._time().nanosecond

    @property
    def utcoffset(self) -> timedelta:
        """The offset the time was written with (zero for ``Z``)."""
        return timedelta(minutes=self._time().offset_minutes)

    @property
    def datetime(self) -> DateTime:
        """An aware ``datetime`` in the written offset, truncated to microseconds.

        An offset of 24 hours or more, which Go accepts but ``datetime.timezone``
        cannot hold, gives the same instant in UTC; year 0 has no ``datetime``.
        """
        parts = self._time()
        if parts.year < 1:
            raise ValueError("%r: year 0 is before the first year a datetime can hold" % str(self))
        offset = timedelta(minutes=parts.offset_minutes)
        inside = abs(offset) < _MAX_TZINFO_OFFSET
        moment = datetime(parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second,
                          parts.nanosecond // 1000, tzinfo=timezone(offset if inside else timedelta(0)))
        return moment if inside else moment - offset

    @classmethod
    def from_datetime(cls, value: DateTime, nanosecond: Optional[int] = None) -> "Timestamp":
        """Write a ``datetime`` as Go does (naive values are taken as UTC)."""
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        nanos = value.microsecond * 1000 if nanosecond is None else nanosecond
        return cls(format_rfc3339(value, nanos))

    @classmethod
    def now(cls) -> "Timestamp":
        """The current UTC time with nanoseconds, as the node stamps ``CreatedAt``."""
        seconds, fraction = divmod(time.time_ns(), 1_000_000_000)
        return cls(format_rfc3339(datetime.fromtimestamp(seconds, tz=timezone.utc), fraction))


def format_rfc3339(moment: DateTime, nanosecond: int) -> str:
    """Go's ``time.RFC3339Nano`` for an aware ``datetime`` (its microseconds replaced by ``nanosecond``)."""
    offset_seconds = (moment.utcoffset() or timedelta(0)).total_seconds()
    return _format_go_time(GoTime(moment.year, moment.month, moment.day, moment.hour, moment.minute,
                                  moment.second, nanosecond, int(offset_seconds / 60)))
