"""``/{locale}/life-events/{slug}``: a linked group (a birth, a death): its parts, who handles each, the time; Start now."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.states.life_events import LifeEventState
from citizen_app.ui.life_event_view import GroupPart
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page
from citizen_app.ui.shell import href
from citizen_app.ui.start_components import (
    nothing_to_start,
    sign_in_to_apply_link,
    start_box,
    start_now_button,
    start_page,
    summary_row,
)

S = LifeEventState


def _part(part: GroupPart) -> rx.Component:
    testid = rx.Var.create("life-event-part-").to(str) + part.position.to(str)
    return rx.el.li(
        app_link(rx.el.span(part.name, class_name="card-title"), to=part.service_href, testid=testid + "-link"),
        rx.el.span(part.agency, class_name="card-meta"),
        rx.el.span(part.time, class_name="card-meta"),
        class_name="card",
        data_testid=testid,
    )


def _ready(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.article(
        rx.el.p(_("One application for linked procedures"), class_name="caption"),
        rx.el.h1(S.name, data_testid="life-event-title"),
        rx.el.p(S.summary, class_name="lead"),
        rx.el.h2(_("What it covers")),
        rx.el.p(
            _("You fill in one form. Each office handles its part in turn, and you can follow every part in My applications."),
            class_name="hint",
        ),
        rx.el.ol(rx.foreach(S.parts, _part), class_name="card-list", data_testid="life-event-parts"),
        rx.el.dl(
            summary_row(_("Processing time"), S.time, testid="life-event-time"),
            summary_row(_("Fee"), _("No fee")),
            class_name="summary-list",
        ),
        rx.el.p(S.cutoff, class_name="hint"),
        rx.el.p(_("What the state already holds about you and your family is filled in for you. Check it, then add what is new.")),
        start_box(start_now_button(t, S.start), sign_in_to_apply_link(t)),
        class_name="apply apply-start",
        data_testid="life-event",
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return start_page(
        t,
        S.status,
        _ready(t),
        nothing_to_start(
            t, _("Life events"), _("There is no such life event."), find_href=href(t, "/search"),
            testid_prefix="life-event",
        ),
        loading_testid="life-event-loading",
    )


PAGE = Page(route="/life-events/[slug]", title=N_("Life events"), build=build, on_load=S.load)
