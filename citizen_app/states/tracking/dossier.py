"""``/{locale}/applications/{code}``: one of the citizen's dossiers, its timeline, and what they can do now.

Every loader and handler reads the session again and reopens the dossier *by its code for
this citizen* (``citizen_view``, ``open_by_code`` with ``Actor.citizen``): an id is never
taken from the page, so nobody can act on another person's dossier by editing a request,
and each refusal is written to the audit trail by the core. The page says "not found" for a
dossier that is not theirs, as for one that does not exist.

Actions, each allowed or refused by the core:

* answer a supplement request: the named questions (drawn by ``ui/form_fields`` from the
  procedure's form) and files for the named documents → ``respond_to_supplement``; which
  answers the request opens is the core's ``OpenRequest``;
* withdraw, with a confirmation step → ``dossiers.withdraw`` (before processing only);
* download the result document once it is ready (``/files/{id}``, checked again there);
* rate the service once the dossier is finished → ``ratings.rate``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import reflex as rx

from citizen_app.core import attachments as files_core
from citizen_app.core import dossiers, notifications, ratings
from citizen_app.core.dossiers import (
    AccessDenied,
    Actor,
    ConcurrentChange,
    DossierError,
    DossierNotFound,
    InvalidTransition,
    ValidationFailed,
)
from citizen_app.core.dossiers import applying as core
from citizen_app.core.dossiers.citizen_view import CitizenDossierView, citizen_view, dossier_id, online_terms
from citizen_app.core.dossiers.supplements import OpenRequest
from citizen_app.core.forms import FormSchema, render_message
from citizen_app.core.forms import flow as rules
from citizen_app.core.i18n import N_, Msg
from citizen_app.core.identity.sessions import AuthenticatedUser
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.settings import get_settings
from citizen_app.states.apply.scripts import focus
from citizen_app.states.base import AppState, Upload, off_loop, read_uploads
from citizen_app.states.session import lost_session_response, session_user
from citizen_app.ui import apply_view, tracking_view
from citizen_app.ui.apply_view import ErrorLink, FieldView, SlotView
from citizen_app.ui.tracking_view import FileRow, PartRow, TimelineRow

NOT_FOUND = N_(
    "We could not find this application among yours. Check the code, or open it from My applications."
)
WITHDRAWN = N_("Your application has been withdrawn.")
SUPPLIED = N_("Thank you. Your information has been sent and your application is being processed again.")
RATED = N_("Thank you for rating this service.")
CHOOSE_SCORE = N_("Choose a score from 1 (very poor) to 5 (very good)")
UPLOAD_REFUSED = N_("The selected file must be a PDF, JPEG or PNG")
_NOT_YOURS = (DossierNotFound, AccessDenied)


class DossierState(AppState):
    # loading | ready | not_found | signed_out
    status: str = "loading"
    # What tracking_view.DossierPage holds, one var each.
    dossier_code: str = ""
    title: str = ""
    procedure: str = ""
    receiving_unit: str = ""
    status_key: str = ""
    status_text: str = ""
    status_class: str = "tag"
    sent_at: str = ""
    received_at: str = ""
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
    postal_tracking: str = ""  # issue 13
    # A linked application (issue 12).
    parts: list[PartRow] = rx.field(default_factory=list)
    chain_stopped: str = ""
    umbrella_code: str = ""
    umbrella_href: str = ""
    receipt_href: str = ""
    can_withdraw: bool = False
    can_rate: bool = False
    rated: bool = False
    rated_score: int = 0
    rated_comment: str = ""
    supplement_open: bool = False
    supplement_online: bool = False
    supplement_message: str = ""
    supplement_asked: str = ""
    # This page's own.
    notice: str = ""
    problem: str = ""
    confirming_withdraw: bool = False
    fields: list[FieldView] = rx.field(default_factory=list)
    slots: list[SlotView] = rx.field(default_factory=list)
    error_links: list[ErrorLink] = rx.field(default_factory=list)
    sending: bool = False
    rating_score: int = 0
    rating_error: str = ""

    # Backend only: what the page shows, never trusted back from it.
    _owner_id: int = 0
    _procedure_code: str = ""
    _request: OpenRequest | None = None
    # The answers being edited, for the request they belong to (its key).
    _answers: dict[str, Any] = rx.field(default_factory=dict)
    _answers_for: str = ""
    _generation: int = 0

    # ---- loading -------------------------------------------------------------------------------------

    @rx.event
    def load(self) -> Any:
        self.notice, self.confirming_withdraw, self.rating_score = "", False, 0
        return self._open(keep_messages=False)

    def _clear(self, status: str) -> None:
        """Nothing of another dossier (or another person) stays in this tab's state."""
        self._show(tracking_view.DossierPage())
        self.fields, self.slots, self.error_links, self._request = [], [], [], None
        self.status = status

    def _not_found(self) -> None:
        self._clear("not_found")
        self.problem = self._t().gettext(NOT_FOUND)

    def _open(self, *, keep_messages: bool = True, errors: Mapping[str, Msg] | None = None) -> Any:
        """(Re)load everything for the signed-in citizen; ``errors`` are a refused supplement answer's."""
        notice = self.notice if keep_messages else ""
        self.problem, self.error_links, self.rating_error, self.sending, self.notice = "", [], "", False, notice
        user = session_user(self)
        if user is None:
            self._clear("signed_out")
            return lost_session_response(self)
        code = tracking_view.code_from_path(self.router.url.path)
        if not code:
            return self._not_found()
        try:
            with unit_of_work() as db:
                view = citizen_view(db, code, Actor.citizen(user), utcnow())
                # Seen now: the notifications about this dossier stop counting as new.
                notifications.mark_read(db, user.user_id, now=utcnow(), dossier_id=view.id)
        except _NOT_YOURS:
            return self._not_found()
        self._owner_id, self._procedure_code = user.user_id, view.procedure_code
        self._show(tracking_view.dossier_page(view, self._t()))
        if not self.can_withdraw:
            self.confirming_withdraw = False
        self._show_supplement(view, errors or {})
        self.status = "ready"
        return None

    def _show(self, page: tracking_view.DossierPage) -> None:
        for name, value in vars(page).items():
            setattr(self, name, value)

    def _show_supplement(self, view: CitizenDossierView, errors: Mapping[str, Msg]) -> None:
        supplement, form = view.supplement, self._form()
        self._request = supplement.request if supplement is not None else None
        if supplement is None or form is None or not supplement.request.answerable_online:
            self.fields, self.slots, self._answers, self._answers_for = [], [], {}, ""
            return
        request = supplement.request
        if request.key != self._answers_for or not self._answers:
            # Another dossier or a new request: start from the answers the agency has.
            self._answers, self._answers_for = rules.copy_answer(dict(supplement.answers)), request.key
            self._generation += 1
        t = self._t()
        field_errors = {k: v for k, v in errors.items() if not k.startswith("attachments.")}
        slot_errors = {slot: render_message(t, m) for slot, m in rules.attachment_problems(errors).items()}
        self._show_questions(form, field_errors)
        added = [apply_view.attachment_view(item, t) for item in supplement.files]
        self.slots = apply_view.slot_views(rules.partial_slots(form, request.slots), added, t, slot_errors)
        self.error_links = apply_view.error_summary(field_errors, self._answers, t) + [
            ErrorLink(anchor=f"slot-{slot}", text=text) for slot, text in slot_errors.items()
        ]

    def _show_questions(self, form: FormSchema, errors: Mapping[str, Msg] | None = None) -> None:
        """The requested questions; without ``errors`` those already shown stay until the next Send."""
        assert self._request is not None
        shown = {f.name: f.error for f in self.fields}
        self.fields = apply_view.question_views(
            form, rules.partial_step(form, self._request.fields), self._answers, t=self._t(),
            today=rules.form_day(utcnow()), errors=errors, locked=self._request.locked, generation=self._generation,
        )
        if errors is None:
            for view in self.fields:
                view.error = shown.get(view.name, "")

    def _form(self) -> FormSchema | None:
        terms = online_terms(self._procedure_code) if self._procedure_code else None
        return terms.form if terms is not None else None

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

    def _dossier_id(self, db: Any, user: AuthenticatedUser) -> int:
        """The dossier this page is about, found again by its code for this citizen (the core checks)."""
        return dossier_id(db, self.dossier_code, Actor.citizen(user))

    def _after(self, refused: DossierError | None = None, *, notice: str = "") -> None:
        """Reload after an action; a refusal (processing started meanwhile, say) is said above it all."""
        if notice:
            self.notice = self._t().gettext(notice)
        self._open()
        if refused is not None:
            self.problem = self._render(refused.message)

    # ---- withdraw --------------------------------------------------------------------------------------

    @rx.event
    def ask_withdraw(self) -> None:
        self.confirming_withdraw = self.can_withdraw

    @rx.event
    def cancel_withdraw(self) -> None:
        self.confirming_withdraw = False

    @rx.event
    def withdraw(self, form_data: dict[str, Any]) -> Any:
        user, instead = self._me()
        if user is None:
            return instead
        reason = str(form_data.get("reason") or "")[:500] or None
        self.confirming_withdraw = False
        try:
            with unit_of_work() as db:
                dossiers.withdraw(db, self._dossier_id(db, user), Actor.citizen(user), now=utcnow(), note=reason)
        except _NOT_YOURS:
            return self._not_found()
        except DossierError as refused:
            return self._after(refused)
        return self._after(notice=WITHDRAWN)

    # ---- supplement ------------------------------------------------------------------------------------

    @rx.event
    def set_answer(self, key: str, name: str, value: Any) -> None:
        """A requested question changed: kept here (sent with Send), conditions shown or hidden at once."""
        generation, _, _rest = key.partition("-")
        form, request = self._form(), self._request
        if generation != str(self._generation) or form is None or request is None:
            return
        changed = rules.changed_answer(
            form, self._answers, name, value, locked=request.locked, editable=request.fields
        )
        if changed is not None:
            self._answers = {**self._answers, **changed}
            self._show_questions(form)

    @rx.event
    def group_action(self, payload: Any) -> None:
        """Add or remove an entry of a requested repeating group (the page's values come along)."""
        form, request = self._form(), self._request
        if form is None or request is None or not isinstance(payload, Mapping):
            return
        step = rules.partial_step(form, request.fields)
        values = payload.get("values") if isinstance(payload.get("values"), Mapping) else {}
        raw = rules.answers_from_form(step, values)
        if rules.apply_intent(str(payload.get("intent") or ""), step, raw) is not None:
            self._answers = {**self._answers, **raw}
            self._generation += 1
            self._show_questions(form, {})

    @rx.event
    def send_supplement(self, form_data: dict[str, Any]) -> Any:
        """Send: only the requested answers and files; the core validates and moves it back to processing."""
        user, instead = self._me()
        if user is None:
            return instead
        form, request = self._form(), self._request
        if form is None or request is None or self.sending:
            return None
        raw = rules.answers_from_form(rules.partial_step(form, request.fields), form_data)
        self._answers = {**self._answers, **raw}
        try:
            with unit_of_work() as db:
                dossiers.respond_to_supplement(
                    db, self._dossier_id(db, user), Actor.citizen(user), form=form, answers=raw, now=utcnow()
                )
        except _NOT_YOURS:
            return self._not_found()
        except ValidationFailed as failed:
            self._open(errors=failed.errors)
            return focus("error-summary")
        except DossierError as refused:
            return self._after(refused)
        self._answers, self._answers_for = {}, ""
        self._after(notice=SUPPLIED)
        return focus("dossier-notice")

    @rx.event
    async def upload(self, files: list[rx.UploadFile], index: int) -> Any:
        """Files for a requested document (slot ``index`` of the request), checked by content in the core."""
        uploads = await read_uploads(files, get_settings().max_file_mb)
        # Re-encoding images and the database write run on the event thread pool, not on the loop.
        return await off_loop(self._store_uploads, uploads, index)

    def _store_uploads(self, uploads: list[Upload], index: int) -> Any:
        user, instead = self._me()
        if user is None:
            return instead
        form, request = self._form(), self._request
        if form is None or request is None or not 0 <= int(index) < len(request.slots):
            return None
        slot = form.attachment(request.slots[int(index)])
        if slot is None:
            return None
        try:
            with unit_of_work() as db:
                problem = core.add_files(
                    db, self._dossier_id(db, user), Actor.citizen(user), slot.id, uploads,
                    max_files=slot.max_files, now=utcnow(),
                )
        except _NOT_YOURS:
            return self._not_found()
        except (InvalidTransition, ConcurrentChange) as refused:
            problem = refused.message
        self._open(errors={f"attachments.{slot.id}": problem} if problem else None)
        return focus("error-summary") if problem else None

    @rx.event
    def files_refused(self, index: int) -> None:
        if self._request is not None and 0 <= int(index) < len(self._request.slots):
            self._open(errors={f"attachments.{self._request.slots[int(index)]}": Msg(UPLOAD_REFUSED)})

    @rx.event
    def remove_file(self, attachment_id: int) -> Any:
        user, instead = self._me()
        if user is None:
            return instead
        try:
            with unit_of_work() as db:
                self._dossier_id(db, user)
                # The core checks the file belongs to this citizen's dossier and may still be removed.
                files_core.remove_attachment(db, int(attachment_id), Actor.citizen(user), now=utcnow())
        except _NOT_YOURS:
            pass
        except DossierError as refused:
            return self._after(refused)
        return self._after()

    # ---- rating ----------------------------------------------------------------------------------------

    @rx.event
    def choose_score(self, score: int) -> None:
        if int(score) in ratings.SCORES:
            self.rating_score, self.rating_error = int(score), ""

    @rx.event
    def rate(self, form_data: dict[str, Any]) -> Any:
        user, instead = self._me()
        if user is None:
            return instead
        if self.rating_score not in ratings.SCORES:
            self.rating_error = self._t().gettext(CHOOSE_SCORE)
            return focus("rating-error")
        comment = str(form_data.get("comment") or "")
        try:
            with unit_of_work() as db:
                ratings.rate(
                    db, self._dossier_id(db, user), Actor.citizen(user), score=self.rating_score, comment=comment,
                    now=utcnow(),
                )
        except _NOT_YOURS:
            return self._not_found()
        except DossierError as refused:
            self._open()
            self.rating_error = self._render(refused.message)
            return None
        self.rating_score = 0
        return self._after(notice=RATED)
