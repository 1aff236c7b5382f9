"""``/{locale}/services/{code}/apply``: what you need, what it costs, how long it takes; then Start now."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.states.apply import ApplyStartState
from citizen_app.states.base import AppState
from citizen_app.ui.catalog_view import DocumentRow
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page
from citizen_app.ui.start_components import (
    nothing_to_start,
    sign_in_to_apply_link,
    start_box,
    start_now_button,
    start_page,
    summary_row,
)

S = ApplyStartState


def _document(item: DocumentRow) -> rx.Component:
    return rx.el.li(
        rx.el.span(item.name, class_name="document-name"),
        rx.el.span(
            rx.el.span(item.requirement, class_name=rx.cond(item.required, "tag tag-error", "tag")),
            rx.cond(item.quantity != "", rx.el.span(" ", item.quantity, class_name="document-quantity")),
            class_name="document-meta",
        ),
        rx.cond(item.note != "", rx.el.span(item.note, class_name="row-note")),
        class_name="document",
    )


def _gate(t: Translator) -> rx.Component:
    """Right under the title, so a person who may not apply online learns it (and where to go instead)
    before reading the rest: on a 360×800 phone it is above the fold."""
    _ = t.gettext
    return rx.cond(
        AppState.signed_in & (S.blocked != ""),
        rx.el.div(
            rx.el.h2(_("You cannot apply online yet"), class_name="notice-title"),
            rx.el.p(S.blocked, data_testid="assurance-gate-text"),
            rx.el.h3(_("Apply in person instead"), class_name="notice-title"),
            rx.el.p(S.in_person, data_testid="apply-in-person"),
            rx.el.p(S.in_person_terms, data_testid="apply-in-person-terms"),
            class_name="notice notice-warning",
            data_testid="assurance-gate",
        ),
    )


def _start_box(t: Translator) -> rx.Component:
    _ = t.gettext
    return start_box(
        rx.cond(
            S.blocked != "",
            rx.fragment(),
            rx.fragment(
                rx.cond(
                    S.draft_notice != "",
                    rx.el.p(S.draft_notice, class_name="notice", data_testid="draft-in-progress"),
                ),
                start_now_button(t, S.start),
            ),
        ),
        rx.el.div(
            rx.el.p(_("Sign in with VNeID to apply. Your verified details will be filled in for you.")),
            sign_in_to_apply_link(t),
            class_name="stack",
        ),
    )


def _ready(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.article(
        app_link(
            rx.icon("chevron-left", size=18, aria_hidden="true"),
            rx.el.span(_("About this service")),
            to=S.service_href,
            class_name="back-link",
            testid="back",
        ),
        rx.el.p(_("Apply online"), class_name="caption"),
        rx.el.h1(S.name, data_testid="start-title"),
        _gate(t),
        rx.cond(S.summary != "", rx.el.p(S.summary, class_name="lead")),
        rx.cond(S.partial != "", rx.el.p(S.partial, class_name="notice", data_testid="start-partial")),
        rx.el.h2(_("Before you start")),
        rx.el.dl(
            summary_row(_("Fee"), S.fee, testid="start-fee"),
            summary_row(_("Processing time"), S.time, testid="start-time"),
            rx.cond(S.agency != "", summary_row(_("Handled by"), S.agency)),
            class_name="summary-list",
        ),
        rx.cond(
            S.documents.length() > 0,
            rx.el.section(
                rx.el.h2(_("Documents you need")),
                rx.el.p(_("Have them ready: you can add a photo or a scan of each one."), class_name="hint"),
                rx.el.ul(rx.foreach(S.documents, _document), class_name="document-list"),
                data_testid="start-documents",
            ),
        ),
        rx.el.p(
            _("We save your answers as you go. You can stop and come back later from My applications."),
        ),
        _start_box(t),
        class_name="apply apply-start",
        data_testid="apply-start",
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return start_page(
        t,
        S.status,
        _ready(t),
        nothing_to_start(
            t, _("Apply online"), S.problem, find_href=S.service_href, testid_prefix="start", testid="start-not-found"
        ),
        loading_testid="start-loading",
    )


PAGE = Page(route="/services/[code]/apply", title=N_("Apply online"), build=build, on_load=S.load)
