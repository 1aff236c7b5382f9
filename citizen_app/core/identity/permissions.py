"""Server-side guards for staff pages and actions.

Hiding a link is not protection: every staff handler calls :func:`require_staff`
or :func:`require_role` first. On refusal the caller records it, e.g.::

    try:
        require_role(user, "supervisor")
    except PermissionDenied as denied:
        audit.record(db, action="staff.report", target_type="report", outcome="denied",
                     actor_id=denied.actor_id, actor_role=denied.actor_role,
                     details={"required": denied.required})
        raise
"""

from __future__ import annotations

from citizen_app.core.i18n import N_, Msg
from citizen_app.core.identity.sessions import AuthenticatedUser
from citizen_app.core.identity.users import KNOWN_ROLES, STAFF_ROLES


class PermissionDenied(Exception):
    """The signed-in person (or nobody) may not do this."""

    def __init__(self, user: AuthenticatedUser | None, required: str) -> None:
        self.user = user
        self.required = required
        who = f"user {user.user_id}" if user else "anonymous"
        super().__init__(f"{who} lacks {required}")

    @property
    def actor_id(self) -> str | None:
        return str(self.user.user_id) if self.user else None

    @property
    def actor_role(self) -> str | None:
        return self.user.actor_role if self.user else None

    @property
    def message(self) -> Msg:
        if self.user is None:
            return Msg(N_("Please sign in to continue."))
        return Msg(N_("This page is for public service staff only."))


def require_signed_in(user: AuthenticatedUser | None) -> AuthenticatedUser:
    if user is None:
        raise PermissionDenied(None, "signed_in")
    return user


def require_staff(user: AuthenticatedUser | None) -> AuthenticatedUser:
    """Any staff role (counter officer or supervisor)."""
    if user is None:
        raise PermissionDenied(None, "staff")
    if not user.is_staff:
        raise PermissionDenied(user, "staff")
    return user


def require_role(user: AuthenticatedUser | None, role: str) -> AuthenticatedUser:
    """Exactly this role. Roles do not imply each other; demo supervisors also hold counter_officer."""
    if role not in KNOWN_ROLES:
        raise ValueError(f"unknown role {role!r}")
    if user is None:
        raise PermissionDenied(None, role)
    if role not in user.roles:
        raise PermissionDenied(user, role)
    return user


def is_staff_role(role: str) -> bool:
    return role in STAFF_ROLES
