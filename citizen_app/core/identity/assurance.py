"""Identity assurance levels (VNeID level 1 and 2) and what to tell a citizen who lacks one."""

from __future__ import annotations

from citizen_app.core.i18n import N_, Msg
from citizen_app.core.identity.sessions import AuthenticatedUser


def meets_assurance(user: AuthenticatedUser | int | None, required_level: int) -> bool:
    """True when the signed-in identity is at least ``required_level`` (1 or 2)."""
    if user is None:
        return False
    level = user if isinstance(user, int) else user.assurance_level
    return level >= required_level


def assurance_message(user: AuthenticatedUser | int | None, required_level: int) -> Msg | None:
    """Why the service is closed to this person and what to do; None when they may go ahead."""
    if meets_assurance(user, required_level):
        return None
    if user is None:
        return Msg(N_("Please sign in with VNeID to use this service."))
    level = user if isinstance(user, int) else user.assurance_level
    return Msg(
        N_(
            "This service needs a level {required} electronic identity account. Yours is level {level}. "
            "To upgrade, bring your chip-based citizen ID card to the police of your commune or ward and "
            "ask them to activate level 2 in the VNeID app. Then sign in here again."
        ),
        {"required": required_level, "level": level},
    )
