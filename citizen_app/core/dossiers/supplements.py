"""Supplement requests (yêu cầu bổ sung): staff name fields and documents, the citizen supplies them.

The request is a lifecycle step (``processing``/``received`` → ``supplement_requested``)
carrying data: which top-level fields may be edited, which attachment slots
need files, and a message. The answer edits only those fields, adds files to
only those slots (``attachments.add_attachment`` allows it while the request is
open), is validated, and moves the dossier back to ``processing``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_app.core.dossiers.access import Actor
from citizen_app.core.dossiers.errors import InvalidTransition, ValidationFailed
from citizen_app.core.dossiers.lifecycle import apply, check, load
from citizen_app.core.forms import FormSchema, validate_all
from citizen_app.core.forms.validation import CommuneChecker
from citizen_app.core.i18n import N_, VIETNAM_TZ, Msg
from citizen_app.db.models.dossiers import Dossier, DossierAttachment

MSG_NAME_SOMETHING = N_("Choose at least one answer or document the applicant must supply")
MSG_UNKNOWN_FIELD = N_("This question is not part of the form")
MSG_LOCKED_FIELD = N_("This answer comes from VNeID and cannot be changed by the applicant")
MSG_ADD_FILES = N_("Add the requested document")


@dataclass(frozen=True)
class OpenRequest:
    """An outstanding supplement request as the applicant answers it.

    ``fields`` and ``slots`` are those the procedure's current form still has, in the order the
    officer named them; ``locked`` the verified answers no request can reopen. ``key`` tells one
    request from the next (a screen keeps the answers being edited for the same key only).
    """

    key: str
    message: str
    asked_at: datetime | None
    fields: tuple[str, ...]
    slots: tuple[str, ...]
    locked: tuple[str, ...]

    @property
    def answerable_online(self) -> bool:
        """Something the form can ask for; a request naming nothing the form knows is answered at the counter."""
        return bool(self.fields or self.slots)

    def may_edit(self, field_id: str) -> bool:
        return field_id in self.fields and field_id not in self.locked


def open_request(dossier: Dossier, form: FormSchema | None) -> OpenRequest | None:
    """The request the applicant may answer now, or None (none outstanding)."""
    request = dossier.supplement_request or {}
    if dossier.status != "supplement_requested" or not request:
        return None
    asked = str(request.get("requested_at") or "")
    known_fields = [f for f in request.get("fields", []) if form is not None and form.field(f) is not None]
    known_slots = [s for s in request.get("attachments", []) if form is not None and form.attachment(s) is not None]
    return OpenRequest(
        key=f"{dossier.id}@{asked}",
        message=str(request.get("message") or ""),
        asked_at=datetime.fromisoformat(asked) if asked else None,
        fields=tuple(known_fields),
        slots=tuple(known_slots),
        locked=tuple(sorted(dossier.locked_values or {})),
    )


class _FileLike(Protocol):
    @property
    def stage(self) -> str: ...
    @property
    def slot(self) -> str: ...
    @property
    def uploaded_at(self) -> datetime: ...


F = TypeVar("F", bound=_FileLike)


def files_for_request(files: Iterable[F], request: OpenRequest) -> list[F]:
    """The files sent for this request only: those sent for an earlier one were judged then."""
    return [
        item
        for item in files
        if item.stage == "supplement"
        and item.slot in request.slots
        and (request.asked_at is None or item.uploaded_at >= request.asked_at)
    ]


def request_supplement(
    db: Session,
    dossier_id: int,
    actor: Actor,
    *,
    form: FormSchema,
    fields: Sequence[str] = (),
    attachments: Sequence[str] = (),
    message: str,
    now: datetime,
) -> Dossier:
    """Ask the applicant for more: ``fields`` (top-level ids) and ``attachments`` (slot ids) + a message."""
    dossier = load(db, dossier_id)
    step = check(db, dossier, "supplement_requested", actor, message, via="request_supplement")
    errors: dict[str, Msg] = {}
    if not fields and not attachments:
        errors["fields"] = Msg(MSG_NAME_SOMETHING)
    for field_id in fields:
        if form.field(field_id) is None:
            errors[field_id] = Msg(MSG_UNKNOWN_FIELD)
        elif field_id in (dossier.locked_values or {}):
            errors[field_id] = Msg(MSG_LOCKED_FIELD)
    for slot_id in attachments:
        if form.attachment(slot_id) is None:
            errors[f"attachments.{slot_id}"] = Msg(MSG_UNKNOWN_FIELD)
    if errors:
        raise ValidationFailed(errors)
    request = {
        "fields": list(dict.fromkeys(fields)),
        "attachments": list(dict.fromkeys(attachments)),
        "message": message.strip(),
        "requested_at": now.isoformat(),
        "requested_by": actor.user_id,
    }
    apply(
        db,
        dossier,
        step,
        actor,
        now=now,
        note=message,
        values={"supplement_request": request},
        details={"fields": request["fields"], "attachments": request["attachments"]},
    )
    return dossier


def respond_to_supplement(
    db: Session,
    dossier_id: int,
    actor: Actor,
    *,
    form: FormSchema,
    answers: Mapping[str, Any],
    now: datetime,
    note: str | None = None,
    communes: CommuneChecker | bool | None = None,
) -> Dossier:
    """The applicant's answer: only the requested fields change; requested slots need a new file each.

    Errors are reported only for what was requested (the rest was accepted at
    submission, even if the form has changed since).
    """
    dossier = load(db, dossier_id)
    step = check(db, dossier, "processing", actor, note, via="respond_to_supplement")
    request = dossier.supplement_request or {}
    requested = list(request.get("fields", []))
    slots = list(request.get("attachments", []))
    if not requested and not slots:
        raise InvalidTransition(detail="no open supplement request")

    merged = dict(dossier.answers)
    for field_id in requested:
        if field_id in answers:
            merged[field_id] = answers[field_id]
    since = datetime.fromisoformat(request["requested_at"]) if request.get("requested_at") else None
    added = _files_added(db, dossier.id, slots, since)
    today = now.astimezone(VIETNAM_TZ).date()
    # Only the requested answers are judged here; the requested files are checked just below.
    outcome = validate_all(form, merged, {}, today, communes=communes)
    errors = {
        path: msg for path, msg in outcome.errors.items() if path.split(".")[0].split("[")[0] in requested
    }
    for slot_id in slots:
        if not added.get(slot_id):
            errors[f"attachments.{slot_id}"] = Msg(MSG_ADD_FILES)
    if errors:
        raise ValidationFailed(errors)
    cleaned = dict(dossier.answers)
    for field_id in requested:
        if field_id in outcome.answers:
            cleaned[field_id] = outcome.answers[field_id]
        else:
            cleaned.pop(field_id, None)  # now hidden or cleared
    changed = [f for f in requested if cleaned.get(f) != dossier.answers.get(f)]
    apply(
        db,
        dossier,
        step,
        actor,
        now=now,
        note=note,
        values={"answers": cleaned, "supplement_request": None},
        details={"request": request, "changed_fields": changed, "files_added": added},
    )
    return dossier


def _files_added(
    db: Session, dossier_id: int, slots: Sequence[str], since: datetime | None
) -> dict[str, int]:
    """Files added to the requested slots since this request (earlier rounds do not count)."""
    if not slots:
        return {}
    query = select(DossierAttachment.slot_id, func.count(DossierAttachment.id)).where(
        DossierAttachment.dossier_id == dossier_id,
        DossierAttachment.stage == "supplement",
        DossierAttachment.slot_id.in_(list(slots)),
    )
    if since is not None:
        query = query.where(DossierAttachment.uploaded_at >= since)
    rows = db.execute(query.group_by(DossierAttachment.slot_id))
    return {slot: int(count) for slot, count in rows}
