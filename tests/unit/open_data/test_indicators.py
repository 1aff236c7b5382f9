"""Monthly indicators: the dashboard's definitions per month and unit, the CSV and JSON agree."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from citizen_app.core.dashboard import DashboardScope, compute_dashboard, local_day_start
from citizen_app.core.i18n import VIETNAM_TZ
from citizen_app.core.open_data import indicators
from citizen_app.db.models.tracking import DossierRating
from tests.unit.dossiers.helpers import NOW
from tests.unit.feedback.helpers import UNITS
from tests.unit.open_data.helpers import api_client
from tests.unit.staff.helpers import place

OCTOBER = NOW - timedelta(days=40)  # 7 October 2026


def _seed(db: Session) -> None:
    # October: two received in Ba Đình (one online), one at the Hà Nội centre, one in Sài Gòn (HCMC).
    place(db, commune="00004", received=OCTOBER, channel="online")
    place(db, commune="00004", received=OCTOBER + timedelta(days=1), channel="counter")
    place(db, commune=None, received=OCTOBER, channel="online")
    place(db, commune="26734", province="79", received=OCTOBER, channel="online")
    # November: Ba Đình resolves one on time (rated 5) and one late (rated 2).
    on_time = place(db, commune="00004", status="returned", received=NOW - timedelta(days=5),
                    appointment=NOW + timedelta(days=1), finished=NOW - timedelta(hours=1))
    late = place(db, commune="00004", status="rejected", received=NOW - timedelta(days=9),
                 appointment=NOW - timedelta(days=2), finished=NOW - timedelta(hours=2))
    db.add_all([DossierRating(dossier_id=on_time.id, user_id=on_time.applicant_id, score=5, created_at=NOW),
                DossierRating(dossier_id=late.id, user_id=late.applicant_id, score=2, created_at=NOW)])
    db.commit()


def test_rows_per_province_and_per_commune(db_session: Session) -> None:
    _seed(db_session)
    table = indicators.monthly_indicators(db_session, first_month=date(2026, 10, 1), last_month=date(2026, 11, 1),
                                          now=NOW, units=UNITS)
    by_key = {(r.month, r.province_code): r.figures for r in table.rows}
    assert table.months == ["2026-10", "2026-11"]
    hanoi_october, hanoi_november = by_key[("2026-10", "01")], by_key[("2026-11", "01")]
    assert (hanoi_october.received, hanoi_october.received_online) == (3, 2)
    assert (hanoi_november.received, hanoi_november.resolved, hanoi_november.resolved_on_time) == (2, 2, 1)
    assert (hanoi_november.ratings, hanoi_november.ratings_satisfied) == (2, 1)
    assert by_key[("2026-11", "79")].received == 0  # every month of an active province, zeros included

    communes = indicators.monthly_indicators(db_session, first_month=date(2026, 10, 1),
                                             last_month=date(2026, 11, 1), now=NOW, level="commune",
                                             province_code="01", units=UNITS)
    units = {(r.unit, r.commune_code, r.commune_name) for r in communes.rows}
    assert units == {("centre", "", ""), ("commune", "00004", "Phường Ba Đình")}
    # Province rows are the sums of their units' rows.
    summed = indicators.totals(communes.rows, key=lambda r: r.month)
    assert summed["2026-10"].received == hanoi_october.received
    assert summed["2026-11"].resolved_on_time == hanoi_november.resolved_on_time


def test_the_same_figures_as_the_supervisor_dashboard(db_session: Session) -> None:
    _seed(db_session)
    table = indicators.monthly_indicators(db_session, first_month=date(2026, 10, 1), last_month=date(2026, 11, 1),
                                          now=NOW, province_code="01", units=UNITS)
    board = compute_dashboard(db_session, DashboardScope("01"), start=local_day_start(date(2026, 10, 1)),
                              end=local_day_start(date(2026, 12, 1)), now=NOW.astimezone(VIETNAM_TZ),
                              granularity="month")
    for row, bucket in zip(table.rows, board.over_time, strict=True):
        assert bucket.key.startswith(row.month)
        for name in ("received", "received_online", "resolved", "resolved_on_time", "ratings", "ratings_satisfied"):
            assert getattr(row.figures, name) == getattr(bucket.indicators, name), name


def test_csv_and_json_carry_the_same_rows_and_the_licence(db_session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    _seed(db_session)
    client = api_client(monkeypatch)
    params = {"from": "2026-10", "to": "2026-11", "level": "commune"}
    document = client.get("/api/v1/indicators", params=params)
    download = client.get("/api/v1/indicators.csv", params=params)
    assert document.status_code == download.status_code == 200
    assert document.json()["licence"]["id"] == "CC-BY-4.0"
    assert 'rel="license"' in download.headers["link"]
    assert download.headers["content-disposition"].endswith('indicators-commune-2026-10-to-2026-11.csv"')
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert tuple(rows[0]) == indicators.COLUMNS
    for record, row in zip(document.json()["rows"], rows, strict=True):
        for column in indicators.COLUMNS:
            value = record[column]
            assert row[column] == ("" if value is None else str(value)), column


@pytest.mark.parametrize(
    "params",
    [{"from": "2026-13"}, {"from": "2026-11", "to": "2026-10"}, {"from": "2020-01", "to": "2026-01"},
     {"level": "district"}, {"province": "1"}],
)
def test_bad_periods_and_levels_are_refused(engine, monkeypatch: pytest.MonkeyPatch, params: dict[str, str]) -> None:
    assert api_client(monkeypatch).get("/api/v1/indicators.csv", params=params).status_code == 400
