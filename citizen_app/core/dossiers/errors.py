"""Typed refusals of the dossier core. Each carries a :class:`Msg` the page can show as is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from citizen_app.core.i18n import N_, Msg


class DossierError(Exception):
    """Base class: something the person asked for cannot be done, and ``message`` says why."""

    default = N_("This action could not be completed")

    def __init__(self, message: Msg | None = None, detail: str = "") -> None:
        self.message = message or Msg(self.default)
        super().__init__(detail or self.message.msgid)


class DossierNotFound(DossierError):
    default = N_("We could not find this application")


class AccessDenied(DossierError):
    """Not yours, not your agency's, or not your role. Always written to the audit trail."""

    default = N_("You are not allowed to do this")


class InvalidTransition(DossierError):
    """The dossier is not in a state where this step exists (e.g. approving a draft)."""

    default = N_("This application cannot be moved to that status now")


class NoteRequired(DossierError):
    default = N_("Give a reason")


class ConcurrentChange(DossierError):
    """Somebody else changed the dossier between reading and writing it."""

    default = N_("This application was changed by someone else. Reload it and try again")


class StatusMoved(ConcurrentChange):
    """The page acted on a status the dossier has left (a second tap, another officer, a stale page)."""

    default = N_(
        "This application has changed since your page showed it. Nothing was done: check its status and "
        "history, then act again."
    )


class ResultRequired(DossierError):
    """The result cannot be marked ready with nothing for the applicant to get."""

    default = N_(
        "Attach the result document, or say where and when the applicant can collect the paper result."
    )


class ValidationFailed(DossierError):
    """Answers or files do not pass the form's rules; ``errors`` maps field paths to messages."""

    default = N_("There is a problem with your answers")

    def __init__(self, errors: Mapping[str, Msg]) -> None:
        super().__init__(detail=f"{len(errors)} field errors: {', '.join(errors)}")
        self.errors = dict(errors)


class FormChanged(DossierError):
    """The procedure's form was updated since the draft was saved: resume the draft to migrate it."""

    default = N_("This form was updated since you saved your answers. Check your answers and submit again")

    def __init__(
        self, messages: Sequence[Msg] = (), dropped: Sequence[str] = (), now_required: Sequence[str] = ()
    ) -> None:
        super().__init__()
        self.messages = tuple(messages)
        self.dropped = tuple(dropped)
        self.now_required = tuple(now_required)


class DraftTooLarge(DossierError):
    default = N_("Your answers are too long to save")


class SubmissionKeyReused(DossierError):
    """The client sent a submission key already used for another draft (a client bug, not a retry)."""

    default = N_("This submission could not be matched to your application. Reload the page and try again")
