"""``/{locale}/applications/{code}``: one of the citizen's dossiers, its timeline, and what they can do now.

Every loader and handler reads the session again and reopens the dossier *by its code for
this citizen* (``dossiers.open_by_code`` with ``Actor.citizen``): an id is never taken from
the page, so nobody can act on another person's dossier by editing a request, and each
refusal is written to the audit trail by the core. The page says "not found" for a dossier
that is not theirs, as for one that does not exist.

Actions, each allowed or refused by the core:

* answer a supplement request: the named questions (drawn by ``ui/form_fields`` from the
  procedure's form) and files for the named documents → ``respond_to_supplement``;
* withdraw, with a confirmation step → ``dossiers.withdraw`` (before processing only);
* download the result document once it is ready (``/files/{id}``, checked again there);
* rate the service once the dossier is finished → ``ratings.rate``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core import attachments as files_core
from citizen_app.core import dossiers, notifications, ratings
from citizen_app.core.attachments import AttachmentRejected
from citizen_app.core.dossiers import (
    AccessDenied,
    Actor,
    ConcurrentChange,
    DossierError,
    DossierNotFound,
    InvalidTransition,
    ValidationFailed,
)
from citizen_app.core.forms import FormSchema, Step, render_message
from citizen_app.core.i18n import N_, Msg
from citizen_app.core.identity.sessions import AuthenticatedUser
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.db.models.dossiers import Dossier, DossierAttachment
from citizen_app.settings import get_settings
from citizen_app.states.apply.flow import terms_for, today_in_vietnam
from citizen_app.states.apply.views import (
    AttachmentView,
    ErrorLink,
    FieldView,
    SlotView,
    answers_from_form,
    apply_intent,
    attachment_view,
    copy_answer,
    error_anchor,
    error_texts,
    question_views,
    set_path,
    slot_views,
)
from citizen_app.states.base import AppState
from citizen_app.states.session import lost_session_response, session_user
from citizen_app.states.tracking.views import (
    FileRow,
    TimelineRow,
    code_from_path,
    file_rows,
    latest_apology,
    split_files,
    tag_class,
    timeline_rows,
)
from citizen_app.ui.catalog_view import money

log = logging.getLogger(__name__)

NOT_FOUND = N_(
    "We could not find this application among yours. Check the code, or open it from My applications."
)
NO_FEE = N_("No fee")
ASKED_ON = N_("Asked on {date}")
WITHDRAWN = N_("Your application has been withdrawn.")
SUPPLIED = N_("Thank you. Your information has been sent and your application is being processed again.")
RATED = N_("Thank you for rating this service.")
CHOOSE_SCORE = N_("Choose a score from 1 (very poor) to 5 (very good)")
UPLOAD_REFUSED = N_("The selected file must be a PDF, JPEG or PNG")
FIRST_DUE = N_("First date given: {date}")


def _not_yours() -> tuple[type[Exception], ...]:
    return (DossierNotFound, AccessDenied)


class DossierState(AppState):
    # loading | ready | not_found | signed_out
    status: str = "loading"
    dossier_code: str = ""
    title: str = ""
    procedure: str = ""
    receiving_unit: str = ""
    status_key: str = ""
    status_text: str = ""
    status_class: str = "tag"
    sent_at: str = ""
    due: str = ""
    overdue: bool = False
    delayed: bool = False
    first_due: str = ""
    apology: str = ""
    fee: str = ""
    rejection_reason: str = ""
    timeline: list[TimelineRow] = rx.field(default_factory=list)
    files: list[FileRow] = rx.field(default_factory=list)
    results: list[FileRow] = rx.field(default_factory=list)
    # A paper result: where and when to collect it ({"place": "", "hours": ""} when there is none).
    result_pickup: dict[str, str] = rx.field(default_factory=lambda: {"place": "", "hours": ""})
    receipt_href: str = ""
    notice: str = ""
    problem: str = ""
    # Withdraw.
    can_withdraw: bool = False
    confirming_withdraw: bool = False
    # A supplement request.
    supplement_open: bool = False
    supplement_online: bool = False
    supplement_message: str = ""
    supplement_asked: str = ""
    fields: list[FieldView] = rx.field(default_factory=list)
    slots: list[SlotView] = rx.field(default_factory=list)
    error_links: list[ErrorLink] = rx.field(default_factory=list)
    sending: bool = False
    # Rating.
    can_rate: bool = False
    rated: bool = False
    rated_score: int = 0
    rated_comment: str = ""
    rating_score: int = 0
    rating_error: str = ""

    # Backend only: what the page shows, never trusted back from it.
    _dossier_id: int = 0
    _owner_id: int = 0
    _procedure_code: str = ""
    _answers: dict[str, Any] = rx.field(default_factory=dict)
    _locked: list[str] = rx.field(default_factory=list)
    _requested_fields: list[str] = rx.field(default_factory=list)
    _requested_slots: list[str] = rx.field(default_factory=list)
    # "<dossier id>@<requested at>": whose request the answers being edited belong to.
    _requested_at: str = ""
    _generation: int = 0

    # ---- loading -------------------------------------------------------------------------------------

    @rx.event
    def load(self) -> Any:
        self.notice, self.confirming_withdraw, self.rating_score = "", False, 0
        return self._open(keep_messages=False)

    def _reset(self) -> None:
        self.problem, self.error_links, self.rating_error = "", [], ""
        self.fields, self.slots, self.timeline, self.files, self.results = [], [], [], [], []
        self.supplement_open = self.supplement_online = self.can_withdraw = self.can_rate = self.rated = False
        self.sending = False

    def _not_found(self) -> None:
        self._reset()
        self._dossier_id = 0
        self.status = "not_found"
        self.problem = self._t().gettext(NOT_FOUND)

    def _open(self, *, keep_messages: bool = True, errors: Mapping[str, Msg] | None = None) -> Any:
        """(Re)load everything for the signed-in citizen; ``errors`` are a refused supplement answer's."""
        notice = self.notice if keep_messages else ""
        code = code_from_path(self.router.url.path)
        self._reset()
        self.notice = notice
        user = session_user(self)
        if user is None:
            self.status = "signed_out"
            return lost_session_response(self)
        if not code:
            self._not_found()
            return None
        actor = Actor.citizen(user)
        try:
            with unit_of_work() as db:
                dossier = dossiers.open_by_code(db, code, actor)
                events = dossiers.timeline(db, dossier.id, actor)
                listed = files_core.list_attachments(db, dossier.id, actor)
                rating = ratings.rating_of(db, dossier.id, actor)
                targets = dossiers.allowed_targets(dossier, actor)
                # Seen now: the notifications about this dossier stop counting as new.
                notifications.mark_read(db, user.user_id, now=utcnow(), dossier_id=dossier.id)
                self._fill(dossier, events, listed, rating, targets, actor, errors)
        except _not_yours():
            self._not_found()
            return None
        self._owner_id = user.user_id
        self.status = "ready"
        return None

    def _fill(
        self,
        dossier: Dossier,
        events: list[Any],
        listed: list[DossierAttachment],
        rating: Any,
        targets: list[str],
        actor: Actor,
        errors: Mapping[str, Msg] | None,
    ) -> None:
        t = self._t()
        self._dossier_id = dossier.id
        self._procedure_code = dossier.procedure_code
        self.dossier_code = dossier.code or ""
        self.procedure = t.pick(dossier.procedure_name) if dossier.procedure_name else dossier.procedure_code
        self.title = f"{self.procedure} · {self.dossier_code}"
        self.receiving_unit = t.pick(dossier.receiving_unit) if dossier.receiving_unit else ""
        self.status_key = dossier.status
        self.status_text = t.render(dossiers.status_label(dossier.status))
        self.status_class = tag_class(dossier.status)
        self.sent_at = t.format_datetime(dossier.received_at) if dossier.received_at else ""
        self.due = t.format_date(dossier.appointment_at) if dossier.appointment_at else ""
        self.overdue = dossiers.is_overdue(dossier, utcnow())
        first = dossier.original_appointment_at
        self.delayed = bool(first and dossier.appointment_at and dossier.appointment_at != first)
        self.first_due = (
            t.render(Msg(FIRST_DUE, {"date": t.format_date(first)})) if self.delayed and first else ""
        )
        self.apology = latest_apology(events) if self.delayed else ""
        fee = dossier.fee_due_vnd or 0
        self.fee = money(fee, t) if fee else t.gettext(NO_FEE)
        self.rejection_reason = (dossier.rejection_reason or "") if dossier.status == "rejected" else ""
        self.timeline = timeline_rows(events, t)
        sent, result = split_files(listed, dossier.status)
        self.files = file_rows(sent, t)
        self.results = file_rows(result, t)
        self.result_pickup = (dossiers.pickup_of(dossier) or dossiers.ResultPickup("", "")).as_record()
        self.receipt_href = f"/{t.locale}/receipts/{self.dossier_code}"
        self.can_withdraw = "withdrawn" in targets
        if not self.can_withdraw:
            self.confirming_withdraw = False
        self.rated = rating is not None
        self.rated_score = rating.score if rating is not None else 0
        self.rated_comment = (rating.comment or "") if rating is not None else ""
        self.can_rate = ratings.can_rate(dossier, actor) and rating is None
        self._fill_supplement(dossier, listed, errors)

    def _fill_supplement(
        self, dossier: Dossier, listed: list[DossierAttachment], errors: Mapping[str, Msg] | None
    ) -> None:
        request = dossier.supplement_request or {}
        self.supplement_open = dossier.status == "supplement_requested" and bool(request)
        if not self.supplement_open:
            self._requested_fields, self._requested_slots, self._requested_at = [], [], ""
            return
        t = self._t()
        self.supplement_message = str(request.get("message") or "")
        asked = str(request.get("requested_at") or "")
        self.supplement_asked = ""
        if asked:
            self.supplement_asked = t.render(
                Msg(ASKED_ON, {"date": t.format_date(datetime.fromisoformat(asked))})
            )
        terms = terms_for(dossier.procedure_code)
        if terms is None:
            self.supplement_online = False
            return
        form = terms.form
        if f"{dossier.id}@{asked}" != self._requested_at or not self._answers:
            # Another dossier or a new request: start from the answers the agency has.
            self._answers = copy_answer(dict(dossier.answers))
            self._generation += 1
        self._requested_at = f"{dossier.id}@{asked}"
        self._requested_fields = [f for f in request.get("fields", []) if form.field(f) is not None]
        self._requested_slots = [s for s in request.get("attachments", []) if form.attachment(s) is not None]
        self._locked = sorted(dossier.locked_values or {})
        self.supplement_online = bool(self._requested_fields or self._requested_slots)
        since = datetime.fromisoformat(asked) if asked else None
        # Files for this request only: those sent for an earlier one were judged then.
        added = [
            a
            for a in listed
            if a.stage == "supplement"
            and a.slot_id in self._requested_slots
            and (since is None or a.uploaded_at >= since)
        ]
        self._show_supplement(form, added, errors)

    def _step(self, form: FormSchema) -> Step:
        fields = tuple(f for f in (form.field(i) for i in self._requested_fields) if f is not None)
        return Step(id="supplement", title={"vi": "", "en": ""}, fields=fields)

    def _slot_form(self, form: FormSchema) -> FormSchema:
        slots = tuple(s for s in form.attachments if s.id in self._requested_slots)
        return FormSchema(version=form.version, steps=form.steps, attachments=slots)

    def _show_supplement(
        self, form: FormSchema, added: list[DossierAttachment], errors: Mapping[str, Msg] | None
    ) -> None:
        t = self._t()
        errors = errors or {}
        field_errors = {k: v for k, v in errors.items() if not k.startswith("attachments.")}
        slot_errors = {
            k.split(".", 1)[1]: render_message(t, v)
            for k, v in errors.items()
            if k.startswith("attachments.")
        }
        self.fields = question_views(
            form,
            self._step(form),
            self._answers,
            t=t,
            today=today_in_vietnam(),
            errors=field_errors,
            locked=self._locked,
            generation=self._generation,
        )
        views: list[AttachmentView] = [
            attachment_view(a.id, a.slot_id, a.original_name, a.size_bytes, files_core.icon_for(a), t)
            for a in added
        ]
        self.slots = slot_views(self._slot_form(form), views, t, slot_errors)
        texts = error_texts(field_errors, self._answers, t)
        self.error_links = [
            ErrorLink(anchor=error_anchor(name), text=text) for name, text in texts.items()
        ] + [ErrorLink(anchor=f"slot-{slot}", text=text) for slot, text in slot_errors.items()]

    # ---- every action: who, and which dossier, again --------------------------------------------------

    def _me(self) -> tuple[AuthenticatedUser | None, Any]:
        """The signed-in citizen of this page, or what to do instead (sign in again / nothing)."""
        user = session_user(self)
        if user is None:
            return None, lost_session_response(self)
        if self.status != "ready" or user.user_id != self._owner_id:
            # Another person signed in meanwhile in this browser: show them their own view of it.
            return None, self._open()
        return user, None

    def _reopen_in(self, db: Any, user: AuthenticatedUser) -> Dossier:
        """The dossier this page is about, found again by its code for this citizen (the core checks)."""
        return dossiers.open_by_code(db, self.dossier_code, Actor.citizen(user))

    # ---- withdraw --------------------------------------------------------------------------------------

    @rx.event
    def ask_withdraw(self) -> None:
        if self.can_withdraw:
            self.confirming_withdraw = True

    @rx.event
    def cancel_withdraw(self) -> None:
        self.confirming_withdraw = False

    @rx.event
    def withdraw(self, form_data: dict[str, Any]) -> Any:
        user, instead = self._me()
        if user is None:
            return instead
        reason = str(form_data.get("reason") or "")[:500] or None
        try:
            with unit_of_work() as db:
                dossier = self._reopen_in(db, user)
                dossiers.withdraw(db, dossier.id, Actor.citizen(user), now=utcnow(), note=reason)
        except _not_yours():
            self._not_found()
            return None
        except DossierError as refused:  # processing started meanwhile, say
            self.confirming_withdraw = False
            self.problem = self._render(refused.message)
            problem = self.problem
            self._open()
            self.problem = problem
            return None
        self.confirming_withdraw = False
        self.notice = self._t().gettext(WITHDRAWN)
        return self._open()

    # ---- supplement ------------------------------------------------------------------------------------

    def _form(self) -> FormSchema | None:
        terms = terms_for(self._procedure_code) if self._procedure_code else None
        return terms.form if terms is not None else None

    @rx.event
    def set_answer(self, key: str, name: str, value: Any) -> None:
        """A requested question changed: kept here (sent with Send), conditions shown or hidden at once."""
        generation, _, _rest = key.partition("-")
        form = self._form()
        if generation != str(self._generation) or form is None or not self.supplement_open:
            return
        top = name.split(".", 1)[0]
        if top not in self._requested_fields or top in self._locked:
            return
        answers = {top: copy_answer(self._answers.get(top))}
        set_path(answers, name, value)
        if name.endswith(".province_code"):
            set_path(answers, name.removesuffix("province_code") + "commune_code", "")
        self._answers = {**self._answers, **answers}
        old = {f.name: f.error for f in self.fields}
        views = question_views(
            form,
            self._step(form),
            self._answers,
            t=self._t(),
            today=today_in_vietnam(),
            locked=self._locked,
            generation=self._generation,
        )
        for view in views:
            view.error = old.get(view.name, "")
        self.fields = views

    @rx.event
    def group_action(self, payload: Any) -> None:
        """Add or remove an entry of a requested repeating group (the page's values come along)."""
        form = self._form()
        if form is None or not self.supplement_open or not isinstance(payload, Mapping):
            return
        step = self._step(form)
        values = payload.get("values") if isinstance(payload.get("values"), Mapping) else {}
        raw = answers_from_form(step, values)
        if apply_intent(str(payload.get("intent") or ""), step, raw):
            self._answers = {**self._answers, **raw}
            self._generation += 1
            self.fields = question_views(
                form,
                step,
                self._answers,
                t=self._t(),
                today=today_in_vietnam(),
                locked=self._locked,
                generation=self._generation,
            )

    @rx.event
    def send_supplement(self, form_data: dict[str, Any]) -> Any:
        """Send: only the requested answers and files; the core validates and moves it back to processing."""
        user, instead = self._me()
        if user is None:
            return instead
        form = self._form()
        if form is None or not self.supplement_open or self.sending:
            return None
        raw = answers_from_form(self._step(form), form_data)
        self._answers = {**self._answers, **raw}
        try:
            with unit_of_work() as db:
                dossier = self._reopen_in(db, user)
                dossiers.respond_to_supplement(
                    db, dossier.id, Actor.citizen(user), form=form, answers=raw, now=utcnow()
                )
        except _not_yours():
            self._not_found()
            return None
        except ValidationFailed as failed:
            self._open(errors=failed.errors)
            return _focus("error-summary")
        except DossierError as refused:
            self._open()
            self.problem = self._render(refused.message)
            return None
        self._answers, self._requested_at = {}, ""
        self.notice = self._t().gettext(SUPPLIED)
        self._open()
        return _focus("dossier-notice")

    @rx.event
    async def upload(self, files: list[rx.UploadFile], index: int) -> Any:
        """Files for a requested document (slot ``index`` of the request), checked by content in the core."""
        user, instead = self._me()
        if user is None:
            return instead
        form = self._form()
        if form is None or not self.supplement_open or not 0 <= int(index) < len(self._requested_slots):
            return None
        slot = form.attachment(self._requested_slots[int(index)])
        if slot is None:
            return None
        limit = get_settings().max_file_mb * 1024 * 1024
        problem: Msg | None = None
        for upload in files:
            data = await upload.read(limit + 1)
            try:
                with unit_of_work() as db:
                    dossier = self._reopen_in(db, user)
                    files_core.add_attachment(
                        db,
                        dossier.id,
                        Actor.citizen(user),
                        slot_id=slot.id,
                        filename=upload.name or "file",
                        data=data,
                        declared_type=upload.content_type,
                        slot_max_files=slot.max_files,
                        now=utcnow(),
                    )
            except AttachmentRejected as rejected:
                problem = problem or rejected.message
            except _not_yours():
                self._not_found()
                return None
            except (InvalidTransition, ConcurrentChange) as refused:
                problem = problem or refused.message
                break
        self._open(errors={f"attachments.{slot.id}": problem} if problem else None)
        return _focus("error-summary") if problem else None

    @rx.event
    def files_refused(self, index: int) -> None:
        if 0 <= int(index) < len(self._requested_slots):
            slot = self._requested_slots[int(index)]
            self._open(errors={f"attachments.{slot}": Msg(UPLOAD_REFUSED)})

    @rx.event
    def remove_file(self, attachment_id: int) -> Any:
        user, instead = self._me()
        if user is None:
            return instead
        try:
            with unit_of_work() as db:
                self._reopen_in(db, user)
                # The core checks the file belongs to this citizen's dossier and may still be removed.
                files_core.remove_attachment(db, int(attachment_id), Actor.citizen(user), now=utcnow())
        except _not_yours():
            pass
        except DossierError as refused:
            self.problem = self._render(refused.message)
        self._open()
        return None

    # ---- rating ----------------------------------------------------------------------------------------

    @rx.event
    def choose_score(self, score: int) -> None:
        if int(score) in ratings.SCORES:
            self.rating_score = int(score)
            self.rating_error = ""

    @rx.event
    def rate(self, form_data: dict[str, Any]) -> Any:
        user, instead = self._me()
        if user is None:
            return instead
        if self.rating_score not in ratings.SCORES:
            self.rating_error = self._t().gettext(CHOOSE_SCORE)
            return _focus("rating-error")
        comment = str(form_data.get("comment") or "")
        try:
            with unit_of_work() as db:
                dossier = self._reopen_in(db, user)
                ratings.rate(
                    db,
                    dossier.id,
                    Actor.citizen(user),
                    score=self.rating_score,
                    comment=comment,
                    now=utcnow(),
                )
        except _not_yours():
            self._not_found()
            return None
        except DossierError as refused:
            self._open()
            self.rating_error = self._render(refused.message)
            return None
        self.rating_score = 0
        self.notice = self._t().gettext(RATED)
        self._open()
        return None


def _focus(element_id: str) -> EventSpec:
    return rx.call_script(
        "window.setTimeout(function () { var e = document.getElementById("
        f"'{element_id}'); if (e) {{ e.focus(); }} }}, 60)"
    )
