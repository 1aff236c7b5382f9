"""A due date never crashes a submission: past the curated holiday data it is provisional, and says so."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from markupsafe import escape
from sqlalchemy.orm import Session

from citizen_app.core import calendar, dossiers, receipts
from citizen_app.core.dossiers import Actor
from citizen_app.core.i18n import VIETNAM_TZ, get_translator
from citizen_app.db.models.dossiers import Dossier
from citizen_app.web.receipts import receipt_view
from citizen_app.web.templating import render
from tests.unit.dossiers.helpers import draft_with_file, make_user, officer, submit, terms

# Wednesday 29 December 2027, 10:00 in Hà Nội: the day the issue reproduced the crash.
LAST_WEEK_OF_2027 = datetime(2027, 12, 29, 10, 0, tzinfo=VIETNAM_TZ)


def _submit_on(db: Session, now: datetime, days: int) -> Dossier:
    citizen = Actor.citizen(make_user(db))
    procedure = dataclasses.replace(terms(), processing_days={"online": days, "counter": days})
    draft_id = draft_with_file(db, citizen, procedure=procedure)
    result = submit(db, draft_id, citizen, now=now, procedure=procedure)
    db.commit()
    return result.dossier


def test_submitting_on_29_december_2027_succeeds_with_a_provisional_due_date(db_session: Session) -> None:
    dossier = _submit_on(db_session, LAST_WEEK_OF_2027, 3)
    assert dossier.status == "submitted" and dossier.code
    # Thu 30, Fri 31 December; 1/1/2028 is a Saturday, compensated on Monday 3/1; so Tuesday 4 January.
    assert dossier.appointment_at == datetime(2028, 1, 4, 10, 0, tzinfo=VIETNAM_TZ).astimezone(UTC)
    assert dossier.appointment_provisional is True
    db_session.expire_all()
    assert db_session.get(Dossier, dossier.id).appointment_provisional is True  # stored, not just in memory


def test_a_60_working_day_procedure_submitted_then_succeeds_too(db_session: Session) -> None:
    dossier = _submit_on(db_session, LAST_WEEK_OF_2027, 60)
    assert dossier.appointment_provisional is True
    due = dossier.appointment_at.astimezone(VIETNAM_TZ)
    assert due == calendar.add_working_days(LAST_WEEK_OF_2027, 60)
    assert calendar.working_days_between(LAST_WEEK_OF_2027.date(), due.date()) == 60
    # Counted past Tết Mậu Thân (24–28/1/2028), so well into March.
    assert (due.year, due.month) == (2028, 3)


def test_a_due_date_on_decided_holidays_is_not_provisional(db_session: Session) -> None:
    # Monday 16/11/2026 + 3 working days stays in 2026, whose holidays are official.
    dossier = _submit_on(db_session, datetime(2026, 11, 16, 9, 0, tzinfo=VIETNAM_TZ), 3)
    assert dossier.appointment_provisional is False


def test_the_receipt_says_the_date_is_provisional(db_session: Session) -> None:
    dossier = _submit_on(db_session, LAST_WEEK_OF_2027, 3)
    slip = receipts.receipt_for(db_session, dossier.id, Actor.citizen(dossier.applicant_id))
    assert slip.appointment_provisional is True
    for locale, start in (("vi", "Tạm tính"), ("en", "Provisional")):
        view = receipt_view(slip, get_translator(locale))
        assert view.appointment_provisional is True
        page = render(
            "receipts/receipt.html", locale, receipt=view, qr="", paper="a4", base="", other_locale="en",
            other_href="", applications_href="",
        ).body.decode()
        note = get_translator(locale).gettext(calendar.MSG_PROVISIONAL_APPOINTMENT)
        assert note.startswith(start) and 'data-testid="receipt-appointment-provisional"' in page
        assert str(escape(note)) in page


def test_a_date_the_officer_sets_is_no_longer_provisional(db_session: Session) -> None:
    dossier = _submit_on(db_session, LAST_WEEK_OF_2027, 3)
    desk = officer(db_session, commune=dossier.commune_code or "00008")
    dossiers.fire(db_session, dossier.id, "received", desk, now=LAST_WEEK_OF_2027)
    later = datetime(2028, 1, 14, 16, 0, tzinfo=VIETNAM_TZ)
    moved = dossiers.delay(db_session, dossier.id, desk, now=LAST_WEEK_OF_2027, new_appointment=later, apology="Xin lỗi")
    db_session.commit()
    assert moved.appointment_provisional is False
