"""HTTP: a member's notification preferences (category × channel) and e-mail quiet hours."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, delete, get, put
from litestar.openapi.spec import Example
from litestar.params import Body
from pydantic import BaseModel, Field

from notifications.domain.categories import Category, Channel
from notifications.service_layer import preferences
from notifications.service_layer.preferences import PreferencesView
from shared.web.app import BEARER
from shared.web.dependencies import Me, Pool


class QuietHoursRead(BaseModel):
    start: str = Field(description="local time HH:MM when e-mails start to wait")
    end: str = Field(description="local time HH:MM when they go out again; before start, the window spans midnight")


class PreferencesRead(BaseModel):
    preferences: dict[Category, dict[Channel, bool]] = Field(
        description="every category × channel; true unless you turned it off"
    )
    quiet_hours: QuietHoursRead | None = Field(description="null when you have none")
    time_zone: str = Field(description="the time zone quiet hours are read in (your profile's; UTC while unknown)")

    @classmethod
    def of(cls, view: PreferencesView) -> PreferencesRead:
        quiet = view.quiet_hours
        return cls(
            preferences=view.enabled,
            quiet_hours=None
            if quiet is None
            else QuietHoursRead(start=f"{quiet.starts_at:%H:%M}", end=f"{quiet.ends_at:%H:%M}"),
            time_zone=view.time_zone,
        )


CHOICES_BODY = Body(
    description="Any categories (account, matching, conferences), each with any channels (email, inbox) set to"
    " true or false. What is not named keeps its value. Anything else answers 422 naming each problem.",
    examples=[Example(summary="no matching e-mails", value={"matching": {"email": False}})],
)
QUIET_HOURS_BODY = Body(
    description="Local times HH:MM (24-hour clock) in your time zone; start and end differ. Urgent messages"
    " are not held.",
    examples=[Example(summary="nights", value={"start": "22:00", "end": "07:00"})],
)


class PreferencesController(Controller):
    path = "/me"
    tags = ["preferences"]
    security = [{BEARER: []}]

    @get("/preferences", operation_id="get_preferences")
    async def show(self, pool: Pool, me: Me) -> PreferencesRead:
        """Whether each category reaches you by e-mail and in the inbox, and your quiet hours."""
        return PreferencesRead.of(await preferences.current(pool, me))

    @put("/preferences", operation_id="set_preferences")
    async def change(self, pool: Pool, me: Me, data: Annotated[Any, CHOICES_BODY] = None) -> PreferencesRead:
        """Turn categories × channels on or off, e.g. `{"matching": {"email": false}}`."""
        return PreferencesRead.of(await preferences.change(pool, me, data))

    @put("/quiet-hours", operation_id="set_quiet_hours")
    async def set_quiet_hours(
        self, pool: Pool, me: Me, data: Annotated[Any, QUIET_HOURS_BODY] = None
    ) -> PreferencesRead:
        """Hold non-urgent e-mails during a daily window, e.g. `{"start": "22:00", "end": "07:00"}`."""
        return PreferencesRead.of(await preferences.set_quiet_hours(pool, me, data))

    @delete("/quiet-hours", operation_id="clear_quiet_hours")
    async def clear_quiet_hours(self, pool: Pool, me: Me) -> None:
        """No more quiet hours (nothing happens when there were none)."""
        await preferences.clear_quiet_hours(pool, me)
