"""The public indicators page as people see it: tiles, a line chart drawn as SVG on the server, CSS bars
per province, and the table behind every chart. Plain functions over ``core.open_data.indicators``.

The chart is made of numbers and escaped names only (``html.escape``), so it is safe to place as markup.
Series differ by line style and marker shape as well as colour, so they read without colour too.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from babel.numbers import format_percent

from citizen_app.core.dashboard import Indicators
from citizen_app.core.i18n import N_, NP_, Msg, Translator
from citizen_app.core.open_data.indicators import IndicatorRow, IndicatorTable, parse_month, totals

NO_VALUE = "—"
SERIES: tuple[tuple[str, str, str, str, str], ...] = (
    # (key, label msgid, colour, dash pattern, marker)
    ("online", N_("Sent online"), "#1d4ed8", "", "circle"),
    ("on_time", N_("Resolved on time"), "#047857", "8 5", "square"),
    ("satisfaction", N_("Satisfied (4 or 5 stars)"), "#b45309", "2 4", "triangle"),
)
CHART_TITLE = N_("Online share, on-time rate and satisfaction by month, {area}")
CHART_DESCRIPTION = N_("Line chart from {first} to {last}. The same figures are in the table below.")
ALL_PROVINCES = N_("all provinces")
ALL_PROVINCES_OPTION = N_("All provinces and cities")
PERIOD = N_("{first} to {last}")
RECEIVED_NOTE = N_("{online} online")
RESOLVED_NOTE = N_("of {count} resolved")
RATED_NOTE = NP_("of {count} rating", "of {count} ratings")

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40


def percent(value: float | None, t: Translator) -> str:
    return NO_VALUE if value is None else format_percent(value, "#,##0.0%", locale=t.locale)


def month_label(month: str, t: Translator) -> str:
    day = parse_month(month) or date(2000, 1, 1)
    return format_date(day, "MM/yyyy" if t.locale == "vi" else "MMM yyyy", locale=t.locale)


@dataclass
class Tile:
    key: str = ""
    label: str = ""
    value: str = ""
    note: str = ""


@dataclass
class TimeRow:
    month: str = ""
    label: str = ""
    received: str = ""
    online: str = ""
    on_time: str = ""
    satisfaction: str = ""


@dataclass
class Bar:
    label: str = ""
    value: str = ""
    width: str = "0%"


@dataclass
class ProvinceRow:
    code: str = ""
    name: str = ""
    received: str = ""
    online: str = ""
    on_time: str = ""
    satisfaction: str = ""
    selected: bool = False


def _rates(figures: Indicators) -> dict[str, float | None]:
    return {"online": figures.online_share, "on_time": figures.on_time_rate,
            "satisfaction": figures.satisfaction_rate}


def by_month(table: IndicatorTable) -> list[tuple[str, Indicators]]:
    summed = totals(table.rows, key=lambda row: row.month)
    return [(month, summed.get(month, Indicators())) for month in table.months]


def tiles(overall: Indicators, t: Translator) -> list[Tile]:
    _ = t.gettext
    return [
        Tile("received", _("Received"), t.format_number(overall.received),
             t.render(Msg(RECEIVED_NOTE, {"online": t.format_number(overall.received_online)}))),
        Tile("online", _("Sent online"), percent(overall.online_share, t), ""),
        Tile("on-time", _("Resolved on time"), percent(overall.on_time_rate, t),
             t.render(Msg(RESOLVED_NOTE, {"count": t.format_number(overall.resolved)}))),
        Tile("satisfaction", _("Satisfied (4 or 5 stars)"), percent(overall.satisfaction_rate, t),
             t.plural(RATED_NOTE, overall.ratings)),
    ]


def time_rows(months: list[tuple[str, Indicators]], t: Translator) -> list[TimeRow]:
    return [
        TimeRow(month, month_label(month, t), t.format_number(f.received), percent(f.online_share, t),
                percent(f.on_time_rate, t), percent(f.satisfaction_rate, t))
        for month, f in months
    ]


def province_rows(rows: list[IndicatorRow], selected: str, t: Translator) -> list[ProvinceRow]:
    names = {row.province_code: row.province_name for row in rows}
    summed = totals(rows, key=lambda row: row.province_code)
    ordered = sorted(summed.items(), key=lambda item: (-item[1].received, names[item[0]]))
    return [
        ProvinceRow(code, names[code], t.format_number(f.received), percent(f.online_share, t),
                    percent(f.on_time_rate, t), percent(f.satisfaction_rate, t), code == selected)
        for code, f in ordered
    ]


def bars(rows: list[IndicatorRow], key: str, t: Translator) -> list[Bar]:
    """One bar per province for one rate over the period, highest first (provinces without it last)."""
    names = {row.province_code: row.province_name for row in rows}
    summed = totals(rows, key=lambda row: row.province_code)
    rated = [(names[code], _rates(f)[key]) for code, f in summed.items()]
    rated.sort(key=lambda item: (item[1] is None, -(item[1] or 0), item[0]))
    return [Bar(name, percent(value, t), f"{round((value or 0) * 100, 1)}%") for name, value in rated]


# --- the line chart ---------------------------------------------------------------------------------------


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span / 2 if count == 1 else span * index / (count - 1))


def _y(value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value)


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f} Z" fill="{colour}"/>'


def line_chart(months: list[tuple[str, Indicators]], area: str, t: Translator) -> str:
    """An SVG line chart of the three rates by month (0–100 %), with its title and description."""
    count = len(months)
    title = html.escape(t.render(Msg(CHART_TITLE, {"area": area})))
    first = month_label(months[0][0], t) if months else ""
    last = month_label(months[-1][0], t) if months else ""
    description = html.escape(t.render(Msg(CHART_DESCRIPTION, {"first": first, "last": last})))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title chart-desc" class="line-chart" data-testid="open-data-chart">',
        f'<title id="chart-title">{title}</title><desc id="chart-desc">{description}</desc>',
    ]
    for step in range(5):
        value = step / 4
        y = _y(value)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">{step * 25}%</text>')
    label_every = max(1, (count + 5) // 6)
    for index, (month, _figures) in enumerate(months):
        if index % label_every == 0 or index == count - 1:
            parts.append(f'<text x="{_x(index, count):.1f}" y="{HEIGHT - BOTTOM + 20}" text-anchor="middle" '
                         f'class="axis">{html.escape(month_label(month, t))}</text>')
    for key, _label, colour, dash, marker in SERIES:
        points = [(index, _rates(figures)[key]) for index, (_month, figures) in enumerate(months)]
        runs: list[list[tuple[float, float]]] = [[]]
        for index, value in points:
            if value is None:
                runs.append([])
            else:
                runs[-1].append((_x(index, count), _y(value)))
        style = f' stroke-dasharray="{dash}"' if dash else ""
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{style}/>')
            parts += [_marker(marker, x, y, colour) for x, y in run]
    parts.append("</svg>")
    return "".join(parts)


def area_name(selected: str, table: IndicatorTable, t: Translator, *, heading: bool = False) -> str:
    """The province shown, or all of them (capitalised when it starts a heading, not inside a sentence)."""
    for row in table.rows:
        if row.province_code == selected:
            return row.province_name
    return t.gettext(ALL_PROVINCES_OPTION if heading else ALL_PROVINCES)


def period_text(table: IndicatorTable, t: Translator) -> str:
    return t.render(Msg(PERIOD, {"first": month_label(table.months[0], t), "last": month_label(table.months[-1], t)}))
