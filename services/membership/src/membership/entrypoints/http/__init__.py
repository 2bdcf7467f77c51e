"""Membership's HTTP API: one controller per resource."""

from __future__ import annotations

from typing import Any

from membership.entrypoints.http.admin import AdminController
from membership.entrypoints.http.associations import AssociationController, MembershipController
from membership.entrypoints.http.auth import AuthController, JwksController
from membership.entrypoints.http.conditions import ConditionsController
from membership.entrypoints.http.erasure import MemberErasureController
from membership.entrypoints.http.me import (
    MeController,
    MyAvailabilityController,
    MyConditionsController,
    MyConsentsController,
    MyHealthNotesController,
)
from membership.entrypoints.http.mentors import MentorAdminController, MentoringController

ROUTES: list[Any] = [AuthController, JwksController]
ROUTES += [ConditionsController, MeController, MyConditionsController, MyAvailabilityController]
ROUTES += [MyHealthNotesController, MyConsentsController, MemberErasureController]
ROUTES += [AssociationController, MembershipController, AdminController, MentoringController, MentorAdminController]
