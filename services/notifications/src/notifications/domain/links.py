"""Where the links in a message lead: pages of the web client, and the one-click unsubscribe endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode


@dataclass(frozen=True)
class Links:
    public_url: str  # the web client (the gateway)
    unsubscribe_url: str  # the one-click unsubscribe page (the gateway's, which hands it to notifications)

    def page(self, path: str) -> str:
        return f"{self.public_url.rstrip('/')}/{path.lstrip('/')}"

    def unsubscribe(self, token: str) -> str:
        separator = "&" if "?" in self.unsubscribe_url else "?"
        return f"{self.unsubscribe_url}{separator}{urlencode({'token': token})}"

    def action(self, template: str, data: dict[str, Any]) -> str:
        """The page a message invites its reader to open."""
        match template:
            case "match_proposed":
                return self.page(f"mentoring/proposals/{data['match_id']}")
            case "introduction" | "mentorship_ended":  # the mentorship, with its feedback form once it ended
                return self.page("mentoring")
            case "match_declined" | "match_expired" | "request_unmatched":
                return self.page("mentoring")
            case "mentor_approved":
                return self.page("mentoring")
            case (
                "registration_confirmed"
                | "registration_waitlisted"
                | "place_offered"
                | "offer_expired"
                | "event_rescheduled"
                | "event_cancelled"
                | "event_reminder"
                | "conference_suggested"
                | "materials_available"
                | "feedback_request"
            ):  # the event's page: the person's place, the offer to accept, the calendar file
                return self.page(f"events/{data['conference_id']}")
            case "story_published" | "story_changes_requested" | "story_declined":
                return self.page("stories/mine")  # the author's stories, with the moderator's note
            case "roles_changed":
                return self.page(f"admin/{data['association_id']}/members")
            case "sign_in_code" | "registration_attempted":
                return self.page("sign-in")
            case "password_reset":
                return self.page(f"password-reset/new?{urlencode({'token': data['token']})}")
            case "invitation":
                return self.page(f"invitations/accept?{urlencode({'token': data['token']})}")
            case _:
                return self.page("")

    def preferences(self) -> str:
        return self.page("settings/notifications")
