"""``/{locale}/staff/dossiers/{code}``: one application at the desk.

Left: who applied (only what the desk needs), the answers, the files (thumbnails). Right: what
may be done now (the core's list for this officer and status) and the history. Every button
and form calls the state, which calls the core; the core checks role, unit and status again.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_components_core.el.elements.forms import Input

from citizen_app.core.calendar import MSG_PROVISIONAL_APPOINTMENT
from citizen_app.core.i18n import N_, Translator
from citizen_app.pages.staff.components import overdue_tag, staff_page, status_tag
from citizen_app.states.staff_desk import StaffDossierState as S
from citizen_app.states.staff_views import AnswerRow, EventView, FileView, StepButton, SupplementChoice
from citizen_app.ui.document_title import document_title
from citizen_app.ui.form_fields import document_link
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page

RESULT_UPLOAD = "staff-result-upload"
ACCEPT_FILES = {"image/*": [], "application/pdf": [".pdf"]}


def _summary_row(label: str, value: Any, testid: str) -> rx.Component:
    return rx.el.div(rx.el.dt(label), rx.el.dd(value, data_testid=testid), class_name="summary-row")


def _header(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.div(
        rx.el.p(S.procedure, class_name="caption", data_testid="staff-dossier-procedure"),
        rx.el.h2(S.code, class_name="dossier-code", data_testid="staff-dossier-code"),
        rx.el.p(
            status_tag(S.status_text, S.status_key, "staff-dossier-status"),
            rx.cond(S.overdue, overdue_tag(t, "staff-dossier-overdue")),
            class_name="dossier-tags",
        ),
        rx.el.dl(
            _summary_row(_("Received"), S.received, "staff-dossier-received"),
            rx.el.div(
                rx.el.dt(_("Appointment")),
                rx.el.dd(
                    S.appointment,
                    rx.cond(S.delayed_from != "", rx.el.span(" (", S.delayed_from, ")", class_name="hint-inline")),
                    rx.cond(S.appointment_provisional, rx.el.span(" (", _(MSG_PROVISIONAL_APPOINTMENT), ")", class_name="hint-inline", data_testid="staff-dossier-appointment-provisional")),
                    data_testid="staff-dossier-appointment",
                ),
                class_name="summary-row",
            ),
            _summary_row(_("Channel"), S.channel, "staff-dossier-channel"),
            _summary_row(_("Receiving unit"), S.receiving_unit, "staff-dossier-unit"),
            rx.cond(S.fee != "", _summary_row(_("Fee due"), S.fee, "staff-dossier-fee")),
            class_name="summary-list summary-compact",
        ),
        rx.el.p(
            rx.el.a(
                rx.icon("printer", size=18, aria_hidden="true"),
                _("Receipt (print)"),
                href=S.receipt_href,
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
            _summary_row(_("Name"), S.applicant_name, "staff-applicant-name"),
            rx.cond(S.applicant_pid != "", _summary_row(_("ID number"), S.applicant_pid, "staff-applicant-pid")),
            rx.cond(S.applicant_phone != "", _summary_row(_("Phone"), S.applicant_phone, "staff-applicant-phone")),
            rx.cond(S.applicant_email != "", _summary_row(_("Email"), S.applicant_email, "staff-applicant-email")),
            rx.cond(S.applicant_address != "",
                    _summary_row(_("Address"), S.applicant_address, "staff-applicant-address")),
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
        rx.el.dl(rx.foreach(S.answers, row), class_name="summary-list"),
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
            class_name="attachment-text",
        ),
        rx.cond(
            removable & S.can_attach_result & item.is_result,
            rx.el.button(
                _("Remove"),
                rx.el.span(" ", item.name, class_name="visually-hidden"),
                type="button",
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
            S.files.length() > 0,
            rx.el.ul(rx.foreach(S.files, lambda item: _file(t, item, removable=True)), class_name="attachment-list"),
            rx.el.p(_("No files."), class_name="hint"),
        ),
        aria_labelledby="files-title",
        data_testid="staff-files",
    )


def _error(text: Any, testid: str, element_id: str) -> rx.Component:
    return rx.cond(text != "", rx.el.p(text, id=element_id, class_name="field-error", role="alert", data_testid=testid))


def _steps(t: Translator) -> rx.Component:
    def button(step: StepButton) -> rx.Component:
        return rx.el.button(
            step.label,
            type="button",
            disabled=S.busy,
            on_click=S.fire(step.target),
            class_name=rx.cond(step.target == "returned", "button button-secondary", "button"),
            data_testid=f"staff-action-{step.target}",
        )

    return rx.cond(S.steps.length() > 0, rx.el.div(rx.foreach(S.steps, button), class_name="actions step-buttons"))


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
        rx.el.summary(_("Request more information"), class_name="action-summary", data_testid="staff-supplement-open"),
        rx.el.form(
            rx.el.fieldset(
                rx.el.legend(_("What must the applicant supply?"), class_name="label"),
                rx.el.p(_("Answers verified by VNeID cannot be asked for again."), class_name="hint"),
                rx.el.div(rx.foreach(S.supplement_choices, choice), class_name="options supplement-options"),
            ),
            rx.el.label(_("Message to the applicant"), html_for="supplement-message", class_name="label"),
            rx.el.textarea(id="supplement-message", name="message", rows=4, max_length=2000,
                           aria_describedby="supplement-error", class_name="textarea",
                           data_testid="staff-supplement-message"),
            _error(S.supplement_error, "staff-supplement-error", "supplement-error"),
            rx.el.button(_("Send the request"), type="submit", class_name="button",
                         data_testid="staff-action-supplement_requested"),
            key=S.form_key,
            on_submit=S.request_supplement,
            class_name="stack action-form",
        ),
        class_name="action-box",
        data_testid="staff-supplement",
    )


def _reject_form(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.details(
        rx.el.summary(_("Reject the application"), class_name="action-summary", data_testid="staff-reject-open"),
        rx.el.form(
            rx.el.label(_("Reason (the applicant will see it)"), html_for="reject-reason", class_name="label"),
            rx.el.textarea(id="reject-reason", name="reason", rows=3, max_length=2000,
                           aria_describedby="reject-error", class_name="textarea",
                           data_testid="staff-reject-reason"),
            _error(S.reject_error, "staff-reject-error", "reject-error"),
            rx.el.button(_("Reject"), type="submit", class_name="button button-warning",
                         data_testid="staff-action-rejected"),
            key=S.form_key,
            on_submit=S.reject,
            class_name="stack action-form",
        ),
        class_name="action-box",
        data_testid="staff-reject",
    )


def _delay_form(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.details(
        rx.el.summary(_("Move the appointment (delay)"), class_name="action-summary", data_testid="staff-delay-open"),
        rx.el.form(
            rx.el.label(_("New appointment date"), html_for="delay-date", class_name="label"),
            rx.el.input(type="date", id="delay-date", name="new_date", class_name="input input-date",
                        data_testid="staff-delay-date"),
            rx.el.label(_("Apology and reason for the delay (the applicant will see it)"), html_for="delay-apology",
                        class_name="label"),
            rx.el.textarea(id="delay-apology", name="apology", rows=3, max_length=2000,
                           aria_describedby="delay-error", class_name="textarea",
                           data_testid="staff-delay-apology"),
            _error(S.delay_error, "staff-delay-error", "delay-error"),
            rx.el.button(_("Set the new date"), type="submit", class_name="button", data_testid="staff-action-delay"),
            key=S.form_key,
            on_submit=S.delay,
            class_name="stack action-form",
        ),
        class_name="action-box",
        data_testid="staff-delay",
    )


def _with_file_input(zone: rx.Component, **attributes: Any) -> rx.Component:
    """Give the upload zone's own ``<input type=file>`` our test id and label."""
    stack = [zone]
    while stack:
        component = stack.pop()
        if isinstance(component, Input):
            component.custom_attrs.update(attributes)
            return zone
        stack.extend(getattr(component, "children", []))
    raise RuntimeError("the upload zone has no file input")


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
        _error(S.result_error, "staff-result-error", "result-error"),
        _with_file_input(zone, **{"data-testid": RESULT_UPLOAD, "aria-label": _("Attach the result document")}),
        class_name="action-box result-box",
        data_testid="staff-result",
    )


def _actions(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.section(
        rx.el.h2(_("What to do now"), id="actions-title"),
        rx.cond(
            S.status_key == "supplement_requested",
            rx.el.div(
                rx.el.p(_("Waiting for the applicant to supply:"), class_name="label"),
                rx.el.ul(rx.foreach(S.supplement_items, lambda item: rx.el.li(item))),
                rx.el.p(S.supplement_message, class_name="quote"),
                class_name="notice notice-warning",
                data_testid="staff-supplement-open-request",
            ),
        ),
        rx.cond(
            S.rejection_reason != "",
            rx.el.p(_("Reason for rejection: "), S.rejection_reason, class_name="notice notice-error",
                    data_testid="staff-rejection-reason"),
        ),
        _steps(t),
        rx.cond(S.can_attach_result, _result(t)),
        rx.cond(S.can_supplement, _supplement_form(t)),
        rx.cond(S.can_delay, _delay_form(t)),
        rx.cond(S.can_reject, _reject_form(t)),
        rx.cond(
            ~(S.steps.length() > 0) & ~S.can_supplement & ~S.can_delay & ~S.can_reject & ~S.can_attach_result,
            rx.el.p(_("Nothing more can be done to this application."), class_name="hint",
                    data_testid="staff-no-actions"),
        ),
        aria_labelledby="actions-title",
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
        rx.el.ol(rx.foreach(S.events, event), class_name="timeline"),
        aria_labelledby="history-title",
        data_testid="staff-timeline",
    )


def _messages() -> rx.Component:
    return rx.fragment(
        rx.cond(S.notice != "", rx.el.p(S.notice, class_name="notice notice-success", role="status",
                                       data_testid="staff-notice")),
        rx.cond(S.problem != "", rx.el.p(S.problem, class_name="notice notice-error", role="alert",
                                        data_testid="staff-problem")),
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
        data_status=S.status_key,
        data_title=document_title(S.code, t.locale),
    )
    return staff_page(
        t,
        _("Application"),
        back,
        _messages(),
        rx.match(
            S.dossier_status,
            ("ready", workspace),
            ("other_unit", rx.el.div(data_testid="staff-dossier-other-unit")),
            ("not_found", rx.el.div(data_testid="staff-dossier-not-found")),
            rx.el.p(_("Opening the application…"), class_name="hint", role="status", data_testid="staff-dossier-loading"),
        ),
        active="queue",
    )


PAGE = Page(route="/staff/dossiers/[code]", title=N_("Application"), build=build, on_load=S.load)
