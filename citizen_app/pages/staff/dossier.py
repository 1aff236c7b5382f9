"""``/{locale}/staff/dossiers/{code}``: one application at the desk.

Left: who applied (only what the desk needs, the ID number masked), the answers, the files
(thumbnails). Right: what may be done now and the history. The buttons and forms are drawn
from the staff actions' declarations (``core.dossiers.actions``), each shown when the core's
read model lists it for this officer and status; every one sends back the status the page
showed, and the core checks role, unit and status again.

Nothing can be fired by accident: while an action is in flight the buttons are disabled;
its outcome then stands at the top of the action card, where the buttons were, and the next
actions appear below it only after a moment (``staff-arming`` in ``assets/css/staff.css``),
so a second tap lands on the outcome, never on the next step. Approving, rejecting and
marking the result ready ask "yes?" first, in the page.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from citizen_app.core.calendar import MSG_PROVISIONAL_APPOINTMENT
from citizen_app.core.dossiers.actions import BY_KEY, STAFF_ACTIONS, StaffAction
from citizen_app.core.dossiers.results import MSG_ELECTRONIC_NEEDS_DOCUMENT
from citizen_app.core.i18n import N_, Translator
from citizen_app.core.payments.ledger import COUNTER_METHODS
from citizen_app.pages.staff.components import overdue_tag, staff_page, status_tag
from citizen_app.states.staff_desk import StaffDossierState as S
from citizen_app.ui.document_title import document_title
from citizen_app.ui.form_fields import document_link, with_file_input
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page
from citizen_app.ui.staff_view import AnswerRow, Choice, EventView, FileView, SupplementChoice

RESULT_UPLOAD = "staff-result-upload"
ACCEPT_FILES = {"image/*": [], "application/pdf": [".pdf"]}
D = S.desk
# A repeat tap on the same control within this long is dropped in the browser (the core would refuse it anyway).
# Reflex throttles by event name, not by button: every plain action is ``act``, so this window also swallows
# the tap on the NEXT action ("Start processing" after "Receive"). It must stay shorter than the moment the
# next actions are held back after a redraw (``staff-arming``, 1 s in assets/css/staff.css): a next button
# can then never be tapped inside the window, and no officer's tap is silently dropped.
REPEAT_TAP_MS = 800
SUPPLEMENT, DELAY, ROUTE = BY_KEY["request_supplement"], BY_KEY["delay"], BY_KEY["route"]
EMPHASIS = {"primary": "button", "secondary": "button button-secondary", "warning": "button button-warning"}


def _summary_row(label: str, value: Any, testid: str) -> rx.Component:
    return rx.el.div(rx.el.dt(label), rx.el.dd(value, data_testid=testid), class_name="summary-row")


def _header(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.div(
        rx.el.p(D.procedure, class_name="caption", data_testid="staff-dossier-procedure"),
        rx.el.h2(D.code, class_name="dossier-code", data_testid="staff-dossier-code"),
        rx.el.p(
            status_tag(D.status_text, D.status_class, "staff-dossier-status"),
            rx.cond(D.overdue, overdue_tag(t, "staff-dossier-overdue")),
            class_name="dossier-tags",
        ),
        rx.el.dl(
            _summary_row(_("Sent"), D.sent, "staff-dossier-received"),
            rx.el.div(
                rx.el.dt(_("Appointment")),
                rx.el.dd(
                    D.appointment,
                    rx.cond(D.delayed_from != "", rx.el.span(" (", D.delayed_from, ")", class_name="hint-inline")),
                    rx.cond(D.appointment_provisional, rx.el.span(" (", _(MSG_PROVISIONAL_APPOINTMENT), ")", class_name="hint-inline", data_testid="staff-dossier-appointment-provisional")),
                    data_testid="staff-dossier-appointment",
                ),
                class_name="summary-row",
            ),
            _summary_row(_("Channel"), D.channel, "staff-dossier-channel"),
            _summary_row(_("Receiving unit"), D.receiving_unit, "staff-dossier-unit"),
            rx.cond(D.handled_by != "", _summary_row(_("Handled by"), D.handled_by, "staff-dossier-handled-by")),
            rx.cond(D.fee != "", _summary_row(_("Fee due"), D.fee, "staff-dossier-fee")),
            rx.cond(D.fee_detail != "", _summary_row(_("Fee breakdown"), D.fee_detail, "staff-dossier-fee-detail")),
            rx.cond(D.payment != "", _summary_row(_("Payment"), D.payment, "staff-dossier-payment")),
            class_name="summary-list summary-compact",
        ),
        # A part of a linked application (issue 12), and registry answers that contradicted the identity.
        rx.cond(
            D.chain_lines.length() > 0,
            rx.el.div(rx.foreach(D.chain_lines, lambda line: rx.el.p(line)), class_name="notice", data_testid="staff-dossier-chain"),
        ),
        rx.cond(
            D.conflicts.length() > 0,
            rx.el.div(
                rx.foreach(D.conflicts, lambda line: rx.el.p(line)),
                class_name="notice notice-warning",
                role="alert",
                data_testid="staff-dossier-conflicts",
            ),
        ),
        rx.el.p(
            rx.el.a(
                rx.icon("printer", size=18, aria_hidden="true"),
                _("Receipt (print)"),
                href=D.receipt_href,
                target="_blank",
                rel="noopener",
                class_name="button button-secondary",
                data_testid="staff-dossier-receipt",
            ),
            class_name="no-print",
        ),
        class_name="dossier-head",
    )


def _applicant(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.section(
        rx.el.h2(_("Applicant"), id="applicant-title"),
        rx.el.dl(
            _summary_row(_("Name"), D.applicant_name, "staff-applicant-name"),
            rx.cond(D.applicant_pid != "", _summary_row(_("ID number"), D.applicant_pid, "staff-applicant-pid")),
            rx.cond(D.applicant_phone != "", _summary_row(_("Phone"), D.applicant_phone, "staff-applicant-phone")),
            rx.cond(D.applicant_email != "", _summary_row(_("Email"), D.applicant_email, "staff-applicant-email")),
            rx.cond(D.applicant_address != "",
                    _summary_row(_("Address"), D.applicant_address, "staff-applicant-address")),
            class_name="summary-list",
        ),
        aria_labelledby="applicant-title",
        data_testid="staff-applicant",
    )


def _answers(t: Translator) -> rx.Component:
    _ = t.gettext

    def row(item: AnswerRow) -> rx.Component:
        return rx.el.div(
            rx.el.dt(item.label),
            rx.el.dd(
                rx.foreach(item.lines, lambda line: rx.el.span(line, class_name="summary-line")),
                data_testid=f"staff-answer-{item.key}",
            ),
            class_name="summary-row",
        )

    return rx.el.section(
        rx.el.h2(_("Answers"), id="answers-title"),
        rx.el.dl(rx.foreach(D.answers, row), class_name="summary-list"),
        aria_labelledby="answers-title",
        data_testid="staff-answers",
    )


def _file(t: Translator, item: FileView, *, removable: bool = False) -> rx.Component:
    _ = t.gettext
    return rx.el.li(
        rx.cond(
            item.thumbnail_url != "",
            rx.el.img(src=item.thumbnail_url, alt="", class_name="attachment-thumb",
                      custom_attrs={"width": "64", "height": "64", "loading": "lazy"}),
            rx.el.span(rx.icon("file-text", size=32, aria_hidden="true"), class_name="attachment-thumb attachment-icon"),
        ),
        rx.el.span(
            document_link(item.name, href=item.file_url, target="_blank", rel="noopener", class_name="attachment-name"),
            rx.el.span(item.document, " · ", item.stage, " · ", item.size, class_name="attachment-size"),
            # Issue 13: a file the applicant took from her document store, with its issuer and signature.
            rx.cond(item.origin != "", rx.el.span(item.origin, class_name="attachment-size",
                                                  data_testid=f"staff-file-origin-{item.id}")),
            class_name="attachment-text",
        ),
        rx.cond(
            removable & D.result_file & item.is_result,
            rx.el.button(
                _("Remove"),
                rx.el.span(" ", item.name, class_name="visually-hidden"),
                type="button",
                disabled=S.busy,
                on_click=S.remove_result(item.id),
                class_name="button button-secondary attachment-remove",
                data_testid=f"staff-result-remove-{item.id}",
            ),
        ),
        class_name="attachment",
        data_testid=f"staff-file-{item.id}",
    )


def _files(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.section(
        rx.el.h2(_("Documents"), id="files-title"),
        rx.cond(
            D.files.length() > 0,
            rx.el.ul(rx.foreach(D.files, lambda item: _file(t, item, removable=True)), class_name="attachment-list"),
            rx.el.p(_("No files."), class_name="hint"),
        ),
        # Issue 12: a part of a linked application reads what the citizen attached once for all its parts.
        rx.cond(
            D.shared_files.length() > 0,
            rx.el.div(
                rx.el.h3(_("Shared by the whole linked application"), id="shared-files-title"),
                rx.el.ul(rx.foreach(D.shared_files, lambda item: _file(t, item)), class_name="attachment-list"),
                data_testid="staff-shared-files",
            ),
        ),
        # Issue 13: the signed result's register entry, revoking it, and the postal item number.
        rx.el.p(document_link(_("Signed result, post and revocation"),
                              href=f"/{t.locale}/staff/dossiers/" + D.code + "/result", data_testid="staff-result-page")),
        aria_labelledby="files-title",
        data_testid="staff-files",
    )


def _error(text: Any, testid: str, element_id: str) -> rx.Component:
    return rx.cond(text != "", rx.el.p(text, id=element_id, class_name="field-error", role="alert", data_testid=testid))


def _expected() -> rx.Component:
    """Every action carries the status the page showed: the core refuses it if the dossier has moved since."""
    return rx.el.input(type="hidden", name="expected", value=D.status)


def _offered(action: StaffAction) -> Any:
    return D.actions.contains(action.key)


def _step(t: Translator, action: StaffAction) -> rx.Component:
    """A button; for an action confirmed first, a one-button form that asks the question."""
    _ = t.gettext
    testid = f"staff-action-{action.testid}"
    if action.confirm is None:
        return rx.el.button(
            _(action.button),
            type="button",
            disabled=S.busy,
            on_click=S.act(action.key, D.status).throttle(REPEAT_TAP_MS),
            class_name=EMPHASIS[action.emphasis],
            data_testid=testid,
        )
    return rx.el.form(
        rx.el.input(type="hidden", name="action", value=action.key),
        _expected(),
        rx.el.button(_(action.button), type="submit", disabled=S.busy, class_name=EMPHASIS[action.emphasis],
                     data_testid=testid),
        on_submit=S.ask,
        class_name="inline-form",
    )


def _steps(t: Translator) -> rx.Component:
    plain = [action for action in STAFF_ACTIONS if action.input == "none"]
    return rx.el.div(*[rx.cond(_offered(action), _step(t, action)) for action in plain],
                     class_name="actions step-buttons")


def _supplement_form(t: Translator) -> rx.Component:
    _ = t.gettext

    def choice(item: SupplementChoice) -> rx.Component:
        name = rx.cond(item.kind == "document", "document:", "field:") + item.id
        testid = rx.cond(item.kind == "document", "staff-supplement-document-", "staff-supplement-field-") + item.id
        control = "supplement-" + item.kind + "-" + item.id
        return rx.el.div(
            rx.el.input(type="checkbox", id=control, name=name, class_name="option-input", data_testid=testid),
            rx.el.label(item.label, html_for=control, class_name="option-label"),
            class_name="option option-checkbox",
        )

    return rx.el.details(
        rx.el.summary(_(str(SUPPLEMENT.form_title)), class_name="action-summary", data_testid="staff-supplement-open"),
        rx.el.form(
            _expected(),
            rx.el.fieldset(
                rx.el.legend(_("What must the applicant supply?"), class_name="label"),
                rx.el.p(_("Answers verified by VNeID cannot be asked for again."), class_name="hint"),
                rx.el.div(rx.foreach(D.supplement_choices, choice), class_name="options supplement-options"),
            ),
            rx.el.label(_("Message to the applicant"), html_for="supplement-message", class_name="label"),
            rx.el.textarea(id="supplement-message", name="message", rows=4, max_length=2000,
                           aria_describedby="supplement-error", class_name="textarea",
                           data_testid="staff-supplement-message"),
            _error(S.supplement_error, "staff-supplement-error", "supplement-error"),
            rx.el.button(_(SUPPLEMENT.button), type="submit", disabled=S.busy, class_name="button",
                         data_testid=f"staff-action-{SUPPLEMENT.testid}"),
            on_submit=S.request_supplement,
            class_name="stack action-form",
        ),
        class_name="action-box",
        data_testid="staff-supplement",
    )


def _reason_form(t: Translator, action: StaffAction) -> rx.Component:
    """An action with a reason (a refusal): the reason first (the applicant will read it), then "yes?"."""
    _ = t.gettext
    name = action.form_id or action.key
    return rx.el.details(
        rx.el.summary(_(str(action.form_title or action.button)), class_name="action-summary",
                      data_testid=f"staff-{name}-open"),
        rx.el.form(
            rx.el.input(type="hidden", name="action", value=action.key),
            _expected(),
            rx.el.label(_("Reason (the applicant will see it)"), html_for=f"{name}-reason", class_name="label"),
            rx.el.textarea(id=f"{name}-reason", name="note", rows=3, max_length=2000, default_value=S.pending_note,
                           aria_describedby=f"{name}-error", class_name="textarea",
                           data_testid=f"staff-{name}-reason"),
            _error(S.reason_error, f"staff-{name}-error", f"{name}-error"),
            rx.el.button(_(action.button), type="submit", disabled=S.busy, class_name=EMPHASIS[action.emphasis],
                         data_testid=f"staff-action-{action.testid}"),
            on_submit=S.ask,
            class_name="stack action-form",
        ),
        class_name="action-box",
        data_testid=f"staff-{name}",
    )


def _delay_form(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.details(
        rx.el.summary(_(str(DELAY.form_title)), class_name="action-summary", data_testid="staff-delay-open"),
        rx.el.form(
            _expected(),
            rx.el.label(_("New appointment date"), html_for="delay-date", class_name="label"),
            rx.el.input(type="date", id="delay-date", name="new_date", class_name="input input-date",
                        data_testid="staff-delay-date"),
            rx.el.label(_("Apology and reason for the delay (the applicant will see it)"), html_for="delay-apology",
                        class_name="label"),
            rx.el.textarea(id="delay-apology", name="apology", rows=3, max_length=2000,
                           aria_describedby="delay-error", class_name="textarea",
                           data_testid="staff-delay-apology"),
            _error(S.delay_error, "staff-delay-error", "delay-error"),
            rx.el.button(_(DELAY.button), type="submit", disabled=S.busy, class_name="button",
                         data_testid=f"staff-action-{DELAY.testid}"),
            on_submit=S.delay,
            class_name="stack action-form",
        ),
        class_name="action-box",
        data_testid="staff-delay",
    )


def _route_form(t: Translator) -> rx.Component:
    """Received here, handled elsewhere in the province: choose the competent unit and send it there."""
    _ = t.gettext
    return rx.el.details(
        rx.el.summary(_(str(ROUTE.form_title)), class_name="action-summary", data_testid="staff-route-open"),
        rx.el.form(
            _expected(),
            rx.el.p(
                _("The code keeps naming your unit, which received it; the competent unit handles it from now on."),
                class_name="hint",
            ),
            rx.el.label(_("Competent unit"), html_for="route-unit", class_name="label"),
            rx.el.select(
                rx.el.option(_("Choose a unit"), value=""),
                rx.foreach(D.route_choices, lambda c: rx.el.option(c.label, value=c.value)),
                id="route-unit",
                name="to_unit",
                aria_describedby="route-error",
                class_name="select",
                data_testid="staff-route-unit",
            ),
            rx.el.label(_("Note for the competent unit (optional)"), html_for="route-note", class_name="label"),
            rx.el.textarea(id="route-note", name="note", rows=2, max_length=2000, class_name="textarea",
                           data_testid="staff-route-note"),
            _error(S.route_error, "staff-route-error", "route-error"),
            rx.el.button(_(ROUTE.button), type="submit", disabled=S.busy, class_name="button button-secondary",
                         data_testid=f"staff-action-{ROUTE.testid}"),
            on_submit=S.route,
            class_name="stack action-form",
        ),
        class_name="action-box",
        data_testid="staff-route",
    )


def _counter_payment_form(t: Translator) -> rx.Component:
    """The fee paid here, in cash or on the card terminal: the method and the number of the receipt given."""
    _ = t.gettext

    def method(item: Choice) -> rx.Component:
        control = "counter-method-" + item.value
        return rx.el.div(
            rx.el.input(type="radio", id=control, name="method", value=item.value, required=True,
                        default_checked=item.value == COUNTER_METHODS[0], class_name="option-input",
                        data_testid="staff-payment-method-" + item.value),
            rx.el.label(item.label, html_for=control, class_name="option-label"),
            class_name="option option-radio",
        )

    return rx.el.div(
        rx.el.h3(_("Fee paid at the counter")),
        rx.el.p(_("When the applicant pays the fee here, record it with the number of the receipt you gave. "
                  "The application then moves on as if paid online."), class_name="hint"),
        rx.el.form(
            rx.el.input(type="hidden", name="amount", value=D.fee_due_vnd.to_string()),
            rx.el.p(_("Amount"), ": ", rx.el.strong(D.fee, data_testid="staff-payment-amount")),
            rx.el.fieldset(
                rx.el.legend(_("Paid by"), class_name="label"),
                rx.el.div(rx.foreach(D.counter_methods, method), class_name="options"),
            ),
            rx.el.label(_("Receipt number"), html_for="counter-receipt", class_name="label"),
            rx.el.input(id="counter-receipt", name="counter_receipt", max_length=40, auto_complete="off",
                        aria_describedby="payment-error", class_name="input",
                        data_testid="staff-payment-receipt"),
            _error(S.payment_error, "staff-payment-error", "payment-error"),
            rx.el.button(_("Record the payment"), type="submit", disabled=S.busy, class_name="button",
                         data_testid="staff-payment-record"),
            on_submit=S.record_payment,
            class_name="stack action-form",
        ),
        class_name="action-box",
        data_testid="staff-payment",
    )


def _result(t: Translator) -> rx.Component:
    _ = t.gettext
    zone = rx.upload.root(
        rx.el.span(
            rx.icon("paperclip", size=20, aria_hidden="true"),
            _("Attach the result document"),
            class_name="button button-secondary upload-button",
        ),
        id=RESULT_UPLOAD,
        accept=ACCEPT_FILES,
        multiple=False,
        no_keyboard=False,
        on_drop=S.upload_result(rx.upload_files(upload_id=RESULT_UPLOAD)),
        on_drop_rejected=S.result_refused,
        class_name="upload-zone",
    )
    return rx.el.div(
        rx.el.h3(_("Result document")),
        rx.el.p(_("PDF, JPEG or PNG. The applicant can download it once the result is ready."), class_name="hint"),
        rx.cond(D.electronic_only, rx.el.p(_(MSG_ELECTRONIC_NEEDS_DOCUMENT), class_name="notice notice-warning",
                                          data_testid="staff-result-electronic")),
        _error(S.result_error, "staff-result-error", "result-error"),
        with_file_input(zone, **{"data-testid": RESULT_UPLOAD, "aria-label": _("Attach the result document")}),
        class_name="action-box result-box",
        data_testid="staff-result",
    )


def _pickup_fields(t: Translator) -> rx.Component:
    """Without a result document, the paper result: where and when the applicant collects it."""
    _ = t.gettext
    return rx.el.div(
        rx.el.p(_("No result document is attached. If the result is on paper, say where and when the applicant "
                  "can collect it: they will see it on their application."), class_name="hint"),
        rx.el.label(_("Where to collect it"), html_for="pickup-place", class_name="label"),
        rx.el.input(id="pickup-place", name="pickup_place", default_value=D.pickup_place, max_length=300,
                    class_name="input", data_testid="staff-pickup-place"),
        rx.el.label(_("When (days and hours)"), html_for="pickup-hours", class_name="label"),
        rx.el.input(id="pickup-hours", name="pickup_hours", default_value=D.pickup_hours, max_length=300,
                    placeholder=_("Monday to Friday, 7:30–11:30 and 13:30–17:00"), class_name="input",
                    data_testid="staff-pickup-hours"),
        class_name="stack",
    )


def _confirmation(t: Translator, action: StaffAction) -> rx.Component:
    """The question before an action that cannot be taken back; its buttons come after a moment."""
    _ = t.gettext
    return rx.el.form(
        rx.el.p(_(str(action.confirm)), class_name="label", data_testid="staff-confirm-question"),
        rx.cond(S.pending_note != "", rx.el.p(S.pending_note, class_name="quote", data_testid="staff-confirm-note")),
        *([rx.cond(~D.has_result_document, _pickup_fields(t))] if "result" in action.requires else []),
        _error(S.confirm_error, "staff-confirm-error", "confirm-error"),
        rx.el.div(
            rx.el.button(_(action.confirm_button or action.button), type="submit", disabled=S.busy,
                         class_name=EMPHASIS[action.emphasis], data_testid="staff-confirm-yes"),
            rx.el.button(_("Cancel"), type="button", disabled=S.busy, on_click=S.cancel,
                         class_name="button button-secondary", data_testid="staff-confirm-cancel"),
            class_name="actions staff-arming",
        ),
        on_submit=S.confirm,
        class_name="stack action-box staff-confirm",
        data_testid=f"staff-confirm-{action.testid}",
    )


def _action_area(t: Translator) -> rx.Component:
    """What may be done now; redrawn (and held back a moment) after every action."""
    _ = t.gettext
    reasons = [action for action in STAFF_ACTIONS if action.input == "reason"]
    return rx.el.div(
        _steps(t),
        rx.cond(D.counter_payment, _counter_payment_form(t)),
        rx.cond(D.result_file, _result(t)),
        rx.cond(_offered(SUPPLEMENT), _supplement_form(t)),
        rx.cond(_offered(DELAY), _delay_form(t)),
        rx.cond(_offered(ROUTE), _route_form(t)),
        *[rx.cond(_offered(action), _reason_form(t, action)) for action in reasons],
        rx.cond(
            (D.actions.length() == 0) & ~D.result_file & ~D.counter_payment,
            rx.el.p(_("Nothing more can be done to this application."), class_name="hint",
                    data_testid="staff-no-actions"),
        ),
        key=S.form_key,
        class_name=rx.cond(S.form_key > 0, "staff-action-area staff-arming", "staff-action-area"),
        data_testid="staff-action-area",
    )


def _outcome() -> rx.Component:
    return rx.fragment(
        rx.cond(S.notice != "", rx.el.p(S.notice, class_name="notice notice-success", role="status",
                                       data_testid="staff-notice")),
        rx.cond(S.problem != "", rx.el.p(S.problem, class_name="notice notice-error", role="alert",
                                        data_testid="staff-problem")),
    )


def _actions(t: Translator) -> rx.Component:
    _ = t.gettext
    confirmed = [action for action in STAFF_ACTIONS if action.confirm is not None]
    return rx.el.section(
        rx.el.h2(_("What to do now"), id="actions-title"),
        _outcome(),
        rx.cond(
            D.status == "supplement_requested",
            rx.el.div(
                rx.el.p(_("Waiting for the applicant to supply:"), class_name="label"),
                rx.el.ul(rx.foreach(D.supplement_items, lambda item: rx.el.li(item))),
                rx.el.p(D.supplement_message, class_name="quote"),
                class_name="notice notice-warning",
                data_testid="staff-supplement-open-request",
            ),
        ),
        rx.cond(
            D.rejection_reason != "",
            rx.el.p(_("Reason for rejection: "), D.rejection_reason, class_name="notice notice-error",
                    data_testid="staff-rejection-reason"),
        ),
        rx.cond(
            S.confirming == "",
            _action_area(t),
            rx.fragment(*[rx.cond(S.confirming == action.key, _confirmation(t, action)) for action in confirmed]),
        ),
        aria_labelledby="actions-title",
        aria_busy=S.busy,
        class_name="card staff-card",
        data_testid="staff-actions",
    )


def _timeline(t: Translator) -> rx.Component:
    _ = t.gettext

    def event(item: EventView) -> rx.Component:
        return rx.el.li(
            rx.el.p(rx.el.strong(item.what), class_name="timeline-what"),
            rx.el.p(item.when, " · ", item.who, class_name="timeline-meta"),
            rx.cond(item.note != "", rx.el.p(item.note, class_name="timeline-note")),
            class_name="timeline-item",
            data_testid=f"staff-event-{item.id}",
        )

    return rx.el.section(
        rx.el.h2(_("History"), id="history-title"),
        rx.el.ol(rx.foreach(D.events, event), class_name="timeline"),
        aria_labelledby="history-title",
        data_testid="staff-timeline",
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    back = app_link(
        rx.icon("chevron-left", size=18, aria_hidden="true"),
        rx.el.span(_("Back to the queue")),
        to=S.queue_href,
        class_name="back-link no-print",
        testid="staff-dossier-back",
    )
    workspace = rx.el.div(
        rx.el.div(_header(t), _applicant(t), _answers(t), _files(t), class_name="dossier-main"),
        rx.el.div(_actions(t), _timeline(t), class_name="dossier-side"),
        class_name="dossier-grid",
        data_testid="staff-dossier",
        data_status=D.status,
        data_title=document_title(D.code, t.locale),
    )
    return staff_page(
        t,
        _("Application"),
        back,
        rx.cond(S.dossier_status != "ready", _outcome()),
        rx.match(
            S.dossier_status,
            ("ready", workspace),
            ("other_unit", rx.el.div(data_testid="staff-dossier-other-unit")),
            ("not_found", rx.el.div(data_testid="staff-dossier-not-found")),
            ("handed_over", rx.el.div(data_testid="staff-dossier-handed-over")),
            rx.el.p(_("Opening the application…"), class_name="hint", role="status", data_testid="staff-dossier-loading"),
        ),
        active="queue",
    )


PAGE = Page(route="/staff/dossiers/[code]", title=N_("Application"), build=build, on_load=S.load)
