"""The apply-online flow, one draft at a time: questions, documents, check answers, send, sent.

Every page of ``/{locale}/apply/{draft_id}/…`` uses :class:`ApplyState`; its loader reads the
page from the URL. The rules are the core's: ``core.dossiers.applying`` (who acts, resume,
autosave, files, send, the fee), ``core.forms.flow`` (the pages and which answers a page may
post), ``core.forms`` (validation). This state turns events into those calls and their
results into vars, through the view models of ``ui/apply_view.py``.

Inputs are uncontrolled: typing never waits for the server. Each change is sent debounced
(``set_answer``) and saved; ``Continue`` posts the whole step (``save_step``). The server asks
the browser to show its values again only by changing a control's ``key`` (``_generation``).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core import attachments as files_core
from citizen_app.core import receipts
from citizen_app.core.documents import store as document_store
from citizen_app.core.dossiers import (
    AccessDenied,
    DossierNotFound,
    DraftTooLarge,
    FormChanged,
    InvalidTransition,
    ProcedureTerms,
    SubmissionKeyReused,
    ValidationFailed,
)
from citizen_app.core.dossiers import applying as core
from citizen_app.core.dossiers.applying import Acting
from citizen_app.core.dossiers.citizen_view import online_terms
from citizen_app.core.fees import FeeBreakdown
from citizen_app.core.forms import FormSchema, render_message, validate_all, validate_step
from citizen_app.core.forms import flow as rules
from citizen_app.core.forms.flow import CHECK, DOCUMENTS, SEND, SENT
from citizen_app.core.forms.prefill import MSG_FILLED
from citizen_app.core.i18n import N_, Msg
from citizen_app.core.identity.profile import update_profile
from citizen_app.core.identity.sessions import AuthenticatedUser
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.settings import get_settings
from citizen_app.states.apply.scripts import UPLOADED_JS, focus, forget_pending_js, name_the_document
from citizen_app.states.apply.scripts import (
    collect_form_js as collect_form_js,  # re-exported: other pages use it
)
from citizen_app.states.base import AppState, Upload, off_loop, read_uploads
from citizen_app.states.session import lost_session_response, session_user
from citizen_app.ui import apply_view as views
from citizen_app.ui.apply_view import (
    AttachmentView,
    ErrorLink,
    FieldView,
    ReusableRow,
    SlotView,
    SummarySection,
    flow_href,
)
from citizen_app.ui.fee_view import FeeLineView, fee_lines, total_text

SAVED_OFFLINE = N_("The answers kept on this phone while you were offline have been saved.")
NOT_FOUND = N_("We could not find this application. It may have been sent or deleted.")
TOO_LARGE = N_("Your answers are too long to save. Shorten the longest answers.")
PROFILE_SAVED = N_("Saved to your profile. Your next form will start with these details.")
REFUSED_TYPE = N_("The selected file must be a PDF, JPEG or PNG")


def today_in_vietnam() -> date:
    return rules.form_day(utcnow())


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
    # The fee line by line and its total (issue 11): check answers, send, sent.
    fee_lines: list[FeeLineView] = rx.field(default_factory=list)
    fee_total: str = ""
    pay_href: str = ""
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
    _fee: int | None = 0
    _fee_breakdown: dict[str, Any] = rx.field(default_factory=dict)
    _online_payment: bool = False
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
    # Assisted submission: a counter officer fills in the citizen's draft (core.dossiers.applying).
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
    async def load(self) -> Any:
        """Every flow page: who, which draft, which page; then that page's view.

        Off the event loop: the form's prefill may ask registries that this very server answers
        (the sandboxes, issue 12), and it waits for them.
        """
        return await asyncio.to_thread(self._open)

    def _reset_view(self) -> None:
        self.notices, self.saved_offline, self.problem, self.error_links = [], "", "", []
        self.fields, self.slots, self.sections = [], [], []
        self.title = self.progress = self.back_href = self.prefill_line = self.fee_text = ""
        self.fee_lines, self.fee_total, self.pay_href = [], "", ""
        self.submitting = False

    def _not_found(self) -> None:
        self._reset_view()
        self.status = "not_found"
        self.problem = self._t().gettext(NOT_FOUND)

    def _open(self) -> Any:
        location = views.parse_flow_path(self.router.url.path)
        self._reset_view()
        self.page = location.page
        user = session_user(self)
        if user is None:
            self.status = "signed_out"
            return lost_session_response(self)
        if location.draft_id is None:
            return self._not_found()
        if location.draft_id != self.draft_id:
            self.receipt_saved = False
        self.draft_id = location.draft_id
        try:
            with unit_of_work() as db:
                acting = core.who_acts(db, location.draft_id, user)
                self._assisted, self._applicant_id = acting.assisted, acting.applicant_id
                if location.page == SENT:
                    return self._open_sent(receipts.receipt_for(db, self.draft_id, self._actor(user)), user)
                opened = core.open_draft(db, location.draft_id, user, acting, now=utcnow())
        except (DossierNotFound, AccessDenied):
            return self._not_found()
        except InvalidTransition:
            # Sent already (another tab, or the back button after sending): show what was sent; and
            # the sent page of a draft not sent yet goes back to the draft.
            return rx.redirect(flow_href(self.locale, location.draft_id, "" if location.page == SENT else SENT))
        t = self._t()
        view, terms = opened.draft, opened.terms
        self._owner_id, self._procedure, self._version = user.user_id, terms.code, view.form_version
        self._fee = opened.fee_due_vnd
        self._fee_breakdown = opened.fee_breakdown.as_json() if opened.fee_breakdown is not None else {}
        self._online_payment = terms.online_payment
        self._answers, self._provenance, self._locked = dict(view.answers), dict(view.provenance), sorted(view.locked)
        self._labels = {field_id: self._render(label) for field_id, label in view.labels.items()}
        self._generation += 1
        self.procedure_name, self.procedure_code = t.pick(terms.name), terms.code
        self.notices = [*self._carried_notices, *(self._render(n) for n in view.notices)]
        self._carried_notices = []
        self._files = [views.attachment_view(item, t) for item in opened.files]
        restored = self._restore_unsaved(user, terms.form)
        form, page = terms.form, location.page
        if page == "":
            # Resuming: continue where the citizen stopped; notices travel with them.
            self._carried_notices = list(self.notices)
            target = rules.first_unfinished_page(form, self._answers, opened.file_counts, today_in_vietnam())
            return rx.redirect(flow_href(self.locale, location.draft_id, target))
        if not rules.is_flow_page(form, page):
            return self._not_found()
        self._show(form, page)
        if page == form.steps[0].id and view.filled_count:
            self.prefill_line = t.plural(MSG_FILLED, view.filled_count)
        self.status = "ready"
        if restored:
            self.saved_offline = t.gettext(SAVED_OFFLINE)
        return [name_the_document(self._document_title(), self.locale)]

    def _acting(self) -> Acting:
        return Acting(applicant_id=self._applicant_id, assisted=self._assisted)

    def _actor(self, user: AuthenticatedUser) -> Any:
        return core.actor_of(user, self._acting())

    def _terms(self) -> ProcedureTerms | None:
        return online_terms(self._procedure) if self._procedure else None

    def _document_title(self) -> str:
        heading = self.title or self.procedure_name
        return f"{heading} · {self.procedure_name}" if self.title else heading

    def _restore_unsaved(self, user: AuthenticatedUser, form: FormSchema) -> bool:
        """Answers typed when the session had ended: saved now that the same person is back."""
        pending, mine = dict(self._unsaved), self._unsaved_owner == user.user_id and self._unsaved_draft == self.draft_id
        self._unsaved, self._unsaved_owner, self._unsaved_draft = {}, 0, 0
        return bool(pending and mine and self._save(user, pending)[0])

    # ---- the views ----
    def _show(self, form: FormSchema, page: str, errors: Mapping[str, Msg] | None = None) -> None:
        t = self._t()
        self.page, self.error_links = page, []
        self.progress = views.progress_text(form, page, t)
        self.back_href = self._back(form, page)
        if page == DOCUMENTS:
            self.title = t.gettext("Add your documents")
            self._show_slots(form)
            settings = get_settings()
            self.limits = views.limits_text(settings.max_file_mb, settings.max_dossier_mb, t)
        elif page == CHECK:
            self.title = t.gettext("Check your answers before sending your application")
            self.sections = views.summary_sections(
                form, self._answers, t=t, draft_id=self.draft_id, provenance=self._provenance,
                locked=self._locked, attachments=self._files, labels=self._labels,
            )
            self._show_fee(t)
        elif page == SEND:
            self.title = t.gettext("Now send your application")
            self.fee_text = views.fee_text(self._fee, t, online_payment=self._online_payment)
            self._show_fee(t)
        else:
            step = form.step(page)
            assert step is not None
            self.title = t.pick(step.title)
            self._show_questions(form, errors)
            self.error_links = views.error_summary(errors or {}, self._answers, t)

    def _show_fee(self, t: Any) -> None:
        breakdown = FeeBreakdown.from_json(self._fee_breakdown)
        self.fee_lines = fee_lines(breakdown, t)
        self.fee_total = total_text(breakdown, t) if self.fee_lines else ""

    def _show_questions(self, form: FormSchema, errors: Mapping[str, Msg] | None = None) -> None:
        """The step's questions; without ``errors`` the ones already shown stay (until the next Continue)."""
        step = form.step(self.page)
        assert step is not None
        shown = {f.name: f.error for f in self.fields}
        self.fields = views.question_views(
            form, step, self._answers, t=self._t(), today=today_in_vietnam(), errors=errors,
            provenance=self._provenance, locked=self._locked, generation=self._generation, labels=self._labels,
        )
        if errors is None:
            for view in self.fields:
                view.error = shown.get(view.name, "")

    def _show_slots(self, form: FormSchema, problems: Mapping[str, str] | None = None) -> None:
        self.slots = views.slot_views(
            form, self._files, self._t(), problems, self._stored_for(form), answers=self._answers
        )
        self.error_links = [ErrorLink(anchor=f"slot-{slot}", text=text) for slot, text in (problems or {}).items()]

    def _stored_for(self, form: FormSchema) -> Mapping[str, Any]:
        """Issue 13: her stored documents each slot accepts (not offered to an officer filling it in with her)."""
        if self._assisted or not self._applicant_id or not self.draft_id:
            return {}
        with unit_of_work() as db:
            return document_store.slot_choices(
                db, self.draft_id, self._applicant_id, [slot.id for slot in form.attachments], today_in_vietnam()
            )

    def _back(self, form: FormSchema, page: str) -> str:
        if self._returning():
            return flow_href(self.locale, self.draft_id, CHECK)
        previous = rules.previous_page(form, page)
        if previous is None:
            return views.start_href(self.locale, self._procedure)
        return flow_href(self.locale, self.draft_id, previous)

    def _go(self, page: str) -> EventSpec:
        """To another page of this draft; the current one is hidden until the next has loaded."""
        self.status = "loading"
        return rx.redirect(flow_href(self.locale, self.draft_id, page))

    def _returning(self) -> bool:
        return self.router.url.query_parameters.get("return") == "check"

    def _next(self, form: FormSchema, page: str) -> EventSpec:
        return self._go(CHECK if self._returning() else rules.next_page(form, page))

    # ---- saving ----
    def _save(self, user: AuthenticatedUser, changes: Mapping[str, Any]) -> tuple[bool, Any]:
        """Autosave ``changes`` (top-level field → value): (saved, what to do instead when not saved)."""
        terms = self._terms()
        if terms is None:
            return False, None
        try:
            with unit_of_work() as db:
                result = core.save_answers(
                    db, self.draft_id, user, self._acting(), changes, form_version=self._version, terms=terms,
                    now=utcnow(),
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
            return False, self._not_found()
        self._answers.update({k: v for k, v in changes.items() if v is not None})
        if result.restored:
            # Verified values cannot be changed: show them again.
            self._generation += 1
        return True, None

    def _signed_in_here(self) -> tuple[AuthenticatedUser | None, FormSchema | None]:
        user = session_user(self)
        terms = self._terms()
        if user is None or terms is None or user.user_id != self._owner_id or self.status != "ready":
            return user, None
        return user, terms.form

    def _keep_unsaved(self, changes: Mapping[str, Any]) -> Any:
        self._unsaved = {**self._unsaved, **changes}
        self._unsaved_owner, self._unsaved_draft = self._owner_id, self.draft_id
        return lost_session_response(self)

    def _posted(self, values: Any) -> tuple[AuthenticatedUser | None, FormSchema | None, dict[str, Any], Any]:
        """The current step's answers from what the page posted (without verified ones), and who sent them;
        when they cannot be saved, what to do instead (sign in again, keeping them)."""
        terms = self._terms()
        step = terms.form.step(self.page) if terms is not None and self.status == "ready" else None
        if step is None:
            return None, None, {}, None
        user, form = self._signed_in_here()
        raw = rules.without_locked(rules.answers_from_form(step, values if isinstance(values, Mapping) else {}),
                                   self._locked)
        if user is None:
            return None, None, raw, self._keep_unsaved(raw)
        return (user, form, raw, None) if form is not None else (None, None, raw, None)

    @rx.event
    def set_answer(self, key: str, name: str, value: Any) -> Any:
        """One control changed (debounced while typing; at once for choices)."""
        generation, _, _rest = key.partition("-")
        terms = self._terms()
        if generation != str(self._generation) or self.status != "ready" or terms is None:
            return None  # drawn before the entries moved (a removed group entry): its value was posted then
        changed = rules.changed_answer(terms.form, self._answers, name, value, locked=self._locked)
        if changed is None:
            return None
        user, form = self._signed_in_here()
        if form is None:
            return self._keep_unsaved(changed) if user is None else None
        saved, instead = self._save(user, changed)
        if saved and form.step(self.page) is not None:
            # Conditions may show or hide questions; errors stay until the next Continue.
            self._show_questions(form)
        return instead

    @rx.event
    def save_step(self, form_data: dict[str, Any]) -> Any:
        """Continue: save the step's answers, then the next page, or the problems."""
        user, form, raw, instead = self._posted(form_data)
        if user is None or form is None:
            return instead
        result = validate_step(form, self.page, {**self._answers, **raw}, today_in_vietnam())
        step = form.step(self.page)
        assert step is not None
        saved, instead = self._save(user, rules.answers_to_save(raw, result.answers, step))
        if not saved:
            return instead
        if not result.ok:
            self._show(form, step.id, result.errors)
            return focus("error-summary")
        return self._next(form, step.id)

    @rx.event
    def step_action(self, payload: Any) -> Any:
        """Back, or add/remove a group entry: the page's values first (nothing typed is lost)."""
        if not isinstance(payload, Mapping):
            return None
        user, form, raw, instead = self._posted(payload.get("values"))
        if user is None or form is None:
            return instead
        intent = str(payload.get("intent") or "")
        step = form.step(self.page)
        assert step is not None
        change = rules.apply_intent(intent, step, raw)
        saved, instead = self._save(user, raw)
        if not saved:
            return instead
        if intent == "back":
            if self.back_href.startswith(flow_href(self.locale, self.draft_id) + "/"):
                self.status = "loading"
            return rx.redirect(self.back_href)
        if change is None:
            return None
        self._generation += 1
        self._show_questions(form)
        return focus(views.control_id(f"{change.group}.{change.added}")) if change.added is not None else None

    @rx.event
    def sync_offline(self, payload: Any) -> Any:
        """Answers the phone kept while the server could not be reached (offline, or signed out)."""
        if not isinstance(payload, Mapping) or payload.get("draft") != self.draft_key:
            return None
        terms = self._terms()
        if terms is None or self.status != "ready":
            return None
        if terms.form.step(self.page) is None:
            return forget_pending_js(self.draft_id, self.page)
        user, form, raw, instead = self._posted(payload.get("values"))
        if user is None or form is None:
            return instead
        saved, instead = self._save(user, raw)
        if not saved:
            return instead
        self._generation += 1
        self._show_questions(form)
        self.saved_offline = self._t().gettext(SAVED_OFFLINE)
        return forget_pending_js(self.draft_id, self.page)

    # ---- documents ----
    @rx.event
    async def upload(self, files: list[rx.UploadFile], index: int) -> Any:
        """Files picked (or photographed) for one document slot, checked by content in the core."""
        uploads = await read_uploads(files, get_settings().max_file_mb)
        # Re-encoding images and the database write run on the event thread pool, not on the loop.
        return await off_loop(self._store_uploads, uploads, index)

    def _slot_on_documents_page(self, index: int) -> tuple[FormSchema, Any, Any] | Any:
        """The slot at ``index`` and the signed-in user, or what to answer instead (nothing, or sign in again)."""
        terms = self._terms()
        if terms is None or self.status != "ready" or self.page != DOCUMENTS:
            return None
        form = terms.form
        if not 0 <= index < len(form.attachments):
            return None
        user, form_ok = self._signed_in_here()
        if form_ok is None:
            return lost_session_response(self) if user is None else None
        return form, form.attachments[index], user

    def _slot_changed(self, user: Any, form: FormSchema, slot: Any, problem: Msg | None) -> str:
        """After files went into (or were refused by) a slot: show the slots again; the refusal's text."""
        self._reload_files(user)
        text = self._render(problem) if problem else ""
        self._show_slots(form, {slot.id: text} if text else None)
        return text

    def _store_uploads(self, uploads: list[Upload], index: int) -> Any:
        target = self._slot_on_documents_page(index)
        if not isinstance(target, tuple):
            return target
        form, slot, user = target
        try:
            with unit_of_work() as db:
                problem = core.add_files(
                    db, self.draft_id, self._actor(user), slot.id, uploads, max_files=slot.max_files, now=utcnow()
                )
        except InvalidTransition:
            return rx.redirect(flow_href(self.locale, self.draft_id, SENT))
        except (DossierNotFound, AccessDenied):
            return self._not_found()
        text = self._slot_changed(user, form, slot, problem)
        done = rx.call_script(UPLOADED_JS)
        return [done, focus("error-summary")] if text else done

    @rx.event
    def use_stored(self, index: int, document_id: int) -> Any:
        """Issue 13: "use from my documents": a stored document goes into the slot instead of an upload."""
        target = self._slot_on_documents_page(index)
        if not isinstance(target, tuple):
            return target
        form, slot, user = target
        problem: Msg | None = None
        try:
            with unit_of_work() as db:
                document_store.use_from_store(
                    db, self.draft_id, self._actor(user), slot_id=slot.id, document_id=int(document_id),
                    slot_max_files=slot.max_files, now=utcnow(),
                )
        except (files_core.AttachmentRejected, document_store.DocumentNotFound) as refused:
            problem = refused.message
        except InvalidTransition:
            return rx.redirect(flow_href(self.locale, self.draft_id, SENT))
        except (DossierNotFound, AccessDenied):
            return self._not_found()
        text = self._slot_changed(user, form, slot, problem)
        return focus("error-summary") if text else None

    @rx.event
    def files_refused(self, index: int) -> None:
        """The browser refused a file before sending it (its type is not one we take)."""
        terms = self._terms()
        if terms is None or not 0 <= index < len(terms.form.attachments):
            return
        self._show_slots(terms.form, {terms.form.attachments[index].id: self._t().gettext(REFUSED_TYPE)})

    @rx.event
    def remove_file(self, attachment_id: int) -> Any:
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
        self._show_slots(form)
        return None

    def _reload_files(self, user: AuthenticatedUser) -> None:
        with unit_of_work() as db:
            listed = core.draft_files(db, self.draft_id, user, self._acting())
        self._files = [views.attachment_view(item, self._t()) for item in listed]

    def _check_all(self, form: FormSchema) -> Mapping[str, Msg]:
        counts = rules.slot_counts(item.slot for item in self._files)
        return validate_all(form, self._answers, counts, today_in_vietnam()).errors

    @rx.event
    def documents_done(self) -> Any:
        terms = self._terms()
        if terms is None or self.status != "ready":
            return None
        problems = rules.attachment_problems(self._check_all(terms.form))
        if problems:
            self._show_slots(terms.form, {slot: render_message(self._t(), m) for slot, m in problems.items()})
            return focus("error-summary")
        return self._next(terms.form, DOCUMENTS)

    # ---- check, send ----
    @rx.event
    def answers_checked(self) -> Any:
        """From check answers to the declaration, unless something still needs an answer."""
        terms = self._terms()
        if terms is None or self.status != "ready":
            return None
        errors = self._check_all(terms.form)
        if errors:
            self.error_links = self._problem_links(terms.form, errors)
            return focus("error-summary")
        return self._go(SEND)

    def _problem_links(self, form: FormSchema, errors: Mapping[str, Msg]) -> list[ErrorLink]:
        return views.problem_links(form, errors, self._answers, draft_id=self.draft_id, t=self._t())

    @rx.event
    def send(self, key: Any) -> Any:
        """Accept and send: one dossier whatever happens (same key → same dossier)."""
        terms = self._terms()
        if self.submitting or self.status != "ready" or self.page != SEND or terms is None:
            return
        user = session_user(self)
        if user is None or user.user_id != self._owner_id:
            # Nothing is lost: the draft is on the server. Sign in again, then send from this page.
            yield lost_session_response(self)
            return
        self.submitting = True
        self.error_links, self.problem = [], ""
        yield
        try:
            with unit_of_work() as db:
                sent = core.send(
                    db, self.draft_id, user, self._acting(), submission_key=self._submission_key(key), now=utcnow()
                )
        except ValidationFailed as failed:
            self.submitting = False
            self.error_links = self._problem_links(terms.form, failed.errors)
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
            self._not_found()
            return
        self._reusable, self._reusable_for = dict(sent.reusable), sent.dossier_id
        self.submitting = False
        self.status = "loading"
        yield rx.redirect(flow_href(self.locale, sent.dossier_id, SENT))

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
    def _open_sent(self, slip: receipts.ReceiptSlip, user: AuthenticatedUser) -> Any:
        t = self._t()
        self._owner_id, self._procedure = user.user_id, slip.procedure_code
        self.procedure_name, self.procedure_code = t.pick(slip.procedure_name), slip.procedure_code
        self.page, self.title, self.code = SENT, t.gettext("Application sent"), slip.code
        self.receiving_unit = t.pick(slip.receiving_unit)
        self.appointment = t.format_date(slip.appointment_at)
        self.what_next = views.what_next(self.receiving_unit, self.appointment, t)
        awaiting = slip.status == "awaiting_payment"
        self.fee_text = views.fee_text(slip.fee_due_vnd, t, online_payment=awaiting)
        breakdown = FeeBreakdown.from_json(slip.fee_breakdown)
        self.fee_lines = fee_lines(breakdown, t)
        self.fee_total = total_text(breakdown, t) if self.fee_lines else ""
        self.pay_href = f"/{self.locale}/pay/{slip.code}" if awaiting else ""
        self.receipt_href = f"/{self.locale}/receipts/{slip.code}"
        self.reusable = views.reusable_rows(self._reusable, t) if self._reusable_for == self.draft_id else []
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
        if problems:
            self.profile_errors = [render_message(self._t(), p.message) for p in problems]
            return None
        self._reusable, self._reusable_for, self.reusable = {}, 0, []
        self.profile_saved = self._t().gettext(PROFILE_SAVED)
        return None

    @rx.event
    def skip_profile(self) -> None:
        self._reusable, self._reusable_for, self.reusable = {}, 0, []
