"""Local calendar days in a real time zone, summer time included.

A shop reports in its own days: midnight to midnight on its clocks. Twice a year (in most
places) the clocks move, so a period of days does not have one offset from UTC: this module
cuts a period into the stretches of one offset each (``offset_periods``) and finds the
instant each local day starts (``local_day_start``), for any ``tzinfo``:

- a ``zoneinfo.ZoneInfo`` by name ("Europe/London"), from the tz database (on Windows the
  ``tzdata`` package provides it);
- ``LocalZone()``: this computer's own zone as the operating system reports it (what
  ``datetime.astimezone()`` and the rest of the app show local times in), no tz database
  needed;
- a fixed ``datetime.timezone`` offset (one stretch, whatever the period).

Offsets are whole seconds (every zone's have been since the 1970s).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InvalidInput

_EPOCH = datetime(1970, 1, 1)
_DAY = timedelta(days=1)
# How often a period is probed for an offset change. Two changes closer together than this
# would be seen as one: no zone has had that since the tz database began tracking them.
PROBE_STEP = timedelta(hours=6)


class LocalZone(tzinfo):
    """This computer's time zone with its summer time, for any instant, as the operating
    system tells it (``time.localtime``: the TZ variable, /etc/localtime, Windows' setting).

    ``datetime.astimezone()`` sees the same zone but hands back one fixed offset, right for
    one instant only; this answers for each instant. Follows PEP 495: a wall time the clocks
    pass twice is the first (``fold=0``) or the second (``fold=1``) time; one they skip is
    read with the offset before the change (``fold=0``) or after it (``fold=1``). All
    instances are the same zone."""

    def offset_at(self, instant: datetime) -> timedelta:
        """The offset at an aware instant (or a naive UTC one)."""
        if instant.tzinfo is not None:
            instant = instant.astimezone(UTC).replace(tzinfo=None)
        seconds = math.floor((instant - _EPOCH).total_seconds())
        return timedelta(seconds=time.localtime(seconds).tm_gmtoff)

    def _offsets_of(self, wall: datetime) -> tuple[timedelta, timedelta, list[timedelta]]:
        """The offsets either side of ``wall`` (naive) and those at which the clocks show it,
        largest (earliest instant) first."""
        before, after = self.offset_at(wall - _DAY), self.offset_at(wall + _DAY)
        shown = {o for o in (before, after) if self.offset_at(wall - o) == o}
        return before, after, sorted(shown, reverse=True)

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        if dt is None:
            return None
        before, after, shown = self._offsets_of(dt.replace(tzinfo=None))
        if not shown:  # skipped by the clocks
            return after if dt.fold else before
        return shown[-1] if dt.fold else shown[0]

    def fromutc(self, dt: datetime) -> datetime:
        if dt.tzinfo is not self:
            raise ValueError("fromutc: dt.tzinfo is not self")
        utc = dt.replace(tzinfo=None)
        offset = self.offset_at(utc)
        wall = utc + offset
        shown = self._offsets_of(wall)[2]
        return wall.replace(tzinfo=self, fold=int(len(shown) > 1 and offset == shown[-1]))

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None  # not known apart from the offset

    def tzname(self, dt: datetime | None) -> str | None:
        if dt is None:
            return time.tzname[0]
        offset = self.utcoffset(dt) or timedelta(0)
        utc = dt.replace(tzinfo=None) - offset
        return time.localtime(math.floor((utc - _EPOCH).total_seconds())).tm_zone

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LocalZone)

    def __hash__(self) -> int:
        return hash(LocalZone)

    def __repr__(self) -> str:
        return "LocalZone()"


def zone_named(name: str) -> tzinfo:
    """The tz database zone ``name`` ("Europe/London"), or a sentence saying it is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise InvalidInput(f'"{name}" is not a time zone this computer knows.', "zone") from None


def _offset_function(zone: tzinfo) -> Callable[[int], int]:
    """``zone``'s offset in seconds at a Unix time (whole seconds: offsets change on them)."""
    if isinstance(zone, LocalZone):
        return lambda seconds: time.localtime(seconds).tm_gmtoff
    return lambda seconds: _seconds(datetime.fromtimestamp(seconds, zone).utcoffset())


def _seconds(offset: timedelta | None) -> int:
    return int((offset or timedelta(0)).total_seconds())


def offset_seconds(instant: datetime, zone: tzinfo) -> int:
    """``zone``'s offset from UTC at an aware ``instant``, in seconds."""
    return _offset_function(zone)(math.floor(instant.timestamp()))


@dataclass(frozen=True)
class OffsetPeriod:
    """``[start, end)`` (aware, UTC), all of it ``offset`` seconds from UTC."""

    start: datetime
    end: datetime
    offset: int

    def local_date(self, instant: datetime) -> date:
        return (instant.astimezone(UTC) + timedelta(seconds=self.offset)).date()


def offset_periods(since: datetime, until: datetime, zone: tzinfo) -> list[OffsetPeriod]:
    """``[since, until)`` cut where ``zone``'s offset changes (at most a few a year): one
    period per stretch of one offset, in order, none empty.

    The period is probed every ``PROBE_STEP`` and a change found between two probes is
    narrowed down to its second: a year costs some 1,500 look-ups of the offset (a millisecond
    or two)."""
    since, until = since.astimezone(UTC), until.astimezone(UTC)
    if since >= until:
        return []
    if isinstance(zone, timezone):  # a fixed offset
        return [OffsetPeriod(since, until, _seconds(zone.utcoffset(None)))]
    offset_at = _offset_function(zone)
    step = int(PROBE_STEP.total_seconds())
    periods: list[OffsetPeriod] = []
    start, probe = since, math.floor(since.timestamp())
    offset = offset_at(probe)
    last = math.ceil(until.timestamp()) - 1  # the last whole second before until
    while probe < last:
        following = min(probe + step, last)
        if offset_at(following) == offset:
            probe = following
            continue
        low, high = probe, following  # offset at low; another at high: find the change
        while high - low > 1:
            middle = (low + high) // 2
            if offset_at(middle) == offset:
                low = middle
            else:
                high = middle
        change = datetime.fromtimestamp(high, UTC)
        periods.append(OffsetPeriod(start, change, offset))
        start, probe, offset = change, high, offset_at(high)
    periods.append(OffsetPeriod(start, until, offset))
    return periods


def local_day_start(day: date, zone: tzinfo) -> datetime:
    """The first instant (aware, UTC) whose local date in ``zone`` is ``day`` or later:
    local midnight, or the moment the clocks jump past it where they change at midnight."""
    midnight = datetime.combine(day, datetime.min.time(), UTC)  # as if UTC
    # a local midnight is within a day of the same wall time in UTC (offsets are < 24 h)
    for period in offset_periods(midnight - _DAY, midnight + 2 * _DAY, zone):
        if period.local_date(period.start) >= day:
            return period.start  # the clocks jumped to (or past) midnight
        candidate = midnight - timedelta(seconds=period.offset)
        if candidate < period.end:
            return candidate
    raise AssertionError("unreachable: the window spans the day")  # pragma: no cover


def local_days(first: date, last: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """``[since, until)`` (aware, UTC) of the local days ``first`` to ``last`` inclusive."""
    return local_day_start(first, zone), local_day_start(last + _DAY, zone)
