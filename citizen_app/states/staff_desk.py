"""States of the counter desk: opening a dossier (typed code or receipt QR) and the dossier workspace.

Every loader and handler asks :class:`StaffState`'s guard first, then calls the core inside
``unit_of_work()``: the workspace is the core's read model (``desk_view``) turned into text
(``ui.staff_view.desk_page``), and every action is one ``act_at_desk`` call carrying the status
the page showed. What may be done, and whether it may be done now, is the core's to say.

Taps cannot fire twice: a handler marks the page busy (the buttons disable) before the core is
called, the core refuses an action on a status the page no longer shows (and takes a repeat of
the same action as done once), and the actions that appear after one are drawn where the outcome
now stands, only after a short moment (``pages/staff/dossier.py``, ``assets/css/staff.css``).
Approving, rejecting and marking the result ready are confirmed first (:attr:`confirming`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core import attachments as files_core
from citizen_app.core.attachments import RESULT_SLOT, AttachmentRejected
from citizen_app.core.dossiers import (
    AccessDenied,
    DossierError,
    DossierNotFound,
    NoteRequired,
    ResultPickup,
    ResultRequired,
    ValidationFailed,
)
from citizen_app.core.dossiers.actions import BY_KEY, note_problem
from citizen_app.core.dossiers.routing import RoutingRefused
from citizen_app.core.dossiers.staff_desk import (
    DeskRequest,
    act_at_desk,
    desk_actor,
    desk_view,
    desk_view_by_id,
    open_at_desk,
)
from citizen_app.core.forms import render_message
from citizen_app.core.i18n import N_
from citizen_app.core.identity.sessions import AuthenticatedUser
from citizen_app.core.payments.ledger import PaymentRefused, record_counter_payment
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.settings import get_settings
from citizen_app.states.base import off_loop
from citizen_app.states.staff import StaffState
from citizen_app.ui.staff_view import DeskPage, desk_page, dossier_href

NO_SUCH_CODE = N_("No application has this code. Check the code on the receipt and try again.")
OTHER_UNIT = N_("This application was received by another unit. You cannot open it.")
NOT_GENUINE = N_("This QR code is not from a genuine receipt. Type the code printed on the receipt instead.")
CAMERA_DENIED = N_("The camera is not allowed in this browser. Allow it, or scan from a photo, or type the code.")
CAMERA_UNAVAILABLE = N_("No camera can be used here. Scan from a photo, or type the code.")
NO_QR_IN_PHOTO = N_("No QR code was found in this photo. Take a sharper photo of the receipt, or type the code.")
ENTER_CODE = N_("Enter the application code, for example 004.00.20.H01-261116-0001.")
SCAN_PROBLEMS = {
    "camera_denied": CAMERA_DENIED,
    "camera_unavailable": CAMERA_UNAVAILABLE,
    "no_code": NO_QR_IN_PHOTO,
    "unreadable": NO_QR_IN_PHOTO,
}
RESULT_FILE_DONE = N_("The result document is attached.")
RESULT_FILE_REMOVED = N_("The file has been removed.")
WRONG_FILE_TYPE = N_("The selected file must be a PDF, JPEG or PNG")
PAYMENT_RECORDED = N_("The payment is recorded and the electronic fee receipt is issued. The application has moved on.")


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
                found = open_at_desk(db, desk_actor(user), code=code, scanned=scanned).code
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
    desk: DeskPage = DeskPage()
    notice: str = ""
    problem: str = ""
    # Errors shown next to the form they are about.
    reason_error: str = ""
    supplement_error: str = ""
    delay_error: str = ""
    route_error: str = ""
    result_error: str = ""
    confirm_error: str = ""
    payment_error: str = ""
    # The action waiting for "yes" (its key), and the reason written for it.
    confirming: str = ""
    pending_note: str = ""
    # Changing it redraws the action area (forms empty again, the next actions held back a moment).
    form_key: int = 0
    busy: bool = False

    _dossier_id: int = 0
    _pending_expected: str = ""

    # ---- loading ----
    @rx.event
    def load(self) -> EventSpec | None:
        self._clear_messages()
        self.notice, self.confirming, self.busy, self.form_key = "", "", False, 0
        code = _code_from_path(self.router.url.path)
        user = self._staff_user(action="staff.dossier.view", target_type="dossier", target_id=code[:64] or None)
        if user is None:
            self._forget()
            return self._refusal()
        try:
            with unit_of_work() as db:
                view = desk_view(db, desk_actor(user), code, now=utcnow())
        except AccessDenied:
            self._forget("other_unit", OTHER_UNIT)
        except DossierNotFound:
            self._forget("not_found", NO_SUCH_CODE)
        else:
            self._dossier_id, self.dossier_status = view.dossier_id, "ready"
            self.desk = desk_page(view, self._t())
        return None

    def _forget(self, status: str = "loading", problem: str = "") -> None:
        self._dossier_id, self.dossier_status, self.desk = 0, status, DeskPage()
        self.problem = self._t().gettext(problem) if problem else ""

    def _clear_messages(self) -> None:
        self.problem = self.reason_error = self.supplement_error = self.delay_error = self.route_error = ""
        self.result_error = self.confirm_error = self.payment_error = ""

    def _refresh(self, user: AuthenticatedUser) -> None:
        try:
            with unit_of_work() as db:
                self.desk = desk_page(desk_view_by_id(db, desk_actor(user), self._dossier_id, now=utcnow()), self._t())
        except (AccessDenied, DossierNotFound):
            self._forget("not_found")

    # ---- acting ----
    def _officer(self, action: str) -> AuthenticatedUser | None:
        return self._staff_user(
            action=f"staff.dossier.{action}", target_type="dossier", target_id=str(self._dossier_id or "") or None
        )

    def _busy(self, work: Callable[[], EventSpec | None]) -> Iterator[EventSpec | None]:
        """Disable the action buttons (sent to the page at once), do the work, enable them again."""
        if self.busy:
            return
        self.busy = True
        yield None
        try:
            after = work()
        finally:
            self.busy = False
        if after is not None:
            yield after

    def _run(
        self, action: str, change: Callable[[Any, Any], str], error_var: str = "problem", *, stays: bool = True
    ) -> EventSpec | None:
        """Guard, then ``change(db, actor)`` (returns the notice's message id) in one transaction; then the view
        is read again. A refusal is shown where it belongs; one the form cannot fix also redraws the actions."""
        user = self._officer(action)
        if user is None:
            return self._refusal()
        if not self._dossier_id:
            return None
        self._clear_messages()
        self.notice = ""
        try:
            with unit_of_work() as db:
                done = change(db, desk_actor(user))
        except ValidationFailed as failed:
            setattr(self, error_var, render_message(self._t(), next(iter(failed.errors.values()), failed.message)))
            return None
        except (AttachmentRejected, NoteRequired, ResultRequired, RoutingRefused) as missing:
            setattr(self, error_var, self._render(missing.message))
            return None
        except DossierError as refused:
            # The dossier moved on, the step is gone, or a refusal: say so and show the dossier as it is now.
            self.problem, self.confirming = self._render(refused.message), ""
            self.form_key += 1
            self._refresh(user)
            return None
        except PaymentRefused as refused:
            # Nothing was kept (the transaction rolled back). Shown by the payment form while it still applies;
            # when the fee has been paid meanwhile (another officer, another tab) the form is gone: at the top.
            self._refresh(user)
            if self.desk.counter_payment:
                setattr(self, error_var, self._render(refused.message))
            else:
                self.problem = self._render(refused.message)
                self.form_key += 1
            return None
        self.notice, self.confirming, self.pending_note = self._t().gettext(done), "", ""
        self.form_key += 1
        if not stays:
            # Handed over to another unit: this desk may no longer open it, so it is not read again.
            self._dossier_id, self.dossier_status, self.desk = 0, "handed_over", DeskPage()
            return None
        self._refresh(user)
        return None

    def _act(self, request: DeskRequest, error_var: str = "problem", *, stays: bool = True) -> EventSpec | None:
        def change(db: Any, actor: Any) -> str:
            return act_at_desk(db, actor, self._dossier_id, request, now=utcnow()).action.done

        return self._run(request.action, change, error_var, stays=stays)

    @rx.event
    def act(self, key: str, expected: str) -> Iterator[EventSpec | None]:
        """An action that needs nothing more and no "yes?" (receive, start processing, hand over)."""
        declared = BY_KEY.get(key)
        if declared is None or declared.confirm is not None or declared.input != "none":
            return
        yield from self._busy(lambda: self._act(DeskRequest(key, str(expected))))

    @rx.event
    def ask(self, form_data: dict[str, Any]) -> EventSpec | None:
        """The first tap of an action confirmed before it is done: show the question (a reason is checked first)."""
        declared = BY_KEY.get(str(form_data.get("action") or ""))
        if declared is None or declared.confirm is None:
            return None
        if self._officer(declared.key) is None:
            return self._refusal()
        self._clear_messages()
        self.notice = ""
        note = str(form_data.get("note") or "")
        problem = note_problem(declared, note)
        if problem is not None:
            self.reason_error = self._render(problem)
            return None
        self.confirming, self.pending_note = declared.key, note.strip()
        self._pending_expected = str(form_data.get("expected") or "")
        return None

    @rx.event
    def cancel(self) -> None:
        self.confirming, self.confirm_error = "", ""
        self.form_key += 1

    @rx.event
    def confirm(self, form_data: dict[str, Any]) -> Iterator[EventSpec | None]:
        key = self.confirming
        if not key:
            return
        request = DeskRequest(
            key,
            self._pending_expected,
            note=self.pending_note,
            pickup=ResultPickup.cleaned(form_data.get("pickup_place"), form_data.get("pickup_hours")),
        )
        yield from self._busy(lambda: self._act(request, "confirm_error"))

    @rx.event
    def request_supplement(self, form_data: dict[str, Any]) -> Iterator[EventSpec | None]:
        chosen = [key for key, value in form_data.items() if value not in (None, "", False, "false", "off")]
        request = DeskRequest(
            "request_supplement",
            str(form_data.get("expected") or ""),
            note=str(form_data.get("message") or ""),
            fields=tuple(key.removeprefix("field:") for key in chosen if key.startswith("field:")),
            documents=tuple(key.removeprefix("document:") for key in chosen if key.startswith("document:")),
        )
        yield from self._busy(lambda: self._act(request, "supplement_error"))

    @rx.event
    def delay(self, form_data: dict[str, Any]) -> Iterator[EventSpec | None]:
        try:
            day: date | None = date.fromisoformat(str(form_data.get("new_date") or ""))
        except ValueError:
            day = None
        request = DeskRequest(
            "delay", str(form_data.get("expected") or ""), note=str(form_data.get("apology") or ""), new_day=day
        )
        yield from self._busy(lambda: self._act(request, "delay_error"))

    @rx.event
    def route(self, form_data: dict[str, Any]) -> Iterator[EventSpec | None]:
        """Send the application to the competent unit of the province; it then leaves this desk."""
        if self.dossier_status != "ready":
            return
        request = DeskRequest(
            "route",
            str(form_data.get("expected") or ""),
            note=str(form_data.get("note") or ""),
            to_unit=str(form_data.get("to_unit") or ""),
        )
        yield from self._busy(lambda: self._act(request, "route_error", stays=False))

    @rx.event
    def record_payment(self, form_data: dict[str, Any]) -> Iterator[EventSpec | None]:
        """A fee paid at the counter (cash or card terminal) with the number of the receipt given for it."""
        method = str(form_data.get("method") or "")
        receipt = str(form_data.get("counter_receipt") or "")[:200]
        try:
            amount = int(str(form_data.get("amount") or "0"))
        except ValueError:
            amount = 0
        code = self.desk.code

        def change(db: Any, actor: Any) -> str:
            record_counter_payment(
                db, code, actor, method=method, counter_receipt=receipt, amount_vnd=amount, now=utcnow()
            )
            return PAYMENT_RECORDED

        yield from self._busy(lambda: self._run("counter_payment", change, "payment_error"))

    @rx.event
    async def upload_result(self, files: list[rx.UploadFile]) -> EventSpec | None:
        """The result document (PDF, JPEG or PNG), checked by content in the core."""
        limit = get_settings().max_file_mb * 1024 * 1024
        uploads = [(upload.name or "result", await upload.read(limit + 1), upload.content_type) for upload in files]

        def change(db: Any, actor: Any) -> str:
            for name, data, declared in uploads:
                files_core.add_attachment(
                    db, self._dossier_id, actor, slot_id=RESULT_SLOT, filename=name, data=data,
                    declared_type=declared, now=utcnow(),
                )
            return RESULT_FILE_DONE

        # Re-encoding images and the database write run on the event thread pool, not on the loop.
        return await off_loop(self._run, "result_file", change, "result_error")

    @rx.event
    def result_refused(self) -> None:
        self.result_error = self._t().gettext(WRONG_FILE_TYPE)

    @rx.event
    def remove_result(self, attachment_id: int) -> EventSpec | None:
        def change(db: Any, actor: Any) -> str:
            files_core.remove_attachment(db, int(attachment_id), actor, now=utcnow())
            return RESULT_FILE_REMOVED

        return self._run("result_file_removed", change, "result_error")

    # ---- derived ----
    @rx.var
    def queue_href(self) -> str:
        return f"/{self.locale}/staff/queue"


def _code_from_path(path: str) -> str:
    """``/vi/staff/dossiers/004.00.20.H01-261116-0001`` → the code ("" when absent)."""
    parts = [part for part in path.split("?", 1)[0].split("/") if part]
    return parts[3] if len(parts) >= 4 and parts[1:3] == ["staff", "dossiers"] else ""
