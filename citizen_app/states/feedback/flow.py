"""``/{locale}/feedback/new/{step}``: a citizen sends feedback, one question per page, then checks and sends.

The answers live in this state until they are sent (nothing is stored half-done); each page's
answers are checked by the core (``sending.check_step``) before the next page opens, and
``send_feedback`` checks them all again. The optional photo is checked and re-encoded by the
core as soon as it is picked and kept here (backend only) until sending.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core.admin_units import get_admin_units
from citizen_app.core.attachments import AttachmentRejected
from citizen_app.core.catalog import get_catalog
from citizen_app.core.feedback import sending
from citizen_app.core.feedback.errors import FeedbackInvalid
from citizen_app.core.feedback.photos import PreparedPhoto, prepare_photo
from citizen_app.core.i18n import N_, Msg
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.settings import get_settings
from citizen_app.states.base import AppState, off_loop, read_uploads
from citizen_app.ui import feedback_view as view
from citizen_app.ui.apply_view import ErrorLink, SummaryRow

FIELDS: dict[str, tuple[str, ...]] = {
    "about": ("subject_type",),
    "subject": ("procedure_code", "province_code", "commune_code", "dossier_code", "pid_last4"),
    "details": ("topic", "title", "content", "place"),
    "photo": (),
    "contact": ("sender_name", "sender_phone", "sender_email", "may_publish"),
}
ORDER = (*view.STEPS, "check")
TOO_MANY_SENT = N_("You have sent a lot of feedback from this connection. Wait an hour, then send this one.")
CHOOSE_ONE_PHOTO = N_("Choose one photo")
MAX_TYPED = 6000


class FeedbackFlowState(AppState):
    answers: dict[str, str] = {}  # noqa: RUF012 - Reflex copies class defaults per client
    errors: dict[str, str] = {}  # noqa: RUF012
    error_links: list[ErrorLink] = []  # noqa: RUF012
    step: str = "about"
    title: str = ""
    progress: str = ""
    back_href: str = ""
    # Came from the check page: the next page is the check page again.
    changing: bool = False
    subject_options: list[view.Choice] = []  # noqa: RUF012
    topic_options: list[view.Choice] = []  # noqa: RUF012
    procedure_options: list[view.Choice] = []  # noqa: RUF012
    province_options: list[view.Choice] = []  # noqa: RUF012
    commune_options: list[view.Choice] = []  # noqa: RUF012
    publish_options: list[view.Choice] = []  # noqa: RUF012
    photo_name: str = ""
    photo_error: str = ""
    rows: list[SummaryRow] = []  # noqa: RUF012
    problem: str = ""
    sent_code: str = ""
    sent_unit: str = ""
    sent_due: str = ""
    # Changed whenever the answers are put back into the page's (uncontrolled) inputs.
    form_key: int = 0
    _photo: PreparedPhoto | None = None

    def _step_from_path(self) -> str:
        last = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        return last if last in ORDER else "about"

    def _href(self, step: str) -> str:
        return view.step_href(self.locale, step)

    def _show_errors(self, errors: dict[str, Msg]) -> None:
        t = self._t()
        self.errors = view.error_texts(errors, t)
        self.error_links = view.error_links(errors, t)

    @rx.event
    def load(self) -> EventSpec | None:
        t = self._t()
        step = self._step_from_path()
        self.changing = str(self.router.url.query_parameters.get("change", "")) == "1"
        if step != "about" and not self.answers.get("subject_type"):
            # A page opened directly, or the answers were lost with the connection: start again.
            return rx.redirect(self._href("about"))
        self.step = step
        self.errors, self.error_links, self.problem, self.photo_error = {}, [], "", ""
        subject = self.answers.get("subject_type", "")
        self.title = view.step_title(step, subject, t)
        self.progress = view.progress(step, t)
        index = ORDER.index(step)
        self.back_href = self._href("check") if self.changing else (
            self._href(ORDER[index - 1]) if index else f"/{self.locale}/feedback"
        )
        if step == "about":
            self.subject_options = view.subject_choices(t)
        elif step == "subject":
            units = get_admin_units()
            self.procedure_options = view.procedure_choices(get_catalog(), t)
            self.province_options = view.province_choices(units)
            self.commune_options = view.commune_choices(units, self.answers.get("province_code", ""))
        elif step == "details":
            self.topic_options = view.topic_choices(t)
        elif step == "contact":
            self.publish_options = view.publish_choices(t)
            user = self._current_user() if not self.answers.get("sender_name") else None
            if user is not None:
                self.answers = {**self.answers, "sender_name": user.display_name}
        elif step == "check":
            first = sending.first_step_with_errors(self.answers)
            if first is not None:
                return rx.redirect(self._href(first))
            self.rows = view.check_rows(self.answers, self.photo_name, t, catalog=get_catalog(),
                                        units=get_admin_units())
        self.form_key += 1
        return None

    @rx.event
    def choose_province(self, value: str) -> None:
        self.answers = {**self.answers, "province_code": str(value)[:2], "commune_code": ""}
        self.commune_options = view.commune_choices(get_admin_units(), self.answers["province_code"])

    @rx.event
    def save(self, form_data: dict[str, Any]) -> EventSpec | list[EventSpec] | None:
        step = self.step
        typed = {name: str(form_data.get(name) or "")[:MAX_TYPED] for name in FIELDS.get(step, ())}
        answers = {**self.answers, **typed}
        with unit_of_work() as db:
            errors = sending.check_step(db, step, answers, client=self.router.session.client_ip or "unknown",
                                        now=utcnow())
        self.answers = answers
        if errors:
            self._show_errors(errors)
            self.form_key += 1
            return rx.call_script("document.getElementById('error-summary')?.focus()")
        if step == "about" and self.changing:
            return rx.redirect(self._href("subject") + "?change=1")  # a new subject needs its details
        following = "check" if self.changing else ORDER[ORDER.index(step) + 1]
        return rx.redirect(self._href(following))

    @rx.event
    async def upload_photo(self, files: list[rx.UploadFile]) -> None:
        self.photo_error = ""
        if len(files) != 1:
            self.photo_error = self._t().gettext(CHOOSE_ONE_PHOTO)
            return
        settings = get_settings()
        upload = (await read_uploads(files, settings.feedback_max_photo_mb))[0]
        try:
            # Re-encoding the image runs on the event thread pool, not on the loop.
            photo = await off_loop(prepare_photo, upload.filename, upload.data, upload.declared_type, settings=settings)
        except AttachmentRejected as refused:
            self.photo_error = self._render(refused.message)
            return
        self._photo = photo
        self.photo_name = photo.name

    @rx.event
    def remove_photo(self) -> None:
        self._photo = None
        self.photo_name = ""

    @rx.event
    def send(self) -> EventSpec | None:
        if not self.answers and self.sent_code:
            return rx.redirect(f"/{self.locale}/feedback/sent")  # a second tap on Send
        client = self.router.session.client_ip or "unknown"
        now = utcnow()
        with unit_of_work() as db:
            decision = sending.sending_allowed(db, client, now=now)
        if not decision.allowed:
            self.problem = self._t().gettext(TOO_MANY_SENT)
            return None
        user = self._current_user()
        try:
            with unit_of_work() as db:
                sent = sending.send_feedback(
                    db, self.answers, photo=self._photo, user_id=user.user_id if user else None,
                    locale=self.locale, now=now,
                )
        except FeedbackInvalid as invalid:
            first = sending.first_step_with_errors(self.answers) or "about"
            self._show_errors(invalid.errors)
            return rx.redirect(self._href(first))
        t = self._t()
        self.sent_code = sent.code
        self.sent_unit = t.pick(sent.unit_name)
        self.sent_due = view.due_text(sent.due_at, sent.due_provisional, t)
        self.answers, self._photo, self.photo_name, self.rows = {}, None, "", []
        return rx.redirect(f"/{self.locale}/feedback/sent")
