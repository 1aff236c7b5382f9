"""``/{locale}/open-data``: how public services are doing, per province and over time, as open data.

Charts first (a line chart drawn on the server as SVG, CSS bars per province), each with the table
of its figures behind it, then the downloads (CSV, JSON) under CC BY 4.0 and the API. Test ids:
``open-data``, ``open-data-province``, ``open-data-tile-<key>``, ``open-data-chart``,
``open-data-time-table`` (rows ``open-data-month-<YYYY-MM>``), ``open-data-province-table``
(rows ``open-data-province-<code>``), ``open-data-bars-<online|on-time|satisfaction>``,
``open-data-csv``, ``open-data-commune-csv``, ``open-data-json``, ``open-data-api``.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.states.open_data import OpenDataState as S
from citizen_app.ui.form_fields import document_link
from citizen_app.ui.open_data_view import SERIES, Bar, ProvinceRow, Tile, TimeRow
from citizen_app.ui.page import Page
from citizen_app.ui.shell import shell


def _tile(item: Tile) -> rx.Component:
    return rx.el.div(
        rx.el.dt(item.label, class_name="tile-label"),
        rx.el.dd(item.value, class_name="tile-value", data_testid=rx.Var.create("open-data-tile-") + item.key),
        rx.cond(item.note != "", rx.el.dd(item.note, class_name="tile-note")),
        class_name="tile",
    )


def _legend(t: Translator) -> rx.Component:
    return rx.el.ul(
        *[rx.el.li(rx.el.span(class_name=f"legend-swatch legend-{key}", aria_hidden="true"), t.gettext(label))
          for key, label, _colour, _dash, _marker in SERIES],
        class_name="chart-legend",
    )


def _table_behind(t: Translator, caption: str, headers: list[str], body: Any, testid: str) -> rx.Component:
    return rx.el.details(
        rx.el.summary(t.gettext("Show the figures as a table"), data_testid=f"{testid}-toggle"),
        rx.el.div(
            rx.el.table(
                rx.el.caption(caption),
                rx.el.thead(rx.el.tr(*[rx.el.th(h, scope="col") for h in headers])),
                rx.el.tbody(body),
                class_name="dashboard-table",
            ),
            class_name="table-scroll",
        ),
        class_name="table-behind",
        data_testid=testid,
    )


def _month_row(row: TimeRow) -> rx.Component:
    return rx.el.tr(
        rx.el.th(row.label, scope="row"),
        rx.el.td(row.received, data_testid="cell-received"),
        rx.el.td(row.online, data_testid="cell-online"),
        rx.el.td(row.on_time, data_testid="cell-on-time"),
        rx.el.td(row.satisfaction, data_testid="cell-satisfaction"),
        data_testid=rx.Var.create("open-data-month-") + row.month,
    )


def _province_row(row: ProvinceRow) -> rx.Component:
    return rx.el.tr(
        rx.el.th(row.name, scope="row"),
        rx.el.td(row.received), rx.el.td(row.online), rx.el.td(row.on_time), rx.el.td(row.satisfaction),
        class_name=rx.cond(row.selected, "row-selected", ""),
        data_testid=rx.Var.create("open-data-province-") + row.code,
    )


def _bars(title: str, bars: Any, testid: str) -> rx.Component:
    def bar(item: Bar) -> rx.Component:
        return rx.el.li(
            rx.el.span(item.label, class_name="bar-label"),
            rx.el.span(rx.el.span(class_name="bar", style={"width": item.width}), class_name="bar-track",
                       aria_hidden="true"),
            rx.el.span(item.value, class_name="bar-number"),
            class_name="bar-row",
        )

    return rx.el.figure(
        rx.el.figcaption(title),
        rx.el.ul(rx.foreach(bars, bar), class_name="bar-list"),
        class_name="bar-chart",
        data_testid=testid,
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    headers = [_("Received"), _("Sent online"), _("Resolved on time"), _("Satisfied (4 or 5 stars)")]
    return shell(
        t,
        rx.el.div(
            rx.el.h1(_("How public services are doing")),
            rx.el.p(_("Applications received and resolved each month, by province: how many were sent online, "
                      "how many were resolved on time, and how satisfied people were. Open data, free to reuse."),
                    class_name="lead"),
            rx.el.form(
                rx.el.div(
                    rx.el.label(_("Province or city"), html_for="open-data-province", class_name="label"),
                    rx.el.select(rx.foreach(S.province_options, lambda c: rx.el.option(c.label, value=c.value)),
                                 id="open-data-province", name="province", value=S.province,
                                 on_change=S.choose_province, class_name="select", data_testid="open-data-province"),
                    class_name="field",
                ),
                on_submit=rx.prevent_default,
            ),
            rx.cond(
                S.loaded,
                rx.fragment(
                    rx.el.p(rx.el.strong(S.area, data_testid="open-data-area"), " · ", S.period, class_name="hint"),
                    rx.el.dl(rx.foreach(S.tiles, _tile), class_name="tiles"),
                    rx.el.section(
                        rx.el.h2(_("Over time"), id="open-data-time-title"),
                        rx.el.figure(_legend(t), rx.html(S.chart), class_name="chart"),
                        _table_behind(t, _("Figures by month"), [_("Month"), *headers],
                                      rx.foreach(S.months, _month_row), "open-data-time-table"),
                        aria_labelledby="open-data-time-title",
                    ),
                    rx.el.section(
                        rx.el.h2(_("By province, last 12 months"), id="open-data-province-title"),
                        rx.el.div(
                            _bars(_("Sent online"), S.online_bars, "open-data-bars-online"),
                            _bars(_("Resolved on time"), S.on_time_bars, "open-data-bars-on-time"),
                            _bars(_("Satisfied (4 or 5 stars)"), S.satisfaction_bars, "open-data-bars-satisfaction"),
                            class_name="bar-charts",
                        ),
                        _table_behind(t, _("Figures by province"), [_("Province or city"), *headers],
                                      rx.foreach(S.provinces, _province_row), "open-data-province-table"),
                        aria_labelledby="open-data-province-title",
                    ),
                ),
                rx.el.p(_("Loading the figures…"), class_name="hint", role="status"),
            ),
            rx.el.section(
                rx.el.h2(_("Download the data")),
                rx.el.ul(
                    rx.el.li(document_link(_("Monthly figures by province (CSV)"), href=S.csv_href,
                                           data_testid="open-data-csv")),
                    rx.el.li(document_link(_("Monthly figures by commune (CSV)"), href=S.commune_csv_href,
                                           data_testid="open-data-commune-csv")),
                    rx.el.li(document_link(_("The same as JSON, with definitions"), href=S.json_href,
                                           data_testid="open-data-json")),
                    rx.el.li(document_link(_("The open API (OpenAPI 3.1)"), href="/api/v1/openapi.json",
                                           data_testid="open-data-api")),
                    class_name="list-bullets",
                ),
                rx.el.p(
                    _("Licence: "),
                    document_link("Creative Commons Attribution 4.0 (CC BY 4.0)",
                                  href="https://creativecommons.org/licenses/by/4.0/", rel="license",
                                  data_testid="open-data-licence"),
                    ". ",
                    _("Reuse it freely; name the source."),
                ),
                rx.el.p(_("On time means resolved by the first appointment date: a delay does not change it. "
                          "Satisfied counts 4 and 5 star ratings of the applications resolved that month."),
                        class_name="hint"),
            ),
            class_name="open-data stack",
            data_testid="open-data",
        ),
    )


PAGE = Page(route="/open-data", title=N_("How public services are doing"), build=build, on_load=S.load)
