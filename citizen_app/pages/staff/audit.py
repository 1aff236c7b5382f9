"""``/{locale}/staff/audit``: the audit log of the supervisor's area, newest first (read-only)."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.pages.staff.components import pager, select, staff_page
from citizen_app.states.staff_audit import StaffAuditState as S
from citizen_app.ui.page import Page
from citizen_app.ui.staff_view import AuditEntryView

HEADERS = (N_("When"), N_("Who"), N_("Action"), N_("On"), N_("Outcome"), N_("Details"))


def _date(label: str, name: str, value: rx.Var, testid: str) -> rx.Component:
    control = f"audit-{name}"
    return rx.el.div(
        rx.el.label(label, html_for=control, class_name="label"),
        rx.el.input(
            type="date",
            id=control,
            name=name,
            value=value,
            on_change=lambda v: S.change_filter(name, v),
            class_name="input input-date",
            data_testid=testid,
        ),
        class_name="filter",
    )


def _filters(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.form(
        select(_("Officer"), "officer", S.officer_choices, S.officer, lambda v: S.change_filter("officer", v),
               "audit-filter-officer", id_prefix="audit"),
        select(_("Action"), "action", S.action_choices, S.action, lambda v: S.change_filter("action", v),
               "audit-filter-action", id_prefix="audit"),
        select(_("Outcome"), "outcome", S.outcome_choices, S.outcome, lambda v: S.change_filter("outcome", v),
               "audit-filter-outcome", id_prefix="audit"),
        _date(_("From"), "from", S.day_from, "audit-filter-from"),
        _date(_("To"), "to", S.day_to, "audit-filter-to"),
        rx.el.button(_("Clear filters"), type="button", on_click=S.clear_filters, class_name="button button-secondary",
                     data_testid="audit-filter-clear"),
        on_submit=rx.prevent_default,
        class_name="staff-filters",
        aria_label=_("Filter the audit log"),
    )


def _row(t: Translator, item: AuditEntryView) -> rx.Component:
    _ = t.gettext
    return rx.el.tr(
        rx.el.td(item.when, data_label=_("When")),
        rx.el.td(item.who, rx.el.span(" (", item.role, ")", class_name="cell-note"), data_label=_("Who")),
        rx.el.td(item.action, data_label=_("Action")),
        rx.el.td(item.target, data_label=_("On")),
        rx.el.td(
            rx.el.span(item.outcome, class_name=rx.cond(item.outcome_key == "ok", "tag tag-success", "tag tag-error")),
            data_label=_("Outcome"),
        ),
        rx.el.td(item.detail, class_name="cell-detail", data_label=_("Details")),
        class_name="queue-row",
        data_testid=rx.Var.create("staff-audit-entry-") + item.id.to_string(),
        data_outcome=item.outcome_key,
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return staff_page(
        t,
        _("Audit log"),
        rx.el.p(
            _("Every action of your area's staff, and every refusal, as recorded. Entries are never changed or "
              "deleted."),
            class_name="lead",
        ),
        _filters(t),
        rx.el.p(S.count_text, class_name="queue-count", role="status", data_testid="staff-audit-count"),
        rx.el.div(
            rx.el.table(
                rx.el.caption(_("Audit log entries, newest first"), class_name="visually-hidden"),
                rx.el.thead(rx.el.tr(*[rx.el.th(_(h), scope="col") for h in HEADERS])),
                rx.el.tbody(rx.foreach(S.entries, lambda item: _row(t, item))),
                class_name="queue-table audit-table",
            ),
            class_name="table-scroll",
            data_testid="staff-audit",
        ),
        pager(t, S, "staff-audit"),
        active="audit",
    )


PAGE = Page(route="/staff/audit", title=N_("Audit log"), build=build, on_load=S.load)
