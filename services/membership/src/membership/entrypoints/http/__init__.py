"""Membership's HTTP API: one controller per resource."""

from __future__ import annotations

from typing import Any

from membership.entrypoints.http.admin import AdminController
from membership.entrypoints.http.associations import AssociationController, MembershipController
from membership.entrypoints.http.auth import AuthController, InvitationController, JwksController
from membership.entrypoints.http.conditions import ConditionsController
from membership.entrypoints.http.erasure import MemberRemovalController, PersonErasureController
from membership.entrypoints.http.me import MeController
from membership.entrypoints.http.member_keys import MemberKeysController
from membership.entrypoints.http.mentors import MentorAdminController, MentoringController
from membership.entrypoints.http.my_consents import MyConsentsController
from membership.entrypoints.http.my_health_data import (
    MyAvailabilityController,
    MyConditionsController,
    MyHealthNotesController,
)

ROUTES: list[Any] = [AuthController, InvitationController, JwksController, MemberKeysController]
ROUTES += [ConditionsController, MeController, MyConditionsController, MyAvailabilityController]
ROUTES += [MyHealthNotesController, MyConsentsController, MemberRemovalController, PersonErasureController]
ROUTES += [AssociationController, MembershipController, AdminController, MentoringController, MentorAdminController]
