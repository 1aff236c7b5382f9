"""States of the counter desk: opening a dossier (typed code or receipt QR) and the dossier workspace.

Every loader and handler asks :class:`StaffState`'s guard first, then calls the core inside
``unit_of_work()``. What may be done to a dossier comes from the core (``desk_actions``);
whether it may be done is checked again by the core when it is done (role, unit, status),
and every refusal there is written to the audit trail by the core.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core import attachments as files_core
from citizen_app.core import dossiers
from citizen_app.core.attachments import RESULT_SLOT, AttachmentRejected
from citizen_app.core.catalog import get_catalog
from citizen_app.core.catalog.labels import channel_label
from citizen_app.core.dossiers import (
    AccessDenied,
    DossierError,
    DossierNotFound,
    NoteRequired,
    ValidationFailed,
)
from citizen_app.core.dossiers.staff_desk import (
    applicant_summary,
    desk_actions,
    desk_actor,
    dossier_by_id,
    open_at_desk,
    people_named,
    view_at_desk,
)
from citizen_app.core.forms import FormSchema, render_message
from citizen_app.core.i18n import N_, VIETNAM_TZ, Msg
from citizen_app.core.identity.sessions import AuthenticatedUser
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.db.models.dossiers import Dossier
from citizen_app.settings import get_settings
from citizen_app.states.staff import StaffState
from citizen_app.states.staff_views import (
    DONE_LABELS,
    AnswerRow,
    EventView,
    FileView,
    StepButton,
    SupplementChoice,
    answer_rows,
    day,
    dossier_href,
    event_views,
    file_views,
    procedure_name,
    step_buttons,
    supplement_choices,
    when,
)

log = logging.getLogger(__name__)

NO_SUCH_CODE = N_("No application has this code. Check the code on the receipt and try again.")
OTHER_UNIT = N_("This application was received by another unit. You cannot open it.")
NOT_GENUINE = N_("This QR code is not from a genuine receipt. Type the code printed on the receipt instead.")
CAMERA_DENIED = N_("The camera is not allowed in this browser. Allow it, or scan from a photo, or type the code.")
CAMERA_UNAVAILABLE = N_("No camera can be used here. Scan from a photo, or type the code.")
NO_QR_IN_PHOTO = N_("No QR code was found in this photo. Take a sharper photo of the receipt, or type the code.")
ENTER_CODE = N_("Enter the application code, for example 004.00.20.H01-261116-0001.")
ENTER_DATE = N_("Enter the new appointment date.")
SCAN_PROBLEMS = {
    "camera_denied": CAMERA_DENIED,
    "camera_unavailable": CAMERA_UNAVAILABLE,
    "no_code": NO_QR_IN_PHOTO,
    "unreadable": NO_QR_IN_PHOTO,
}
DELAYED_FROM = N_("first set for {date}")


def _form_of(code: str) -> FormSchema | None:
    procedure = get_catalog().get(code)
    form = procedure.form if procedure is not None else None
    return form if isinstance(form, FormSchema) else None


class StaffOpenState(StaffState):
    """``/{locale}/staff/open``: type the code, or scan the receipt's QR with the camera or from a photo."""

    open_problem: str = ""
    opening: bool = False

    @rx.event
    def load(self) -> EventSpec | None:
        self.open_problem, self.opening = "", False
        if self._staff_user(action="staff.open.view") is None:
            return self._refusal()
        return None

    def _open(self, *, code: str = "", scanned: str = "") -> EventSpec | None:
        user = self._staff_user(action="staff.dossier.open", target_type="dossier", target_id=code[:64] or None)
        if user is None:
            return self._refusal()
        t = self._t()
        try:
            with unit_of_work() as db:
                dossier = open_at_desk(db, desk_actor(user), code=code, scanned=scanned)
                found = dossier.code or ""
        except AccessDenied:
            self.open_problem = t.gettext(OTHER_UNIT)
            return None
        except DossierNotFound:
            self.open_problem = t.gettext(NOT_GENUINE if scanned else NO_SUCH_CODE)
            return None
        self.open_problem, self.opening = "", True
        return rx.redirect(dossier_href(self.locale, found))

    @rx.event
    def open_code(self, form_data: dict[str, Any]) -> EventSpec | None:
        code = str(form_data.get("code") or "").strip()
        if not code:
            self.open_problem = self._t().gettext(ENTER_CODE)
            return None
        return self._open(code=code[:64])

    @rx.event
    def scanned(self, text: Any) -> EventSpec | None:
        """What the camera or the photo decoder read (the receipt's verification URL)."""
        return self._open(scanned=str(text or "")[:500])

    @rx.event
    def scan_problem(self, problem: Any) -> None:
        self.open_problem = self._t().gettext(SCAN_PROBLEMS.get(str(problem), CAMERA_UNAVAILABLE))


class StaffDossierState(StaffState):
    """``/{locale}/staff/dossiers/{code}``: the workspace of one dossier."""

    # loading | ready | not_found | other_unit
    dossier_status: str = "loading"
    code: str = ""
    procedure: str = ""
    status_key: str = ""
    status_text: str = ""
    overdue: bool = False
    channel: str = ""
    received: str = ""
    appointment: str = ""
    appointment_provisional: bool = False
    delayed_from: str = ""
    receiving_unit: str = ""
    fee: str = ""
    applicant_name: str = ""
    applicant_phone: str = ""
    applicant_email: str = ""
    applicant_address: str = ""
    applicant_pid: str = ""
    rejection_reason: str = ""
    supplement_message: str = ""
    supplement_items: list[str] = rx.field(default_factory=list)
    answers: list[AnswerRow] = rx.field(default_factory=list)
    files: list[FileView] = rx.field(default_factory=list)
    events: list[EventView] = rx.field(default_factory=list)
    steps: list[StepButton] = rx.field(default_factory=list)
    can_reject: bool = False
    can_supplement: bool = False
    can_delay: bool = False
    can_attach_result: bool = False
    supplement_choices: list[SupplementChoice] = rx.field(default_factory=list)
    notice: str = ""
    problem: str = ""
    reject_error: str = ""
    supplement_error: str = ""
    delay_error: str = ""
    result_error: str = ""
    # Changing it remounts the action forms (empty again after an action went through).
    form_key: int = 0
    busy: bool = False

    _dossier_id: int = 0

    # ---- loading ----
    @rx.event
    def load(self) -> EventSpec | None:
        self._clear_messages()
        self.notice = ""
        code = _code_from_path(self.router.url.path)
        user = self._staff_user(action="staff.dossier.view", target_type="dossier", target_id=code[:64] or None)
        if user is None:
            self._forget()
            return self._refusal()
        t = self._t()
        try:
            with unit_of_work() as db:
                actor = desk_actor(user)
                dossier = view_at_desk(db, actor, code)
                self._show(db, actor, dossier)
        except AccessDenied:
            self._forget()
            self.dossier_status = "other_unit"
            self.problem = t.gettext(OTHER_UNIT)
        except DossierNotFound:
            self._forget()
            self.dossier_status = "not_found"
            self.problem = t.gettext(NO_SUCH_CODE)
        return None

    def _forget(self) -> None:
        self._dossier_id = 0
        self.code = self.procedure = self.status_key = self.status_text = ""
        self.answers, self.files, self.events, self.steps, self.supplement_choices = [], [], [], [], []
        self.applicant_name = self.applicant_phone = self.applicant_email = self.applicant_address = ""
        self.applicant_pid = ""
        self.can_reject = self.can_supplement = self.can_delay = self.can_attach_result = False

    def _clear_messages(self) -> None:
        self.problem = self.reject_error = self.supplement_error = self.delay_error = self.result_error = ""

    def _show(self, db: Any, actor: dossiers.Actor, dossier: Dossier) -> None:
        """Fill every var from the dossier (inside the caller's unit of work)."""
        t = self._t()
        now = utcnow()
        form = _form_of(dossier.procedure_code)
        events = dossiers.timeline(db, dossier.id, actor)
        names = people_named(db, [e.actor_id for e in events])
        listed = files_core.list_attachments(db, dossier.id, actor)
        actions = desk_actions(dossier, actor)
        person = applicant_summary(dossier)

        self._dossier_id = dossier.id
        self.dossier_status = "ready"
        self.code = dossier.code or ""
        self.procedure = procedure_name(dossier.procedure_code, dossier.procedure_name, t)
        self.status_key = dossier.status
        self.status_text = t.render(dossiers.status_label(dossier.status))
        self.overdue = dossiers.is_overdue(dossier, now)
        self.channel = t.render(channel_label(dossier.channel))
        self.received = when(dossier.received_at, t)
        self.appointment = when(dossier.appointment_at, t)
        self.appointment_provisional = bool(dossier.appointment_provisional)
        moved = dossier.original_appointment_at and dossier.original_appointment_at != dossier.appointment_at
        self.delayed_from = t.render(Msg(DELAYED_FROM, {"date": day(dossier.original_appointment_at, t)})) if moved else ""
        self.receiving_unit = t.pick(dossier.receiving_unit) if dossier.receiving_unit else ""
        self.fee = t.format_money(dossier.fee_due_vnd) if dossier.fee_due_vnd else ""
        self.applicant_name = person["full_name"]
        self.applicant_phone = person["phone"]
        self.applicant_email = person["email"]
        self.applicant_address = person["address"]
        self.applicant_pid = f"•••• •••• {person['pid_last4']}" if person["pid_last4"] else ""
        self.rejection_reason = dossier.rejection_reason or ""
        request = dossier.supplement_request or {}
        self.supplement_message = str(request.get("message") or "")
        self.supplement_items = self._requested_items(form, request, t)
        self.answers = answer_rows(form, dossier.answers or {}, t)
        self.files = file_views(listed, form, t)
        self.events = event_views(events, names, t)
        self.steps = step_buttons(actions.targets, t)
        self.can_reject = "rejected" in actions.targets
        self.can_supplement = actions.supplement and form is not None
        self.can_delay = actions.delay
        self.can_attach_result = actions.result_file
        self.supplement_choices = supplement_choices(form, (dossier.locked_values or {}).keys(), t)

    @staticmethod
    def _requested_items(form: FormSchema | None, request: dict[str, Any], t: Any) -> list[str]:
        items = []
        for field_id in request.get("fields", []):
            field = form.field(field_id) if form else None
            items.append(t.pick(field.label) if field else field_id)
        for slot_id in request.get("attachments", []):
            slot = form.attachment(slot_id) if form else None
            items.append(t.pick(slot.label) if slot else slot_id)
        return items

    def _reload(self, db: Any, actor: dossiers.Actor) -> None:
        self._show(db, actor, dossier_by_id(db, self._dossier_id, actor))

    # ---- acting ----
    def _officer(self, action: str) -> AuthenticatedUser | None:
        return self._staff_user(
            action=f"staff.dossier.{action}", target_type="dossier", target_id=str(self._dossier_id or "") or None
        )

    def _after(self, done: str) -> None:
        self._clear_messages()
        self.notice = self._t().gettext(DONE_LABELS.get(done, "")) if done in DONE_LABELS else ""
        self.form_key += 1

    def _refused(self, error: DossierError) -> str:
        """A refusal of the core in words (the core has audited it); the view is refreshed too."""
        return self._render(error.message)

    def _run(self, action: str, change: Any, *, error_var: str = "problem") -> EventSpec | None:
        """Guard, then ``change(db, actor)`` in one transaction; then reload the view in a fresh one."""
        user = self._officer(action)
        if user is None:
            return self._refusal()
        if not self._dossier_id:
            return None
        self._clear_messages()
        self.notice = ""
        actor = desk_actor(user)
        try:
            with unit_of_work() as db:
                change(db, actor)
        except ValidationFailed as failed:
            first = next(iter(failed.errors.values()), failed.message)
            setattr(self, error_var, render_message(self._t(), first))
            return self._refresh(actor)
        except AttachmentRejected as rejected:
            setattr(self, error_var, self._render(rejected.message))
            return None
        except NoteRequired as missing:
            setattr(self, error_var, self._render(missing.message))
            return None
        except DossierError as refused:
            # A concurrent change, a step no longer possible, or a refusal: say so and show the dossier as it is.
            message = self._refused(refused)
            self._refresh(actor)
            self.problem = message
            return None
        self._after(action)
        return self._refresh(actor)

    def _refresh(self, actor: dossiers.Actor) -> None:
        try:
            with unit_of_work() as db:
                self._reload(db, actor)
        except (AccessDenied, DossierNotFound):
            self._forget()
            self.dossier_status = "not_found"
        return None

    @rx.event
    def fire(self, target: str) -> EventSpec | None:
        """A plain step of the lifecycle (receive, start processing, approve, result ready, handed over)."""
        if target == "rejected":
            return None  # needs a reason: its own form

        def change(db: Any, actor: dossiers.Actor) -> None:
            dossiers.fire(db, self._dossier_id, target, actor, now=utcnow())

        return self._run(target, change)

    @rx.event
    def reject(self, form_data: dict[str, Any]) -> EventSpec | None:
        reason = str(form_data.get("reason") or "")

        def change(db: Any, actor: dossiers.Actor) -> None:
            dossiers.reject(db, self._dossier_id, actor, now=utcnow(), reason=reason)

        return self._run("rejected", change, error_var="reject_error")

    @rx.event
    def request_supplement(self, form_data: dict[str, Any]) -> EventSpec | None:
        chosen = [key for key, value in form_data.items() if value not in (None, "", False, "false", "off")]
        fields = [key.removeprefix("field:") for key in chosen if key.startswith("field:")]
        documents = [key.removeprefix("document:") for key in chosen if key.startswith("document:")]
        message = str(form_data.get("message") or "")

        def change(db: Any, actor: dossiers.Actor) -> None:
            dossier = dossier_by_id(db, self._dossier_id, actor)
            form = _form_of(dossier.procedure_code)
            if form is None:
                raise DossierNotFound()
            dossiers.request_supplement(
                db, self._dossier_id, actor, form=form, fields=fields, attachments=documents,
                message=message, now=utcnow(),
            )

        return self._run("supplement_requested", change, error_var="supplement_error")

    @rx.event
    def delay(self, form_data: dict[str, Any]) -> EventSpec | None:
        apology = str(form_data.get("apology") or "")
        try:
            chosen = date.fromisoformat(str(form_data.get("new_date") or ""))
        except ValueError:
            if self._officer("delay") is None:
                return self._refusal()
            self.delay_error = self._t().gettext(ENTER_DATE)
            return None

        def change(db: Any, actor: dossiers.Actor) -> None:
            dossier = dossier_by_id(db, self._dossier_id, actor)
            # The appointment keeps its time of day (the desk's hours); only the day moves.
            current = dossier.appointment_at.astimezone(VIETNAM_TZ).timetz() if dossier.appointment_at else time(16)
            new = datetime.combine(chosen, current.replace(tzinfo=None), VIETNAM_TZ)
            dossiers.delay(db, self._dossier_id, actor, now=utcnow(), new_appointment=new, apology=apology)

        return self._run("delay", change, error_var="delay_error")

    @rx.event
    async def upload_result(self, files: list[rx.UploadFile]) -> EventSpec | None:
        """The result document (PDF, JPEG or PNG), checked by content in the core."""
        limit = get_settings().max_file_mb * 1024 * 1024
        uploads = [(upload.name or "result", await upload.read(limit + 1), upload.content_type) for upload in files]

        def change(db: Any, actor: dossiers.Actor) -> None:
            for name, data, declared in uploads:
                files_core.add_attachment(
                    db, self._dossier_id, actor, slot_id=RESULT_SLOT, filename=name, data=data,
                    declared_type=declared, now=utcnow(),
                )

        return self._run("result_file", change, error_var="result_error")

    @rx.event
    def result_refused(self) -> None:
        self.result_error = self._t().gettext("The selected file must be a PDF, JPEG or PNG")

    @rx.event
    def remove_result(self, attachment_id: int) -> EventSpec | None:
        def change(db: Any, actor: dossiers.Actor) -> None:
            files_core.remove_attachment(db, int(attachment_id), actor, now=utcnow())

        return self._run("result_file_removed", change, error_var="result_error")

    # ---- derived ----
    @rx.var
    def queue_href(self) -> str:
        return f"/{self.locale}/staff/queue"

    @rx.var
    def receipt_href(self) -> str:
        return f"/{self.locale}/receipts/{self.code}" if self.code else ""


def _code_from_path(path: str) -> str:
    """``/vi/staff/dossiers/004.00.20.H01-261116-0001`` → the code ("" when absent)."""
    parts = [part for part in path.split("?", 1)[0].split("/") if part]
    return parts[3] if len(parts) >= 4 and parts[1:3] == ["staff", "dossiers"] else ""
