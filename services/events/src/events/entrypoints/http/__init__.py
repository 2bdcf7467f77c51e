"""Events' HTTP API: one controller per resource."""

from __future__ import annotations

from typing import Any

from events.entrypoints.http.conferences import ConferenceController, HostedController
from events.entrypoints.http.questions import QuestionController
from events.entrypoints.http.registrations import CalendarFeedController, RegistrationController

ROUTES: list[Any] = [
    ConferenceController,
    HostedController,
    RegistrationController,
    CalendarFeedController,
    QuestionController,
]
