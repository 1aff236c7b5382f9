"""``/{locale}/staff/dashboard``: the indicators provinces report, for the supervisor's area.

Headline figures first, then three tables (over time, per procedure, per commune). Each table
*is* the chart: a CSS bar beside each number (decorative, hidden from screen readers, since the
numbers are in the same row), so it reads on a tablet and for assistive technology alike.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.pages.staff.components import select, staff_page
from citizen_app.states.staff_dashboard import StaffDashboardState as S
from citizen_app.ui.fee_view import CollectedView
from citizen_app.ui.page import Page
from citizen_app.ui.staff_view import IndicatorRow


def _tile(label: str, value: Any, note: Any, testid: str, tone: str = "") -> rx.Component:
    return rx.el.div(
        rx.el.dt(label, class_name="tile-label"),
        rx.el.dd(value, class_name="tile-value", data_testid=testid),
        rx.cond(note != "", rx.el.dd(note, class_name="tile-note", data_testid=f"{testid}-note")),
        class_name=f"tile {tone}".strip(),
    )


def _tiles(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.dl(
        _tile(_("Received"), S.tiles.received, S.tiles.received_split, "dashboard-received"),
        _tile(_("Submitted online"), S.tiles.online_share, "", "dashboard-online-share"),
        _tile(_("Resolved on time"), S.tiles.on_time, S.tiles.on_time_note, "dashboard-on-time"),
        _tile(_("Overdue now"), S.tiles.overdue, "", "dashboard-overdue", "tile-alert"),
        _tile(_("Average processing time"), S.tiles.average_days, "", "dashboard-average-days"),
        _tile(_("Satisfied (4 or 5 stars)"), S.tiles.satisfaction, S.tiles.satisfaction_note, "dashboard-satisfaction"),
        class_name="tiles",
        data_testid="dashboard-tiles",
    )


def _bar_cell(number: Any, bar_class: Any, extra: Any = None) -> rx.Component:
    return rx.el.td(
        rx.el.span(
            rx.el.span(class_name=rx.Var.create("bar ") + bar_class, aria_hidden="true"),
            class_name="bar-track",
            aria_hidden="true",
        ),
        rx.el.span(number, class_name="bar-number"),
        extra if extra is not None else rx.fragment(),
        class_name="bar-cell",
    )


def _fees_collected(t: Translator) -> rx.Component:
    """Fees collected per day and per payment method (issue 11)."""
    _ = t.gettext

    def row(item: CollectedView) -> rx.Component:
        return rx.el.tr(
            rx.el.th(item.day, scope="row"), rx.el.td(item.method), rx.el.td(item.payments), rx.el.td(item.amount),
            data_testid=rx.Var.create("dashboard-fees-row-") + item.key,
        )

    return rx.el.section(
        rx.el.h2(_("Fees collected"), id="dashboard-fees-title"),
        rx.cond(
            S.fees_collected.length() > 0,
            rx.el.div(
                rx.el.table(
                    rx.el.caption(_("Fees collected, by day and payment method")),
                    rx.el.thead(rx.el.tr(*[rx.el.th(h, scope="col") for h in (
                        _("Day"), _("Payment method"), _("Payments"), _("Amount"))])),
                    rx.el.tbody(rx.foreach(S.fees_collected, row)),
                    class_name="dashboard-table",
                ),
                class_name="table-scroll",
                data_testid="dashboard-fees",
            ),
            rx.el.p(_("No fee was collected in this period."), class_name="hint", data_testid="dashboard-fees-none"),
        ),
        aria_labelledby="dashboard-fees-title",
    )


def _table(t: Translator, rows: Any, *, first: str, caption: str, testid: str, time: bool = False) -> rx.Component:
    _ = t.gettext

    def row(item: IndicatorRow) -> rx.Component:
        return rx.el.tr(
            rx.el.th(item.label, scope="row"),
            _bar_cell(item.received, item.received_bar),
            rx.el.td(item.online_share),
            rx.el.td(item.on_time, rx.el.span(" (", item.resolved, ")", class_name="cell-note")),
            rx.el.td(item.overdue) if not time else rx.fragment(),
            rx.el.td(item.average_days),
            rx.el.td(item.satisfaction, rx.el.span(" (", item.ratings, ")", class_name="cell-note")),
            data_testid=rx.Var.create(f"{testid}-row-") + item.key,
        )

    headers = [first, _("Received"), _("Online"), _("On time (resolved)")]
    if not time:
        headers.append(_("Overdue now"))
    headers += [_("Average time"), _("Satisfied (ratings)")]
    return rx.el.div(
        rx.el.table(
            rx.el.caption(caption),
            rx.el.thead(rx.el.tr(*[rx.el.th(h, scope="col") for h in headers])),
            rx.el.tbody(rx.foreach(rows, row)),
            class_name="dashboard-table",
        ),
        class_name="table-scroll",
        data_testid=testid,
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return staff_page(
        t,
        _("Applications dashboard"),
        rx.cond(
            S.loaded,
            rx.fragment(
                rx.el.p(
                    rx.el.strong(S.tiles.area, data_testid="dashboard-area"), " · ",
                    rx.el.span(S.tiles.period_text, data_testid="dashboard-period-text"),
                    class_name="lead",
                ),
                rx.el.form(
                    select(_("Period"), "days", S.period_choices, S.period, S.change_period, "dashboard-period",
                           id_prefix="dashboard"),
                    select(_("Over time"), "by", S.granularity_choices, S.granularity, S.change_granularity,
                           "dashboard-granularity", id_prefix="dashboard"),
                    on_submit=rx.prevent_default,
                    class_name="staff-filters",
                    aria_label=_("Period shown"),
                ),
                _tiles(t),
                rx.el.section(
                    rx.el.h2(_("Over time"), id="dashboard-time-title"),
                    _table(t, S.over_time, first=_("Period"), caption=_("Applications received, by period"),
                           testid="dashboard-over-time", time=True),
                    aria_labelledby="dashboard-time-title",
                ),
                rx.el.section(
                    rx.el.h2(_("By procedure"), id="dashboard-procedure-title"),
                    _table(t, S.by_procedure, first=_("Procedure"), caption=_("Indicators by procedure"),
                           testid="dashboard-by-procedure"),
                    aria_labelledby="dashboard-procedure-title",
                ),
                rx.el.section(
                    rx.el.h2(_("By commune"), id="dashboard-commune-title"),
                    _table(t, S.by_commune, first=_("Commune or centre"), caption=_("Indicators by commune"),
                           testid="dashboard-by-commune"),
                    aria_labelledby="dashboard-commune-title",
                ),
                _fees_collected(t),  # issue 11
                rx.el.p(
                    _("On time means resolved by the first appointment date: a delay does not change it. "
                      "Average time is in calendar days from receipt to the result or the rejection. "
                      "Overdue now counts applications past their appointment that the agency still owes."),
                    class_name="hint",
                ),
            ),
            rx.el.p(_("Loading the figures…"), class_name="hint", role="status"),
        ),
        active="dashboard",
    )


PAGE = Page(route="/staff/dashboard", title=N_("Applications dashboard"), build=build, on_load=S.load)
