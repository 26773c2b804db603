"""Local days in real time zones: where the offset changes, when each day starts, and this
computer's own zone (set for the test through TZ, whatever the machine's is)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from pos_app.domain.errors import InvalidInput
from pos_app.domain.local_time import (
    LocalZone,
    OffsetPeriod,
    local_day_start,
    local_days,
    offset_periods,
    zone_named,
)
from tests.factories import machine_zone

YEAR = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
ZONES = [
    "Europe/London",
    "America/New_York",
    "Australia/Adelaide",  # +9:30 / +10:30
    "Australia/Lord_Howe",  # summer time of half an hour
    "Asia/Beirut",  # the clocks change at midnight
    "America/Santiago",  # southern, changes at midnight local
    "Asia/Kolkata",  # +5:30, no summer time
]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_year_in_london_has_three_stretches():
    assert offset_periods(*YEAR, ZoneInfo("Europe/London")) == [
        OffsetPeriod(YEAR[0], utc(2026, 3, 29, 1), 0),
        OffsetPeriod(utc(2026, 3, 29, 1), utc(2026, 10, 25, 1), 3600),
        OffsetPeriod(utc(2026, 10, 25, 1), YEAR[1], 0),
    ]


def test_adelaide_changes_on_the_half_hour():
    assert offset_periods(*YEAR, ZoneInfo("Australia/Adelaide")) == [
        OffsetPeriod(YEAR[0], utc(2026, 4, 4, 16, 30), 37800),
        OffsetPeriod(utc(2026, 4, 4, 16, 30), utc(2026, 10, 3, 16, 30), 34200),
        OffsetPeriod(utc(2026, 10, 3, 16, 30), YEAR[1], 37800),
    ]


def test_a_fixed_offset_or_a_zone_without_summer_time_is_one_stretch():
    paris_winter = timezone(timedelta(hours=1))
    assert offset_periods(*YEAR, paris_winter) == [OffsetPeriod(*YEAR, 3600)]
    assert offset_periods(*YEAR, ZoneInfo("Asia/Kolkata")) == [OffsetPeriod(*YEAR, 19800)]
    assert offset_periods(YEAR[0], YEAR[0], paris_winter) == []


@pytest.mark.parametrize("name", ZONES)
def test_every_stretch_has_one_offset_and_meets_the_next(name):
    zone = ZoneInfo(name)
    since, until = utc(2024, 1, 1, 0, 0, 0, 250_000), utc(2027, 1, 1, 0, 0, 0, 500)
    periods = offset_periods(since, until, zone)
    assert periods[0].start == since and periods[-1].end == until
    for period, following in pairwise(periods):
        assert period.end == following.start and period.offset != following.offset
    for period in periods:
        for instant in (period.start, period.end - timedelta(microseconds=1)):
            assert instant.astimezone(zone).utcoffset() == timedelta(seconds=period.offset)


@pytest.mark.parametrize("name", ZONES)
def test_each_day_starts_at_the_first_instant_of_its_date(name):
    zone = ZoneInfo(name)
    day = date(2026, 1, 1)
    while day.year == 2026:
        start = local_day_start(day, zone)
        assert start.astimezone(zone).date() == day
        assert (start - timedelta(microseconds=1)).astimezone(zone).date() < day
        day += timedelta(days=1)


def test_days_the_clocks_change_are_23_and_25_hours_long():
    london = ZoneInfo("Europe/London")
    spring, autumn = local_days(date(2026, 3, 29), date(2026, 3, 29), london)
    assert (spring, autumn) == (utc(2026, 3, 29), utc(2026, 3, 29, 23))
    since, until = local_days(date(2026, 10, 25), date(2026, 10, 25), london)
    assert until - since == timedelta(hours=25)
    # each end of a period at its own offset: BST at the start, GMT at the end
    assert local_days(date(2026, 10, 1), date(2026, 10, 31), london) == (
        utc(2026, 9, 30, 23),
        utc(2026, 11, 1),
    )


def test_where_the_clocks_skip_midnight_the_day_starts_when_they_jump():
    # Beirut, 29 March 2026: 00:00 becomes 01:00 (22:00 UTC): the day has no midnight
    beirut = ZoneInfo("Asia/Beirut")
    assert local_day_start(date(2026, 3, 29), beirut) == utc(2026, 3, 28, 22)
    # 25 October: 00:00 goes back to 23:00; the 24th runs on to the second midnight
    assert local_day_start(date(2026, 10, 25), beirut) == utc(2026, 10, 24, 22)


def test_an_unknown_zone_is_refused_with_a_sentence():
    with pytest.raises(InvalidInput, match="not a time zone"):
        zone_named("Nowhere/Atlantis")
    with pytest.raises(InvalidInput):
        zone_named("../etc/passwd")
    assert zone_named("Europe/London") == ZoneInfo("Europe/London")


# -- this computer's zone ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["Europe/London", "America/New_York", "Australia/Adelaide"])
def test_local_zone_is_the_machines_zone_at_every_instant(name):
    with machine_zone(name):
        _same_as(LocalZone(), ZoneInfo(name))


def _same_as(zone: LocalZone, named: ZoneInfo) -> None:
    assert offset_periods(*YEAR, zone) == offset_periods(*YEAR, named)
    assert local_days(date(2026, 1, 1), date(2026, 12, 31), zone) == local_days(
        date(2026, 1, 1), date(2026, 12, 31), named
    )
    # around each change, every quarter of an hour: the same wall time, fold and offset
    for period in offset_periods(*YEAR, named)[1:]:
        instant = period.start - timedelta(hours=3)
        while instant < period.start + timedelta(hours=3):
            mine, theirs = instant.astimezone(zone), instant.astimezone(named)
            assert mine.replace(tzinfo=None) == theirs.replace(tzinfo=None)
            assert (mine.fold, mine.utcoffset()) == (theirs.fold, theirs.utcoffset())
            assert mine.tzname() == theirs.tzname()
            for fold in (0, 1):  # wall times read back, the skipped and repeated ones too
                wall = theirs.replace(tzinfo=None, fold=fold)
                assert (
                    wall.replace(tzinfo=zone).utcoffset() == wall.replace(tzinfo=named).utcoffset()
                )
            instant += timedelta(minutes=15)


def test_local_zone_follows_the_machine_and_is_one_zone():
    noon = utc(2026, 7, 1, 12)
    with machine_zone("Europe/London"):
        assert noon.astimezone(LocalZone()).hour == 13
    with machine_zone("Asia/Tokyo"):
        assert noon.astimezone(LocalZone()).hour == 21
    assert LocalZone() == LocalZone() and hash(LocalZone()) == hash(LocalZone())
    assert LocalZone() != ZoneInfo("Asia/Tokyo")
    assert repr(LocalZone()) == "LocalZone()"
