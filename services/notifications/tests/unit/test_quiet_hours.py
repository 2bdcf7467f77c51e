from datetime import UTC, datetime, time

import pytest

from notifications.domain.quiet_hours import QuietHours, window_end

NIGHT = QuietHours(time(22), time(7))  # spans midnight
LUNCH = QuietHours(time(12), time(14))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "end"),
    [
        (utc(2030, 1, 15, 21, 0), utc(2030, 1, 16, 6, 0)),  # 22:00 Paris (winter, +1): ends 07:00 next day
        (utc(2030, 1, 15, 23, 30), utc(2030, 1, 16, 6, 0)),  # 00:30 Paris, after midnight
        (utc(2030, 1, 16, 5, 59), utc(2030, 1, 16, 6, 0)),  # 06:59 Paris
        (utc(2030, 1, 16, 6, 0), None),  # 07:00 Paris: the window has ended (end is exclusive)
        (utc(2030, 1, 15, 20, 59), None),  # 21:59 Paris
        (utc(2030, 7, 15, 20, 30), utc(2030, 7, 16, 5, 0)),  # 22:30 Paris in summer (+2)
    ],
)
def test_a_window_spanning_midnight_in_the_members_time_zone(now: datetime, end: datetime | None) -> None:
    assert window_end(NIGHT, "Europe/Paris", now) == end


def test_a_window_within_one_day() -> None:
    assert window_end(LUNCH, "Asia/Tokyo", utc(2030, 1, 15, 3, 30)) == utc(2030, 1, 15, 5, 0)  # 12:30 Tokyo
    assert window_end(LUNCH, "Asia/Tokyo", utc(2030, 1, 15, 5, 0)) is None


def test_the_end_of_the_night_the_clocks_go_forward_is_in_summer_time() -> None:
    # Paris, 31 March 2030: 02:00 becomes 03:00. 23:00 the day before is winter time (+1).
    end = window_end(NIGHT, "Europe/Paris", utc(2030, 3, 30, 22, 0))
    assert end == utc(2030, 3, 31, 5, 0)  # 07:00 summer time (+2)


def test_the_end_of_the_night_the_clocks_go_back_is_in_winter_time() -> None:
    # New York, 3 November 2030: 02:00 becomes 01:00. 23:00 the day before is summer time (-4).
    end = window_end(NIGHT, "America/New_York", utc(2030, 11, 3, 3, 0))
    assert end == utc(2030, 11, 3, 12, 0)  # 07:00 standard time (-5)


def test_an_unknown_time_zone_is_read_as_utc() -> None:
    assert window_end(NIGHT, "Mars/Olympus", utc(2030, 1, 15, 23, 0)) == utc(2030, 1, 16, 7, 0)
    assert window_end(NIGHT, None, utc(2030, 1, 15, 23, 0)) == utc(2030, 1, 16, 7, 0)
