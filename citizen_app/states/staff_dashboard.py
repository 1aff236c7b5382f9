"""State of the supervisor dashboard, ``/{locale}/staff/dashboard?days=90&by=week``.

Supervisors only (the guard's ``role="supervisor"``, and the core checks again). The figures
are the core's (``core.dashboard``); this state turns them into text and bar widths.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core.dashboard import GRANULARITIES, PERIOD_DAYS, last_days, supervisor_dashboard
from citizen_app.core.dossiers import AccessDenied, Actor
from citizen_app.core.i18n import N_
from citizen_app.core.payments.collected import collected  # issue 11: fees collected
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.states.staff import StaffState
from citizen_app.ui.fee_view import CollectedView, collected_rows
from citizen_app.ui.staff_view import Choice, DashboardTiles, IndicatorRow, dashboard_rows, dashboard_tiles

PERIOD_LABELS = {90: N_("Last 90 days"), 30: N_("Last 30 days"), 365: N_("Last 12 months")}
GRANULARITY_LABELS = {"week": N_("By week"), "month": N_("By month")}
SUPERVISORS_ONLY = N_("This page is for supervisors only.")


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
    tiles: DashboardTiles = DashboardTiles()
    by_procedure: list[IndicatorRow] = rx.field(default_factory=list)
    by_commune: list[IndicatorRow] = rx.field(default_factory=list)
    over_time: list[IndicatorRow] = rx.field(default_factory=list)
    fees_collected: list[CollectedView] = rx.field(default_factory=list)  # issue 11
    loaded: bool = False

    def _run(self, period: str, granularity: str) -> EventSpec | None:
        user = supervisor_only(self, "staff.dashboard.view")
        if user is None:
            self.loaded = False
            self.by_procedure, self.by_commune, self.over_time = [], [], []
            return self._refusal()
        t = self._t()
        days = int(period) if period.isdigit() and int(period) in PERIOD_DAYS else PERIOD_DAYS[0]
        granularity = granularity if granularity in GRANULARITIES else "week"
        now = utcnow()
        start, end = last_days(days, now)
        try:
            with unit_of_work() as db:
                board = supervisor_dashboard(
                    db, Actor.staff(user, "supervisor"), start=start, end=end, now=now, granularity=granularity
                )
                fees = collected(db, Actor.staff(user, "supervisor"), start=start, end=end)
        except AccessDenied as refused:
            self.access = "denied"
            self.denied_message = self._render(refused.message)
            self.loaded = False
            return None
        self.period, self.granularity = str(days), granularity
        self.period_choices = [Choice(str(d), t.gettext(PERIOD_LABELS[d])) for d in sorted(PERIOD_DAYS)]
        self.granularity_choices = [Choice(g, t.gettext(GRANULARITY_LABELS[g])) for g in GRANULARITIES]
        self.tiles = dashboard_tiles(board, t)
        self.by_procedure, self.by_commune, self.over_time = dashboard_rows(board, t)
        self.fees_collected = collected_rows(fees, t)
        self.loaded = True
        query = urlencode({"days": self.period, "by": granularity})
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
