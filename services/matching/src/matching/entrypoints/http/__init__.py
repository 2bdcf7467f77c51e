"""Matching's HTTP API: one controller per resource."""

from __future__ import annotations

from typing import Any

from matching.entrypoints.http.admin import MatchingAdminController
from matching.entrypoints.http.mentorships import MentorshipController
from matching.entrypoints.http.proposals import ProposalController
from matching.entrypoints.http.requests import RequestController

ROUTES: list[Any] = [RequestController, ProposalController, MentorshipController, MatchingAdminController]
