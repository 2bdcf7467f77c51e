"""Weekly availability: windows (weekday, start, end) in the member's own time zone.

Valid windows last between 30 minutes and a whole day, do not overlap on the same weekday, and a
person has at most 28 of them. `end` 00:00 means midnight at the end of the day.
"""

from __future__ import annotations

import itertools
from datetime import time
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from shared.contracts.membership import AvailabilityWindow

MIN_MINUTES = 30
MAX_WINDOWS = 28
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


class Window(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    weekday: int = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday")
    start: time = Field(examples=["18:00"])
    end: time = Field(examples=["20:00"], description="exclusive; 00:00 means midnight at the end of the day")

    @model_validator(mode="after")
    def _sane(self) -> Window:
        if self.start.second or self.end.second or self.start.microsecond or self.end.microsecond:
            raise ValueError("give times to the minute, e.g. '18:30'")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("give local times without an offset; the time zone is the member's own")
        if self.end_minute - self.start_minute < MIN_MINUTES:
            raise ValueError(f"a window must last at least {MIN_MINUTES} minutes and end after it starts")
        return self

    @property
    def start_minute(self) -> int:
        return _minutes(self.start)

    @property
    def end_minute(self) -> int:
        return _minutes(self.end) or 24 * 60

    @classmethod
    def from_minutes(cls, weekday: int, start_minute: int, end_minute: int) -> Window:
        end = time(0) if end_minute == 24 * 60 else time(end_minute // 60, end_minute % 60)
        return cls(weekday=weekday, start=time(start_minute // 60, start_minute % 60), end=end)

    def message(self) -> AvailabilityWindow:
        return AvailabilityWindow(weekday=self.weekday, start=self.start, end=self.end)


def check_windows(windows: list[Window]) -> list[Window]:
    ordered = sorted(windows, key=lambda w: (w.weekday, w.start_minute))
    for before, after in itertools.pairwise(ordered):
        if before.weekday == after.weekday and after.start_minute < before.end_minute:
            raise ValueError(
                f"windows overlap on {WEEKDAYS[before.weekday]}: {before.start:%H:%M}-{before.end:%H:%M}"
                f" and {after.start:%H:%M}-{after.end:%H:%M}; merge them into one"
            )
    return ordered


WindowList = Annotated[list[Window], Field(max_length=MAX_WINDOWS), AfterValidator(check_windows)]
