"""``/{locale}/applications/{code}``: one application: status, dates, fee, timeline, files, and what to do now.

Test ids: ``dossier`` (the page), ``dossier-not-found``, ``dossier-status`` (the status tag; its
``data-status`` is the status key), ``dossier-code``, ``dossier-procedure``, ``dossier-unit``,
``dossier-sent``, ``dossier-received`` (once the agency has received it), ``dossier-due``, ``dossier-overdue``, ``dossier-delay`` (the new date and the
apology), ``dossier-fee``, ``dossier-rejection``, ``dossier-receipt``, ``dossier-timeline`` (its items
``timeline-<i>``, newest first), ``dossier-files``, ``dossier-notice``, ``dossier-problem``;
supplement: ``supplement`` (the request), ``supplement-message``, the form fields of ``ui/form_fields``
(``field-<name>``, ``error-<name>``, ``attachment-input-<slot>`` …), ``supplement-submit``;
withdraw: ``withdraw``, ``withdraw-reason``, ``withdraw-confirm``, ``withdraw-cancel``;
result: ``result-download`` (first file; more are ``result-download-<i>``);
rating: ``rating`` (the form), ``rating-<n>`` for n in 1–5 (``aria-pressed``), ``rating-comment``,
``rating-submit``, ``rating-error``, ``rating-done``.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.pages.applications.layout import signed_out
from citizen_app.states.apply.scripts import collect_form_js
from citizen_app.states.tracking import DossierState
from citizen_app.ui.document_title import document_title
from citizen_app.ui.form_fields import (
    FieldEvents,
    SlotEvents,
    document_link,
    document_slot,
    error_summary,
    questions,
)
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page
from citizen_app.ui.session import session_ended_notice
from citizen_app.ui.shell import href, shell
from citizen_app.ui.tracking_view import FileRow, PartRow, TimelineRow

S = DossierState
# Upload zones hold React hooks, so they sit at fixed positions; a request names at most this many documents.
MAX_SLOTS = 10
SUPPLEMENT_FORM = "step-form"  # the id collect_form_js reads the answers from


def _row(label: str, *value: rx.Component | rx.Var, testid: str) -> rx.Component:
    return rx.el.div(rx.el.dt(label), rx.el.dd(*value, data_testid=testid), class_name="summary-row")


def _summary(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.dl(
        _row(_("Application code"), S.dossier_code, testid="dossier-code"),
        _row(_("Receiving unit"), S.receiving_unit, testid="dossier-unit"),
        _row(_("Sent"), S.sent_at, testid="dossier-sent"),
        # Only once the agency has received it: before that it has only been sent.
        rx.cond(S.received_at != "", _row(_("Received by the agency"), S.received_at, testid="dossier-received")),
        _row(
            _("Result due"),
            rx.el.span(S.due),
            rx.cond(S.overdue, rx.el.span(_("Overdue"), class_name="tag tag-error", data_testid="dossier-overdue")),
            testid="dossier-due",
        ),
        _row(_("Fee due"), S.fee, testid="dossier-fee"),
        class_name="summary-list",
    )


def _part(t: Translator, part: PartRow) -> rx.Component:
    testid = rx.Var.create("dossier-part-").to(str) + part.position.to(str)
    return rx.el.li(
        app_link(
            rx.el.span(
                rx.el.span(part.status_text, class_name=part.tag_class, data_testid=testid + "-status"),
                class_name="application-tags",
            ),
            rx.el.span(part.name, class_name="card-title"),
            rx.el.span(part.code, class_name="application-code", data_testid=testid + "-code"),
            rx.el.span(part.agency, class_name="card-meta", data_testid=testid + "-agency"),
            rx.el.span(part.due, class_name="card-meta", data_testid=testid + "-due"),
            rx.cond(part.results != "", rx.el.span(part.results, class_name="card-meta", data_testid=testid + "-result")),
            to=part.href,
            class_name="card-link application-link",
            testid=testid,
        ),
        class_name="card application-card",
    )


def _linked(t: Translator) -> rx.Component:
    """A linked application (issue 12): its parts in turn; on a part, the way back to the whole."""
    _ = t.gettext
    return rx.fragment(
        rx.cond(
            S.parts.length() > 0,
            rx.el.section(
                rx.el.h2(_("The parts of your application")),
                rx.el.p(
                    _("Each part is handled by its own office, one after the other. A part starts when the one before it is approved."),
                    class_name="hint",
                ),
                rx.cond(
                    S.chain_stopped != "",
                    rx.el.p(S.chain_stopped, class_name="notice notice-error", role="alert", data_testid="dossier-chain-stopped"),
                ),
                rx.el.ol(rx.foreach(S.parts, lambda part: _part(t, part)), class_name="card-list"),
                data_testid="dossier-parts",
            ),
        ),
        rx.cond(
            S.umbrella_code != "",
            rx.el.p(
                _("This is one part of a linked application."),
                " ",
                app_link(_("See every part"), to=S.umbrella_href, testid="dossier-umbrella"),
                class_name="notice",
            ),
        ),
    )


def _delay(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.cond(
        S.delayed,
        rx.el.div(
            rx.el.h2(_("The date of your result has changed"), class_name="notice-title"),
            rx.el.p(S.first_due),
            rx.cond(S.apology != "", rx.el.blockquote(S.apology, class_name="quote")),
            class_name="notice notice-warning",
            data_testid="dossier-delay",
        ),
    )


def _timeline(t: Translator) -> rx.Component:
    _ = t.gettext

    def item(row: TimelineRow, index: rx.Var[int]) -> rx.Component:
        return rx.el.li(
            rx.el.p(rx.el.strong(row.title), class_name="timeline-title"),
            rx.el.p(row.when, " · ", row.who, class_name="card-meta"),
            rx.cond(row.note != "", rx.el.p(row.note, class_name="timeline-note")),
            rx.cond(row.extra != "", rx.el.p(row.extra, class_name="timeline-note")),
            class_name="timeline-item",
            data_testid=rx.Var.create("timeline-").to(str) + index.to(str),
        )

    return rx.el.section(
        rx.el.h2(_("What has happened")),
        rx.el.ol(rx.foreach(S.timeline, item), class_name="timeline", data_testid="dossier-timeline"),
    )


def _file(row: FileRow) -> rx.Component:
    return rx.el.li(
        rx.icon("file-text", size=20, aria_hidden="true"),
        document_link(row.name, href=row.href, target="_blank", rel="noopener", class_name="file-link"),
        rx.el.span(row.size, class_name="attachment-size"),
        class_name="file-row",
    )


def _files(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.cond(
        S.files.length() > 0,
        rx.el.section(
            rx.el.h2(_("Your documents")),
            rx.el.ul(rx.foreach(S.files, _file), class_name="file-list", data_testid="dossier-files"),
        ),
    )


def _result(t: Translator) -> rx.Component:
    _ = t.gettext

    def download(row: FileRow, index: rx.Var[int]) -> rx.Component:
        return rx.el.li(
            document_link(
                rx.icon("download", size=20, aria_hidden="true"),
                rx.el.span(_("Download"), " ", row.name),
                href=row.download_href,
                # A download, not a navigation: no beforeunload, so Reflex keeps the page's websocket open.
                download="",
                class_name="button",
                data_testid=rx.cond(
                    index == 0, "result-download", rx.Var.create("result-download-").to(str) + index.to(str)
                ),
            ),
            rx.el.span(row.size, class_name="attachment-size"),
            class_name="result-row",
        )

    return rx.cond(
        S.results.length() > 0,
        rx.el.section(
            rx.el.h2(_("Your result")),
            rx.el.p(_("The agency has issued your result document. Keep a copy.")),
            rx.el.ul(rx.foreach(S.results, download), class_name="file-list"),
            class_name="result-box",
            data_testid="dossier-result",
        ),
    )


def _supplement(t: Translator) -> rx.Component:
    _ = t.gettext
    events = FieldEvents(
        changed=S.set_answer,
        group_action=lambda intent: rx.call_script(collect_form_js(intent), callback=S.group_action),
    )
    slot_events = SlotEvents(upload=S.upload, refused=S.files_refused, remove=S.remove_file)
    return rx.cond(
        S.supplement_open,
        rx.el.section(
            rx.el.h2(_("The agency needs more information"), id="supplement-title"),
            rx.el.p(S.supplement_asked, class_name="card-meta"),
            rx.el.blockquote(S.supplement_message, class_name="quote", data_testid="supplement-message"),
            rx.cond(
                S.supplement_online,
                rx.fragment(
                    rx.el.p(_("Change the answers and add the documents asked for, then send them.")),
                    error_summary(t, S.error_links, testid="supplement-errors"),
                    rx.el.form(
                        questions(t, S.fields, events),
                        id=SUPPLEMENT_FORM,
                        on_submit=S.send_supplement,
                        no_validate=True,  # the server checks and explains, in the citizen's language
                        class_name="step-form",
                        data_testid="supplement-form",
                    ),
                    *[
                        rx.cond(S.slots.length() > index, document_slot(t, S.slots, index, slot_events))
                        for index in range(MAX_SLOTS)
                    ],
                    rx.el.button(
                        _("Send the information"),
                        type="submit",
                        form=SUPPLEMENT_FORM,
                        class_name="button",
                        data_testid="supplement-submit",
                    ),
                ),
                rx.el.p(
                    _("This request cannot be answered online. Bring what is asked to the receiving unit."),
                    data_testid="supplement-offline",
                ),
            ),
            class_name="supplement-box",
            aria_labelledby="supplement-title",
            data_testid="supplement",
        ),
    )


def _withdraw(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.cond(
        S.can_withdraw,
        rx.el.section(
            rx.el.h2(_("Withdraw this application")),
            rx.cond(
                S.confirming_withdraw,
                rx.el.form(
                    rx.el.p(
                        _("Are you sure? The agency will stop working on it, and you will have to apply again."),
                        class_name="confirm-text",
                    ),
                    rx.el.label(_("Reason (optional)"), html_for="withdraw-reason", class_name="label"),
                    rx.el.textarea(
                        id="withdraw-reason",
                        name="reason",
                        rows=3,
                        max_length=500,
                        class_name="textarea",
                        data_testid="withdraw-reason",
                    ),
                    rx.el.div(
                        rx.el.button(
                            _("Yes, withdraw it"),
                            type="submit",
                            class_name="button button-warning",
                            data_testid="withdraw-confirm",
                        ),
                        rx.el.button(
                            _("No, keep it"),
                            type="button",
                            on_click=S.cancel_withdraw,
                            class_name="button button-secondary",
                            data_testid="withdraw-cancel",
                        ),
                        class_name="actions",
                    ),
                    on_submit=S.withdraw,
                    class_name="confirm",
                    data_testid="withdraw-form",
                ),
                rx.fragment(
                    rx.el.p(_("You can withdraw it until the agency starts processing it.")),
                    rx.el.button(
                        _("Withdraw application"),
                        type="button",
                        on_click=S.ask_withdraw,
                        class_name="button button-secondary",
                        data_testid="withdraw",
                    ),
                ),
            ),
            data_testid="dossier-withdraw",
        ),
    )


def _rating(t: Translator) -> rx.Component:
    _ = t.gettext
    labels = {1: _("Very poor"), 2: _("Poor"), 3: _("Acceptable"), 4: _("Good"), 5: _("Very good")}

    def star(score: int) -> rx.Component:
        return rx.el.button(
            rx.el.span(str(score), class_name="rating-number"),
            rx.el.span(labels[score], class_name="rating-label"),
            type="button",
            on_click=S.choose_score(score),
            aria_pressed=rx.cond(S.rating_score == score, "true", "false"),
            class_name="rating-option",
            data_testid=f"rating-{score}",
        )

    return rx.fragment(
        rx.cond(
            S.rated,
            rx.el.section(
                rx.el.h2(_("Your rating")),
                rx.el.p(
                    rx.el.strong(S.rated_score, " / 5"),
                    rx.cond(S.rated_comment != "", rx.el.span(" · ", S.rated_comment)),
                ),
                data_testid="rating-done",
            ),
        ),
        rx.cond(
            S.can_rate,
            rx.el.section(
                rx.el.h2(_("How satisfied are you with this service?"), id="rating-title"),
                rx.el.form(
                    rx.el.fieldset(
                        rx.el.legend(_("Your score, from 1 (very poor) to 5 (very good)"), class_name="legend"),
                        rx.cond(
                            S.rating_error != "",
                            rx.el.p(
                                S.rating_error,
                                id="rating-error",
                                tab_index=-1,
                                class_name="field-error",
                                role="alert",
                                data_testid="rating-error",
                            ),
                        ),
                        rx.el.div(*[star(score) for score in range(1, 6)], class_name="rating-options"),
                        class_name="fieldset",
                    ),
                    rx.el.label(_("Comment (optional)"), html_for="rating-comment", class_name="label"),
                    rx.el.textarea(
                        id="rating-comment",
                        name="comment",
                        rows=3,
                        max_length=1000,
                        class_name="textarea",
                        data_testid="rating-comment",
                    ),
                    rx.el.button(_("Send rating"), type="submit", class_name="button", data_testid="rating-submit"),
                    on_submit=S.rate,
                    class_name="stack",
                    data_testid="rating",
                ),
                aria_labelledby="rating-title",
                class_name="rating-box",
            ),
        ),
    )


def _ready(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.article(
        app_link(
            rx.icon("chevron-left", size=18, aria_hidden="true"),
            rx.el.span(_("My applications")),
            to=href(t, "/applications"),
            class_name="back-link",
            testid="back",
        ),
        rx.el.p(S.procedure, class_name="caption", data_testid="dossier-procedure"),
        rx.el.h1(
            _("Application"),
            " ",
            rx.el.span(S.dossier_code, class_name="dossier-heading-code"),
        ),
        rx.el.p(
            rx.el.span(_("Status:"), " ", class_name="status-label"),
            rx.el.span(S.status_text, class_name=S.status_class, data_status=S.status_key, data_testid="dossier-status"),
            class_name="dossier-status",
        ),
        rx.cond(
            S.notice != "",
            rx.el.p(
                S.notice,
                id="dossier-notice",
                tab_index=-1,
                class_name="notice notice-success",
                role="status",
                data_testid="dossier-notice",
            ),
        ),
        rx.cond(
            S.problem != "",
            rx.el.p(S.problem, class_name="notice notice-error", role="alert", data_testid="dossier-problem"),
        ),
        rx.cond(
            S.rejection_reason != "",
            rx.el.div(
                rx.el.h2(_("Reason for the decision"), class_name="notice-title"),
                rx.el.p(S.rejection_reason),
                class_name="notice notice-error",
                data_testid="dossier-rejection",
            ),
        ),
        _supplement(t),
        _result(t),
        rx.cond(
            S.result_pickup["place"] != "",
            rx.el.section(
                rx.el.h2(_("Collect your result")),
                rx.el.p(_("Your result is on paper. Bring your ID card and your receipt."), class_name="hint"),
                rx.el.dl(
                    rx.el.div(rx.el.dt(_("Where")), rx.el.dd(S.result_pickup["place"]), class_name="summary-row"),
                    rx.el.div(rx.el.dt(_("When")), rx.el.dd(S.result_pickup["hours"]), class_name="summary-row"),
                    class_name="summary-list",
                ),
                class_name="result-box",
                data_testid="dossier-result-pickup",
            ),
        ),
        # Issue 13: the result sent by post, with its tracking number.
        rx.cond(
            S.postal_tracking != "",
            rx.el.section(
                rx.el.h2(_("Your result is in the post")),
                rx.el.p(_("Postal item number"), ": ", rx.el.strong(S.postal_tracking,
                                                                       data_testid="dossier-postal-tracking")),
                class_name="result-box",
                data_testid="dossier-result-post",
            ),
        ),
        _delay(t),
        _summary(t),
        _linked(t),
        rx.el.div(
            # A document navigation: the receipt is a server page the phone keeps for offline use.
            document_link(
                rx.icon("receipt", size=20, aria_hidden="true"),
                _("View your receipt"),
                href=S.receipt_href,
                class_name="button button-secondary",
                data_testid="dossier-receipt",
            ),
            class_name="actions",
        ),
        _rating(t),
        _timeline(t),
        _files(t),
        _withdraw(t),
        class_name="tracking dossier",
        data_title=document_title(S.title, t.locale),
        data_testid="dossier",
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return shell(
        t,
        session_ended_notice(t),
        rx.match(
            S.status,
            ("ready", _ready(t)),
            (
                "not_found",
                rx.el.section(
                    rx.el.h1(_("Application not found")),
                    rx.el.p(S.problem, data_testid="dossier-not-found-text"),
                    app_link(
                        rx.icon("folder-open", size=20, aria_hidden="true"),
                        rx.el.span(_("My applications")),
                        to=href(t, "/applications"),
                        class_name="button",
                        testid="dossier-not-found-applications",
                    ),
                    class_name="stack",
                    data_testid="dossier-not-found",
                ),
            ),
            ("signed_out", signed_out(t, _("Sign in to see this application."), "dossier-signed-out")),
            rx.el.p(_("Opening your application…"), class_name="hint", role="status", data_testid="dossier-loading"),
        ),
        active="applications",
    )


PAGE = Page(route="/applications/[code]", title=N_("Your application"), build=build, on_load=S.load)
