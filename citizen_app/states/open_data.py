"""``/{locale}/open-data``: the public indicators page (``?province=01`` for one province).

The figures are the open data's own (``core.open_data.indicators``, the rows the CSV download
holds); ``ui.open_data_view`` turns them into tiles, the chart and the tables.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core.dashboard import Indicators
from citizen_app.core.open_data import indicators
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.states.base import AppState
from citizen_app.ui import open_data_view as view
from citizen_app.ui.feedback_view import Choice


class OpenDataState(AppState):
    province: str = ""
    province_options: list[Choice] = []  # noqa: RUF012
    area: str = ""
    period: str = ""
    tiles: list[view.Tile] = []  # noqa: RUF012
    chart: str = ""
    months: list[view.TimeRow] = []  # noqa: RUF012
    provinces: list[view.ProvinceRow] = []  # noqa: RUF012
    online_bars: list[view.Bar] = []  # noqa: RUF012
    on_time_bars: list[view.Bar] = []  # noqa: RUF012
    satisfaction_bars: list[view.Bar] = []  # noqa: RUF012
    csv_href: str = ""
    commune_csv_href: str = ""
    json_href: str = ""
    loaded: bool = False

    def _show(self, province: str) -> EventSpec:
        t = self._t()
        now = utcnow()
        first, last = indicators.default_period(now)
        with unit_of_work() as db:
            table = indicators.monthly_indicators(db, first_month=first, last_month=last, now=now)
        known = {row.province_code for row in table.rows}
        self.province = province if province in known else ""
        shown = [row for row in table.rows if not self.province or row.province_code == self.province]
        months = view.by_month(indicators.IndicatorTable(table.level, table.months, None, shown, now))
        overall = Indicators()
        for _month, figures in months:
            overall.add(figures)
        self.province_options = [
            Choice("", t.gettext(view.ALL_PROVINCES_OPTION)),
            *[Choice(row.code, row.name) for row in sorted(view.province_rows(table.rows, "", t), key=lambda r: r.name)],
        ]
        self.area = view.area_name(self.province, table, t, heading=True)
        self.period = view.period_text(table, t)
        self.tiles = view.tiles(overall, t)
        self.chart = view.line_chart(months, view.area_name(self.province, table, t), t)
        self.months = view.time_rows(months, t)
        self.provinces = view.province_rows(table.rows, self.province, t)
        self.online_bars = view.bars(table.rows, "online", t)
        self.on_time_bars = view.bars(table.rows, "on_time", t)
        self.satisfaction_bars = view.bars(table.rows, "satisfaction", t)
        params = {"from": table.months[0], "to": table.months[-1]}
        where = {"province": self.province} if self.province else {}
        self.csv_href = f"/api/v1/indicators.csv?{urlencode({**params, **where})}"
        self.commune_csv_href = f"/api/v1/indicators.csv?{urlencode({**params, **where, 'level': 'commune'})}"
        self.json_href = f"/api/v1/indicators?{urlencode({**params, **where})}"
        self.loaded = True
        href = f"/{self.locale}/open-data" + (f"?{urlencode(where)}" if where else "")
        return rx.call_script(f"window.history.replaceState(window.history.state, '', {json.dumps(href)});")

    @rx.event
    def load(self) -> EventSpec:
        return self._show(str(self.router.url.query_parameters.get("province", "") or "")[:2])

    @rx.event
    def choose_province(self, value: str) -> EventSpec:
        return self._show(str(value)[:2])
