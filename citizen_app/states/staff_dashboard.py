"""State of the supervisor dashboard, ``/{locale}/staff/dashboard?days=90&by=week``.

Supervisors only (the guard's ``role="supervisor"``, and the core checks again). The figures
are the core's (``core.dashboard``); this state turns them into text and bar widths.
"""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core import admin_units
from citizen_app.core.dashboard import GRANULARITIES, local_day_start, supervisor_dashboard
from citizen_app.core.dossiers import AccessDenied, Actor
from citizen_app.core.i18n import N_, VIETNAM_TZ, Msg
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.states.staff import StaffState
from citizen_app.states.staff_views import (
    ONLINE_SHARE,
    Choice,
    IndicatorRow,
    dashboard_rows,
    days_text,
    percent,
    score_text,
)

PERIODS = ("30", "90", "365")
PERIOD_LABELS = {"30": N_("Last 30 days"), "90": N_("Last 90 days"), "365": N_("Last 12 months")}
GRANULARITY_LABELS = {"week": N_("By week"), "month": N_("By month")}
SUPERVISORS_ONLY = N_("This page is for supervisors only.")
PERIOD_TEXT = N_("{start} to {end}")
RECEIVED_SPLIT = N_("{online} online, {counter} at the counter")
RATED = N_("{count} ratings, mean {mean}")
RESOLVED = N_("of {count} resolved")
AREA_COMMUNE = N_("{commune}, {province}")


def supervisor_only(state: StaffState, action: str) -> object:
    """The guard for supervisor pages; a counter officer refused is told why in those words."""
    user = state._staff_user(action=action, role="supervisor")
    if user is None and state.access == "denied" and state.is_staff:
        state.denied_message = state._t().gettext(SUPERVISORS_ONLY)
    return user


class StaffDashboardState(StaffState):
    period: str = "90"
    granularity: str = "week"
    period_choices: list[Choice] = rx.field(default_factory=list)
    granularity_choices: list[Choice] = rx.field(default_factory=list)
    area: str = ""
    period_text: str = ""
    received: str = ""
    received_split: str = ""
    online_share: str = ""
    online_share_note: str = ""
    on_time: str = ""
    on_time_note: str = ""
    overdue: str = ""
    average_days: str = ""
    satisfaction: str = ""
    satisfaction_note: str = ""
    by_procedure: list[IndicatorRow] = rx.field(default_factory=list)
    by_commune: list[IndicatorRow] = rx.field(default_factory=list)
    over_time: list[IndicatorRow] = rx.field(default_factory=list)
    loaded: bool = False

    def _run(self, period: str, granularity: str) -> EventSpec | None:
        user = supervisor_only(self, "staff.dashboard.view")
        if user is None:
            self.loaded = False
            self.by_procedure, self.by_commune, self.over_time = [], [], []
            return self._refusal()
        t = self._t()
        period = period if period in PERIODS else "90"
        granularity = granularity if granularity in GRANULARITIES else "week"
        now = utcnow()
        today = now.astimezone(VIETNAM_TZ).date()
        start = local_day_start(today - timedelta(days=int(period) - 1))
        end = local_day_start(today + timedelta(days=1))
        try:
            with unit_of_work() as db:
                board = supervisor_dashboard(
                    db, Actor.staff(user, "supervisor"), start=start, end=end, now=now, granularity=granularity
                )
        except AccessDenied as refused:
            self.access = "denied"
            self.denied_message = self._render(refused.message)
            self.loaded = False
            return None
        self.period, self.granularity = period, granularity
        self.period_choices = [Choice(p, t.gettext(PERIOD_LABELS[p])) for p in PERIODS]
        self.granularity_choices = [Choice(g, t.gettext(GRANULARITY_LABELS[g])) for g in GRANULARITIES]
        province = admin_units.province_name(board.scope.province_code) or board.scope.province_code
        if board.scope.commune_code:
            commune = admin_units.commune_name(board.scope.commune_code) or board.scope.commune_code
            self.area = t.render(Msg(AREA_COMMUNE, {"commune": commune, "province": province}))
        else:
            self.area = province
        self.period_text = t.render(
            Msg(PERIOD_TEXT, {"start": t.format_date(start), "end": t.format_date(end - timedelta(seconds=1))})
        )
        o = board.overall
        self.received = t.format_number(o.received)
        self.received_split = t.render(
            Msg(RECEIVED_SPLIT, {"online": t.format_number(o.received_online), "counter": t.format_number(o.received_counter)})
        )
        self.online_share = percent(o.online_share, t)
        self.online_share_note = t.render(Msg(ONLINE_SHARE, {"share": self.online_share}))
        self.on_time = percent(o.on_time_rate, t)
        self.on_time_note = t.render(Msg(RESOLVED, {"count": t.format_number(o.resolved)}))
        self.overdue = t.format_number(o.overdue_now)
        self.average_days = days_text(o.average_processing_days, t)
        self.satisfaction = percent(o.satisfaction_rate, t)
        self.satisfaction_note = t.render(
            Msg(RATED, {"count": t.format_number(o.ratings), "mean": score_text(o.mean_score, t)})
        )
        self.by_procedure, self.by_commune, self.over_time = dashboard_rows(board, t)
        self.loaded = True
        query = urlencode({"days": period, "by": granularity})
        href = f"/{self.locale}/staff/dashboard?{query}"
        return rx.call_script(f"window.history.replaceState(window.history.state, '', {json.dumps(href)});")

    @rx.event
    def load(self) -> EventSpec | None:
        query = self.router.url.query_parameters
        return self._run(str(query.get("days") or "90"), str(query.get("by") or "week"))

    @rx.event
    def change_period(self, value: str) -> EventSpec | None:
        return self._run(value, self.granularity)

    @rx.event
    def change_granularity(self, value: str) -> EventSpec | None:
        return self._run(self.period, value)
