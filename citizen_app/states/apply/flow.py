"""The apply-online flow, one draft at a time: questions, documents, check answers, send, sent.

Every page of ``/{locale}/apply/{draft_id}/…`` uses :class:`ApplyState`; its loader reads the
page from the URL. The rules are the core's: ``resume_draft`` (migration notices, prefill,
locks), ``save_draft`` (autosave), ``validate_step``/``validate_all``, attachments checked by
content, ``submit`` (one transaction, idempotent by the client's submission key). This state
turns answers posted by the page into core calls and core results into text.

Inputs are uncontrolled: typing never waits for the server. Each change is sent debounced
(``set_answer``) and saved; ``Continue`` posts the whole step (``save_step``). The server asks
the browser to show its values again only by changing a control's ``key`` (``_generation``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any, TypedDict

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core import attachments as files_core
from citizen_app.core import dossiers, receipts
from citizen_app.core.attachments import AttachmentRejected
from citizen_app.core.catalog import get_catalog
from citizen_app.core.dossiers import (
    AccessDenied,
    Actor,
    DossierNotFound,
    DraftTooLarge,
    FormChanged,
    InvalidTransition,
    ProcedureTerms,
    SubmissionKeyReused,
    ValidationFailed,
)
from citizen_app.core.dossiers.assisted import acting_on
from citizen_app.core.dossiers.lifecycle import load as load_dossier
from citizen_app.core.dossiers.staff_desk import desk_actor
from citizen_app.core.forms import FormSchema, render_message, validate_all, validate_step
from citizen_app.core.forms.prefill import MSG_FILLED
from citizen_app.core.i18n import N_, VIETNAM_TZ, Msg
from citizen_app.core.identity.profile import load_profile_view, update_profile
from citizen_app.core.identity.sessions import AuthenticatedUser
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.settings import get_settings
from citizen_app.states.apply.scripts import UPLOADED_JS, focus, forget_pending_js, name_the_document
from citizen_app.states.apply.scripts import (
    collect_form_js as collect_form_js,  # re-exported: other pages use it
)
from citizen_app.states.apply.views import (
    CHECK,
    DOCUMENTS,
    SEND,
    SENT,
    AttachmentView,
    ErrorLink,
    FieldView,
    SlotView,
    SummarySection,
    answer_path_ok,
    answers_from_form,
    answers_to_save,
    apply_intent,
    attachment_view,
    control_id,
    copy_answer,
    describe_address,
    error_name,
    error_summary,
    first_unfinished_page,
    flow_href,
    next_page,
    parse_flow_path,
    previous_page,
    progress_text,
    question_views,
    rendered_positions,
    set_path,
    slot_views,
    start_href,
    summary_sections,
)
from citizen_app.states.base import AppState
from citizen_app.states.session import lost_session_response, session_user
from citizen_app.ui.catalog_view import money

SAVED_OFFLINE = N_("The answers kept on this phone while you were offline have been saved.")
NOT_FOUND = N_("We could not find this application. It may have been sent or deleted.")
TOO_LARGE = N_("Your answers are too long to save. Shorten the longest answers.")
FEE_DUE = N_("Fee: {amount}. The agency will tell you how to pay. Your application is processed once it is paid.")
FEE_NONE = N_("There is no fee for this application.")
WHAT_NEXT = N_(
    "{unit} will check your application. We will tell you when its status changes. "
    "Your result is due on {date}."
)
PROFILE_SAVED = N_("Saved to your profile. Your next form will start with these details.")
REUSABLE_LABELS = {
    "contact.phone": N_("Mobile phone number"),
    "contact.email": N_("Email address"),
    "contact.current_address": N_("Current address"),
}
# What a citizen may not know how to fix here: take them back to the step the problem is on.
GO_TO_STEP = N_("{message} (step: {step})")
LIMITS = N_("A photo or a scan of each document: PDF, JPEG or PNG, up to {file} MB each and {total} MB in all.")

class ReusableRow(TypedDict):
    label: str
    value: str


def terms_for(code: str) -> ProcedureTerms | None:
    procedure = get_catalog().get(code)
    if procedure is None or not procedure.can_apply_online:
        return None
    return ProcedureTerms.from_procedure(procedure)


def today_in_vietnam() -> date:
    return utcnow().astimezone(VIETNAM_TZ).date()


def reusable_rows(changes: Mapping[str, Any], t: Any) -> list[ReusableRow]:
    rows: list[ReusableRow] = []
    for binding, value in changes.items():
        shown = describe_address(value) if isinstance(value, Mapping) else str(value)
        rows.append(ReusableRow(label=t.gettext(REUSABLE_LABELS.get(binding, binding)), value=shown))
    return rows


class ApplyState(AppState):
    """``/{locale}/apply/{draft_id}[/{page}]``."""

    # loading | ready | signed_out | not_found
    status: str = "loading"
    draft_id: int = 0
    page: str = ""
    procedure_name: str = ""
    procedure_code: str = ""
    title: str = ""
    progress: str = ""
    back_href: str = ""
    prefill_line: str = ""
    notices: list[str] = rx.field(default_factory=list)
    saved_offline: str = ""
    problem: str = ""
    fields: list[FieldView] = rx.field(default_factory=list)
    error_links: list[ErrorLink] = rx.field(default_factory=list)
    slots: list[SlotView] = rx.field(default_factory=list)
    sections: list[SummarySection] = rx.field(default_factory=list)
    fee_text: str = ""
    limits: str = ""
    submitting: bool = False
    # The confirmation.
    code: str = ""
    receiving_unit: str = ""
    appointment: str = ""
    what_next: str = ""
    receipt_href: str = ""
    receipt_saved: bool = False
    reusable: list[ReusableRow] = rx.field(default_factory=list)
    profile_saved: str = ""
    profile_errors: list[str] = rx.field(default_factory=list)

    # Backend only.
    _owner_id: int = 0
    _procedure: str = ""
    _version: int = 0
    _answers: dict[str, Any] = rx.field(default_factory=dict)
    _provenance: dict[str, str] = rx.field(default_factory=dict)
    _labels: dict[str, str] = rx.field(default_factory=dict)
    _locked: list[str] = rx.field(default_factory=list)
    _files: list[AttachmentView] = rx.field(default_factory=list)
    _generation: int = 0
    _carried_notices: list[str] = rx.field(default_factory=list)
    # Typed answers a save could not store (session ended); put back for the same person.
    _unsaved: dict[str, Any] = rx.field(default_factory=dict)
    _unsaved_owner: int = 0
    _unsaved_draft: int = 0
    # Newly typed contact data to offer for the profile, for the dossier just sent.
    _reusable: dict[str, Any] = rx.field(default_factory=dict)
    _reusable_for: int = 0
    # Keys made here when the browser sent none (its script did not run).
    _keys: dict[str, str] = rx.field(default_factory=dict)
    # Assisted submission: a counter officer fills in the citizen's draft (core dossiers.assisted).
    _assisted: bool = False
    _applicant_id: int = 0

    # ---- derived ----
    @rx.var
    def applications_href(self) -> str:
        return f"/{self.locale}/applications"

    @rx.var
    def step_key(self) -> str:
        """Remounts the step form (fresh values in every input) when the server says so."""
        return f"{self.draft_id}-{self.page}"

    @rx.var
    def draft_key(self) -> str:
        """``12/applicant``: what the page's script keys answers kept on the phone by."""
        return f"{self.draft_id}/{self.page}"

    # ---- loading ----
    @rx.event
    def load(self) -> Any:
        """Every flow page: who, which draft, which page; then that page's view."""
        return self._open()

    def _reset_view(self) -> None:
        self.notices, self.saved_offline, self.problem, self.error_links = [], "", "", []
        self.fields, self.slots, self.sections = [], [], []
        self.title = self.progress = self.back_href = self.prefill_line = self.fee_text = ""
        self.submitting = False

    def _not_found(self) -> None:
        self._reset_view()
        self.status = "not_found"
        self.problem = self._t().gettext(NOT_FOUND)

    def _open(self) -> Any:
        location = parse_flow_path(self.router.url.path)
        self._reset_view()
        self.page = location.page
        user = session_user(self)
        if user is None:
            self.status = "signed_out"
            return lost_session_response(self)
        if location.draft_id is None:
            self._not_found()
            return None
        if location.draft_id != self.draft_id:
            self.receipt_saved = False
        self.draft_id = location.draft_id
        if not self._decide_acting(user, location.draft_id):
            return None
        if location.page == SENT:
            return self._open_sent(user)
        try:
            with unit_of_work() as db:
                terms = self._terms_of(db, location.draft_id)
                if terms is None:
                    raise DossierNotFound()
                actor = self._actor(user)
                profile = load_profile_view(db, self._applicant_id)
                view = dossiers.resume_draft(db, location.draft_id, actor, terms, profile, now=utcnow())
                listed = files_core.list_attachments(db, location.draft_id, actor)
                files = [
                    attachment_view(a.id, a.slot_id, a.original_name, a.size_bytes, files_core.icon_for(a),
                                    self._t())
                    for a in listed
                    if a.stage == "draft"
                ]
        except (DossierNotFound, AccessDenied):
            self._not_found()
            return None
        except InvalidTransition:
            # Sent already (another tab, or the back button after sending): show what was sent.
            return rx.redirect(flow_href(self.locale, location.draft_id, SENT))
        t = self._t()
        self._owner_id = user.user_id
        self._procedure = terms.code
        self._version = view.form_version
        self._answers = dict(view.answers)
        self._provenance = dict(view.provenance)
        self._labels = {field_id: self._render(label) for field_id, label in view.labels.items()}
        self._locked = sorted(view.locked)
        self._generation += 1
        self.procedure_name = t.pick(terms.name)
        self.procedure_code = terms.code
        self.notices = [*self._carried_notices, *(self._render(n) for n in view.notices)]
        self._carried_notices = []
        self._files = files
        restored = self._restore_unsaved(user, terms.form)
        form = terms.form
        page = location.page
        if page == "":
            # Resuming: continue where the citizen stopped; notices travel with them.
            self._carried_notices = list(self.notices)
            counts: dict[str, int] = {}
            for item in files:
                counts[item.slot] = counts.get(item.slot, 0) + 1
            target = first_unfinished_page(form, self._answers, counts, today_in_vietnam())
            return rx.redirect(flow_href(self.locale, location.draft_id, target))
        events: list[Any] = []
        if form.step(page) is not None:
            self._show_step(form, page)
            if page == form.steps[0].id and view.filled_count:
                self.prefill_line = t.render(Msg(MSG_FILLED, {"count": view.filled_count}))
        elif page == DOCUMENTS and form.attachments:
            self._show_documents(form)
        elif page == CHECK:
            self._show_check(form)
        elif page == SEND:
            self._show_send(terms)
        else:
            self._not_found()
            return None
        self.status = "ready"
        if restored:
            self.saved_offline = t.gettext(SAVED_OFFLINE)
        events.append(name_the_document(self._document_title(), self.locale))
        return events

    def _decide_acting(self, user: AuthenticatedUser, draft_id: int) -> bool:
        """The citizen, or the counter officer registered on the draft acting for them; False if not found."""
        try:
            with unit_of_work() as db:
                acting = acting_on(db, draft_id, user)
        except DossierNotFound:
            self._not_found()
            return False
        self._assisted, self._applicant_id = acting.assisted, acting.applicant_id
        return True

    def _editable(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Posted answers without the verified (locked) ones: a disabled select is not posted, so a locked
        address would arrive half empty and fail validation although the core keeps the verified value."""
        return {key: value for key, value in raw.items() if key not in self._locked}

    def _actor(self, user: AuthenticatedUser) -> Actor:
        return desk_actor(user) if self._assisted else Actor.citizen(user)

    def _terms_of(self, db: Any, draft_id: int) -> ProcedureTerms | None:
        code = self._procedure if draft_id == self.draft_id and self._procedure else None
        if code is None:
            code = load_dossier(db, draft_id).procedure_code
        return terms_for(code)

    def _terms(self) -> ProcedureTerms | None:
        return terms_for(self._procedure) if self._procedure else None

    def _document_title(self) -> str:
        heading = self.title or self.procedure_name
        return f"{heading} · {self.procedure_name}" if self.title else heading

    def _restore_unsaved(self, user: AuthenticatedUser, form: FormSchema) -> bool:
        """Answers typed when the session had ended: saved now that the same person is back."""
        if not self._unsaved or self._unsaved_owner != user.user_id or self._unsaved_draft != self.draft_id:
            self._unsaved, self._unsaved_owner, self._unsaved_draft = {}, 0, 0
            return False
        pending = dict(self._unsaved)
        self._unsaved, self._unsaved_owner, self._unsaved_draft = {}, 0, 0
        saved, _events = self._save(user, pending, form)
        return saved

    # ---- the views ----
    def _back(self, form: FormSchema, page: str) -> str:
        if self._returning():
            return flow_href(self.locale, self.draft_id, CHECK)
        previous = previous_page(form, page)
        if previous is None:
            return start_href(self.locale, self._procedure)
        return flow_href(self.locale, self.draft_id, previous)

    def _go(self, page: str) -> EventSpec:
        """To another page of this draft; the current one is hidden until the next has loaded."""
        self.status = "loading"
        return rx.redirect(flow_href(self.locale, self.draft_id, page))

    def _returning(self) -> bool:
        return self.router.url.query_parameters.get("return") == "check"

    def _show_step(self, form: FormSchema, page: str, errors: Mapping[str, Msg] | None = None) -> None:
        t = self._t()
        step = form.step(page)
        assert step is not None
        self.page = page
        self.title = t.pick(step.title)
        self.progress = progress_text(form, page, t)
        self.back_href = self._back(form, page)
        self.fields = question_views(
            form,
            step,
            self._answers,
            t=t,
            today=today_in_vietnam(),
            errors=errors,
            provenance=self._provenance,
            locked=self._locked,
            generation=self._generation,
            labels=self._labels,
        )
        self.error_links = error_summary(errors or {}, self._answers, t)

    def _show_documents(self, form: FormSchema, slot_errors: Mapping[str, str] | None = None) -> None:
        t = self._t()
        self.page = DOCUMENTS
        self.title = t.gettext("Add your documents")
        self.progress = progress_text(form, DOCUMENTS, t)
        self.back_href = self._back(form, DOCUMENTS)
        self.slots = slot_views(form, self._files, t, slot_errors)
        settings = get_settings()
        self.limits = t.render(
            Msg(LIMITS, {"file": settings.max_file_mb, "total": settings.max_dossier_mb})
        )

    def _show_check(self, form: FormSchema) -> None:
        t = self._t()
        self.page = CHECK
        self.title = t.gettext("Check your answers before sending your application")
        self.back_href = self._back(form, CHECK)
        self.sections = summary_sections(
            form,
            self._answers,
            t=t,
            draft_id=self.draft_id,
            provenance=self._provenance,
            locked=self._locked,
            attachments=self._files,
            labels=self._labels,
        )

    def _show_send(self, terms: ProcedureTerms) -> None:
        t = self._t()
        self.page = SEND
        self.title = t.gettext("Now send your application")
        self.back_href = flow_href(self.locale, self.draft_id, CHECK)
        fee = terms.fee_for("counter" if self._assisted else "online")
        self.fee_text = t.render(Msg(FEE_DUE, {"amount": money(fee, t)})) if fee else t.gettext(FEE_NONE)

    # ---- saving ----
    def _save(
        self, user: AuthenticatedUser, changes: Mapping[str, Any], form: FormSchema
    ) -> tuple[bool, Any]:
        """Autosave ``changes`` (top-level field → value): (saved, what to do instead when not saved)."""
        try:
            with unit_of_work() as db:
                result = dossiers.save_draft(
                    db,
                    self.draft_id,
                    self._actor(user),
                    changes,
                    self._version,
                    now=utcnow(),
                    known_fields=frozenset(f.id for f in form.fields()),
                )
        except FormChanged:
            # The procedure's form was updated while this page was open: reopen it (migration notices).
            return False, self._open()
        except DraftTooLarge:
            self.problem = self._t().gettext(TOO_LARGE)
            return False, None
        except InvalidTransition:
            return False, rx.redirect(flow_href(self.locale, self.draft_id, SENT))
        except (DossierNotFound, AccessDenied):
            self._not_found()
            return False, None
        self._answers.update({k: v for k, v in changes.items() if v is not None})
        if result.restored:
            # Verified values cannot be changed: show them again.
            self._generation += 1
        return True, None

    def _signed_in_here(self) -> tuple[AuthenticatedUser | None, FormSchema | None]:
        user = session_user(self)
        terms = self._terms()
        if user is None or terms is None or user.user_id != self._owner_id:
            return user, None
        return user, terms.form

    def _keep_unsaved(self, changes: Mapping[str, Any]) -> Any:
        self._unsaved = {**self._unsaved, **changes}
        self._unsaved_owner, self._unsaved_draft = self._owner_id, self.draft_id
        return lost_session_response(self)

    @rx.event
    def set_answer(self, key: str, name: str, value: Any) -> Any:
        """One control changed (debounced while typing; at once for choices)."""
        generation, _, _rest = key.partition("-")
        if generation != str(self._generation) or self.status != "ready":
            return None  # drawn before the entries moved (a removed group entry): its value was posted then
        terms = self._terms()
        if terms is None:
            return None
        top = name.split(".", 1)[0]
        if not answer_path_ok(terms.form, name) or top in self._locked:
            return None
        answers = {top: copy_answer(self._answers.get(top))}
        set_path(answers, name, value)
        if name.endswith(".province_code"):
            # Another province: the commune chosen before belongs to the old one.
            set_path(answers, name.removesuffix("province_code") + "commune_code", "")
        user, form = self._signed_in_here()
        if form is None:
            return self._keep_unsaved(answers) if user is None else None
        saved, instead = self._save(user, answers, form)
        if not saved:
            return instead
        if self.page and form.step(self.page) is not None:
            # Conditions may show or hide questions; errors stay until the next Continue.
            self._refresh_step(form)
        return None

    def _refresh_step(self, form: FormSchema) -> None:
        t = self._t()
        step = form.step(self.page)
        assert step is not None
        old = {f.name: f.error for f in self.fields}
        views = question_views(
            form, step, self._answers, t=t, today=today_in_vietnam(),
            provenance=self._provenance, locked=self._locked, generation=self._generation, labels=self._labels,
        )
        for view in views:
            view.error = old.get(view.name, "")
        self.fields = views

    @rx.event
    def save_step(self, form_data: dict[str, Any]) -> Any:
        """Continue: save the step's answers, then the next page, or the problems."""
        terms = self._terms()
        if terms is None or self.status != "ready":
            return None
        form = terms.form
        step = form.step(self.page)
        if step is None:
            return None
        raw = self._editable(answers_from_form(step, form_data))
        user, form_ok = self._signed_in_here()
        if form_ok is None:
            return self._keep_unsaved(raw) if user is None else None
        merged = {**self._answers, **raw}
        result = validate_step(form, step.id, merged, today_in_vietnam())
        saved, instead = self._save(user, answers_to_save(raw, result.answers, step), form)
        if not saved:
            return instead
        if not result.ok:
            self._show_step(form, step.id, result.errors)
            return focus("error-summary")
        target = CHECK if self._returning() else next_page(form, step.id)
        return self._go(target)

    @rx.event
    def step_action(self, payload: Any) -> Any:
        """Back, or add/remove a group entry: the page's values first (nothing typed is lost)."""
        terms = self._terms()
        if terms is None or self.status != "ready" or not isinstance(payload, Mapping):
            return None
        form = terms.form
        step = form.step(self.page)
        if step is None:
            return None
        values = payload.get("values") if isinstance(payload.get("values"), Mapping) else {}
        intent = str(payload.get("intent") or "")
        raw = self._editable(answers_from_form(step, values))
        user, form_ok = self._signed_in_here()
        if form_ok is None:
            return self._keep_unsaved(raw) if user is None else None
        changed = apply_intent(intent, step, raw)
        saved, instead = self._save(user, raw, form)
        if not saved:
            return instead
        if intent == "back":
            if self.back_href.startswith(flow_href(self.locale, self.draft_id) + "/"):
                self.status = "loading"
            return rx.redirect(self.back_href)
        if changed:
            self._generation += 1
            self._refresh_step(form)
            if intent.startswith("add:"):
                group = intent.split(":", 1)[1]
                count = len(self._answers.get(group) or [])
                return focus(control_id(f"{group}.{count - 1}"))
        return None

    @rx.event
    def sync_offline(self, payload: Any) -> Any:
        """Answers the phone kept while the server could not be reached (offline, or signed out)."""
        if not isinstance(payload, Mapping) or payload.get("draft") != self.draft_key:
            return None
        terms = self._terms()
        if terms is None or self.status != "ready":
            return None
        step = terms.form.step(self.page)
        if step is None:
            return forget_pending_js(self.draft_id, self.page)
        values = payload.get("values") if isinstance(payload.get("values"), Mapping) else {}
        raw = self._editable(answers_from_form(step, values))
        user, form = self._signed_in_here()
        if form is None:
            return lost_session_response(self) if user is None else None
        saved, instead = self._save(user, raw, form)
        if not saved:
            return instead
        self._generation += 1
        self._refresh_step(form)
        self.saved_offline = self._t().gettext(SAVED_OFFLINE)
        return forget_pending_js(self.draft_id, self.page)

    # ---- documents ----
    @rx.event
    async def upload(self, files: list[rx.UploadFile], index: int) -> Any:
        """Files picked (or photographed) for one document slot, checked by content in the core."""
        terms = self._terms()
        if terms is None or self.status != "ready" or self.page != DOCUMENTS:
            return None
        form = terms.form
        if not 0 <= index < len(form.attachments):
            return None
        slot = form.attachments[index]
        user, form_ok = self._signed_in_here()
        if form_ok is None:
            return lost_session_response(self) if user is None else None
        limit = get_settings().max_file_mb * 1024 * 1024
        t = self._t()
        problem = ""
        for upload in files:
            # One byte past the limit is enough for the core to say "too large"; never more in memory.
            data = await upload.read(limit + 1)
            try:
                with unit_of_work() as db:
                    files_core.add_attachment(
                        db,
                        self.draft_id,
                        self._actor(user),
                        slot_id=slot.id,
                        filename=upload.name or "file",
                        data=data,
                        declared_type=upload.content_type,
                        slot_max_files=slot.max_files,
                        now=utcnow(),
                    )
            except AttachmentRejected as rejected:
                problem = problem or t.render(rejected.message)
            except InvalidTransition:
                return rx.redirect(flow_href(self.locale, self.draft_id, SENT))
            except (DossierNotFound, AccessDenied):
                self._not_found()
                return None
        self._reload_files(user)
        self._show_documents(form, {slot.id: problem} if problem else None)
        self.error_links = [ErrorLink(anchor=f"slot-{slot.id}", text=problem)] if problem else []
        done = rx.call_script(UPLOADED_JS)
        return [done, focus("error-summary")] if problem else done

    @rx.event
    def files_refused(self, index: int) -> None:
        """The browser refused a file before sending it (its type is not one we take)."""
        terms = self._terms()
        if terms is None or not 0 <= index < len(terms.form.attachments):
            return
        slot = terms.form.attachments[index]
        message = self._t().gettext("The selected file must be a PDF, JPEG or PNG")
        self._show_documents(terms.form, {slot.id: message})
        self.error_links = [ErrorLink(anchor=f"slot-{slot.id}", text=message)]

    @rx.event
    def remove_file(self, attachment_id: int) -> Any:
        terms = self._terms()
        if terms is None or self.status != "ready":
            return None
        user, form = self._signed_in_here()
        if form is None:
            return lost_session_response(self) if user is None else None
        try:
            with unit_of_work() as db:
                files_core.remove_attachment(db, attachment_id, self._actor(user), now=utcnow())
        except (DossierNotFound, AccessDenied):
            pass
        except InvalidTransition:
            return rx.redirect(flow_href(self.locale, self.draft_id, SENT))
        self._reload_files(user)
        self._show_documents(form)
        self.error_links = []
        return None

    def _reload_files(self, user: AuthenticatedUser) -> None:
        with unit_of_work() as db:
            listed = files_core.list_attachments(db, self.draft_id, self._actor(user))
            self._files = [
                attachment_view(a.id, a.slot_id, a.original_name, a.size_bytes, files_core.icon_for(a), self._t())
                for a in listed
                if a.stage == "draft"
            ]

    @rx.event
    def documents_done(self) -> Any:
        terms = self._terms()
        if terms is None or self.status != "ready":
            return None
        form = terms.form
        counts: dict[str, int] = {}
        for item in self._files:
            counts[item.slot] = counts.get(item.slot, 0) + 1
        outcome = validate_all(form, self._answers, counts, today_in_vietnam())
        problems = {p: m for p, m in outcome.errors.items() if p.startswith("attachments.")}
        if problems:
            texts = {p.split(".", 1)[1]: self._render_msg(m) for p, m in problems.items()}
            self._show_documents(form, texts)
            self.error_links = [ErrorLink(anchor=f"slot-{slot}", text=text) for slot, text in texts.items()]
            return focus("error-summary")
        target = CHECK if self._returning() else next_page(form, DOCUMENTS)
        return self._go(target)

    def _render_msg(self, message: Msg) -> str:
        return render_message(self._t(), message)

    # ---- check, send ----
    @rx.event
    def answers_checked(self) -> Any:
        """From check answers to the declaration, unless something still needs an answer."""
        terms = self._terms()
        if terms is None or self.status != "ready":
            return None
        counts: dict[str, int] = {}
        for item in self._files:
            counts[item.slot] = counts.get(item.slot, 0) + 1
        outcome = validate_all(terms.form, self._answers, counts, today_in_vietnam())
        if not outcome.ok:
            self.error_links = self._problems_by_step(terms.form, outcome.errors)
            return focus("error-summary")
        return self._go(SEND)

    def _problems_by_step(self, form: FormSchema, errors: Mapping[str, Msg]) -> list[ErrorLink]:
        """Problems found at the end link to the page they are on."""
        t = self._t()
        positions = rendered_positions(self._answers)
        links: list[ErrorLink] = []
        for path, message in errors.items():
            text = self._render_msg(message)
            if path.startswith("attachments."):
                slot = path.split(".", 1)[1]
                href = f"{flow_href(self.locale, self.draft_id, DOCUMENTS)}?return=check#slot-{slot}"
                links.append(ErrorLink(anchor=href, text=text))
                continue
            name = error_name(path, positions)
            step = form.step_of(name.split(".", 1)[0])
            if step is None:
                links.append(ErrorLink(anchor=flow_href(self.locale, self.draft_id, CHECK), text=text))
                continue
            href = f"{flow_href(self.locale, self.draft_id, step.id)}?return=check#{control_id(name)}"
            links.append(ErrorLink(anchor=href, text=t.render(Msg(GO_TO_STEP, {"message": text,
                                                                               "step": t.pick(step.title)}))))
        return links

    @rx.event
    def send(self, key: Any) -> Any:
        """Accept and send: one dossier whatever happens (same key → same dossier)."""
        if self.submitting or self.status != "ready" or self.page != SEND:
            return
        terms = self._terms()
        if terms is None:
            return
        user = session_user(self)
        if user is None or user.user_id != self._owner_id:
            # Nothing is lost: the draft is on the server. Sign in again, then send from this page.
            yield lost_session_response(self)
            return
        self.submitting = True
        self.error_links, self.problem = [], ""
        yield
        submission_key = self._submission_key(key)
        try:
            with unit_of_work() as db:
                profile = load_profile_view(db, self._applicant_id)
                result = dossiers.submit(
                    db,
                    self.draft_id,
                    self._actor(user),
                    submission_key=submission_key,
                    terms=terms,
                    profile=profile,
                    now=utcnow(),
                )
                sent_id = result.dossier.id
                # Only the citizen may save to their profile, so there is nothing to offer the officer.
                reusable = {} if self._assisted else dict(result.reusable)
        except ValidationFailed as failed:
            self.submitting = False
            self.error_links = self._problems_by_step(terms.form, failed.errors)
            yield focus("error-summary")
            return
        except FormChanged as changed:
            self.submitting = False
            self._carried_notices = [self._render(m) for m in changed.messages] or [self._render(changed.message)]
            yield rx.redirect(flow_href(self.locale, self.draft_id, CHECK))
            return
        except SubmissionKeyReused as refused:
            self.submitting = False
            self.problem = self._render(refused.message)
            return
        except (DossierNotFound, AccessDenied):
            self.submitting = False
            self._not_found()
            return
        self._reusable, self._reusable_for = reusable, sent_id
        self.submitting = False
        self.status = "loading"
        yield rx.redirect(flow_href(self.locale, sent_id, SENT))

    def _submission_key(self, key: Any) -> str:
        try:
            return str(uuid.UUID(str(key)))
        except ValueError:
            # The browser's script did not run: one key per draft, kept here, still makes retries safe.
            draft = str(self.draft_id)
            if draft not in self._keys:
                self._keys = {**self._keys, draft: str(uuid.uuid4())}
            return self._keys[draft]

    # ---- sent ----
    def _open_sent(self, user: AuthenticatedUser) -> Any:
        t = self._t()
        try:
            with unit_of_work() as db:
                slip = receipts.receipt_for(db, self.draft_id, self._actor(user))
        except (DossierNotFound, AccessDenied):
            self._not_found()
            return None
        except InvalidTransition:
            return rx.redirect(flow_href(self.locale, self.draft_id))
        self._owner_id = user.user_id
        self._procedure = slip.procedure_code
        self.procedure_name = t.pick(slip.procedure_name)
        self.procedure_code = slip.procedure_code
        self.page = SENT
        self.title = t.gettext("Application sent")
        self.code = slip.code
        self.receiving_unit = t.pick(slip.receiving_unit)
        self.appointment = t.format_date(slip.appointment_at)
        self.what_next = t.render(
            Msg(WHAT_NEXT, {"unit": self.receiving_unit, "date": self.appointment})
        )
        fee = slip.fee_due_vnd
        self.fee_text = t.render(Msg(FEE_DUE, {"amount": money(fee, t)})) if fee else t.gettext(FEE_NONE)
        self.receipt_href = f"/{self.locale}/receipts/{slip.code}"
        self.reusable = reusable_rows(self._reusable, t) if self._reusable_for == self.draft_id else []
        self.profile_saved, self.profile_errors = "", []
        self.status = "ready"
        return [
            name_the_document(f"{self.title} · {self.procedure_name}", self.locale),
            # Keep the receipt on the phone now (the service worker's saved pages), for the counter.
            rx.call_script(
                "(async function () { try { if (!('caches' in window)) { return false; }"
                " var cache = await caches.open('saved-pages');"
                f" await cache.add({json.dumps(self.receipt_href)}); return true; }}"
                " catch (e) { return false; } })()",
                callback=ApplyState.receipt_cached,
            ),
        ]

    @rx.event
    def receipt_cached(self, saved: Any) -> None:
        self.receipt_saved = saved is True

    @rx.event
    def save_to_profile(self) -> Any:
        if self._reusable_for != self.draft_id or not self._reusable:
            return None
        user = session_user(self)
        if user is None:
            return lost_session_response(self)
        with unit_of_work() as db:
            problems = update_profile(db, user.user_id, self._reusable, user)
        t = self._t()
        if problems:
            self.profile_errors = [self._render_msg(p.message) for p in problems]
            return None
        self._reusable, self._reusable_for, self.reusable = {}, 0, []
        self.profile_saved = t.gettext(PROFILE_SAVED)
        return None

    @rx.event
    def skip_profile(self) -> None:
        self._reusable, self._reusable_for, self.reusable = {}, 0, []

