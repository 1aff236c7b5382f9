"""Typed refusals of the feedback core; each carries a :class:`Msg` the page shows as is."""

from __future__ import annotations

from collections.abc import Mapping

from citizen_app.core.i18n import N_, Msg


class FeedbackError(Exception):
    default = N_("This action could not be completed")

    def __init__(self, message: Msg | None = None, detail: str = "") -> None:
        self.message = message or Msg(self.default)
        super().__init__(detail or self.message.msgid)


class FeedbackNotFound(FeedbackError):
    default = N_("We could not find feedback with this code. Check it against your confirmation.")


class FeedbackRefused(FeedbackError):
    """Not the competent unit's staff, or not a supervisor of it. Written to the audit trail."""

    default = N_("You are not allowed to do this")


class FeedbackStateError(FeedbackError):
    """Answering what is already answered, publishing what was never answered, …"""

    default = N_("This feedback cannot take this step now")


class FeedbackInvalid(FeedbackError):
    """Answers that do not pass the rules; ``errors`` maps field names to messages."""

    default = N_("There is a problem with your answers")

    def __init__(self, errors: Mapping[str, Msg]) -> None:
        super().__init__(detail=f"{len(errors)} problems: {', '.join(errors)}")
        self.errors = dict(errors)


class TooManyRequests(FeedbackError):
    default = N_("Too many attempts from your connection. Wait a while, then try again.")

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(detail=f"rate limited for {retry_after_seconds} s")
        self.retry_after_seconds = retry_after_seconds
