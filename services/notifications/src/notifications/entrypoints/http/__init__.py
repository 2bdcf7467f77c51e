"""Notifications' HTTP API, for the gateway: one controller per resource.

Every route wants a membership access token (`Authorization: Bearer`; the inbox stream also takes
`?access_token=`), except the one-click unsubscribe link, whose signed token is its own proof.
"""

from __future__ import annotations

from typing import Any

from notifications.entrypoints.http.deliveries import DeliveryStatusController
from notifications.entrypoints.http.inbox import InboxController
from notifications.entrypoints.http.preferences import PreferencesController
from notifications.entrypoints.http.unsubscribe import UnsubscribeController

ROUTES: list[Any] = [InboxController, PreferencesController, UnsubscribeController, DeliveryStatusController]
