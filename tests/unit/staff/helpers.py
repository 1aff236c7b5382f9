"""Dossiers placed directly in the database, at any status and time, for queue and dashboard tests.

Lifecycle rules are exercised through the core elsewhere (tests/unit/dossiers); here the point is
where a dossier sits (agency, province, commune), when, and in what state.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from citizen_app.core.agencies import commune_committee, province_centre
from citizen_app.db.models.dossiers import Dossier
from tests.unit.dossiers.helpers import NOW, make_user

_numbers = itertools.count(1)
PROVINCE_OF = {"00004": "01", "00008": "01", "00070": "01", "26734": "79", "26740": "79"}


def province_of(commune: str) -> str | None:
    return PROVINCE_OF.get(commune)


def place(
    db: Session,
    *,
    commune: str | None = "00004",
    province: str = "01",
    status: str = "received",
    channel: str = "online",
    procedure: str = "1.004222",
    received: datetime = NOW,
    appointment: datetime | None = None,
    original_appointment: datetime | None = None,
    finished: datetime | None = None,
    applicant_id: int | None = None,
    name: str = "Nguyễn Văn An",
) -> Dossier:
    """A submitted dossier received by a commune (``commune``) or by the province centre (``commune=None``)."""
    agency = commune_committee(province, commune) if commune else province_centre(province)
    number = next(_numbers)
    appointment = appointment or received + timedelta(days=5)
    dossier = Dossier(
        applicant_id=applicant_id or make_user(db),
        procedure_code=procedure,
        procedure_name={"vi": f"Thủ tục {procedure}", "en": f"Procedure {procedure}"},
        procedure_level="commune" if commune else "province",
        form_version=1,
        status=status,
        channel=channel,
        code=f"{agency.code}-{received:%y%m%d}-{number:04d}",
        agency_code=agency.code,
        province_code=province,
        commune_code=commune,
        applicant={"full_name": name, "phone": "0912345678"},
        applicant_pid_last4="2345",
        received_at=received,
        appointment_at=appointment,
        original_appointment_at=original_appointment or appointment,
        finished_at=finished,
        status_changed_at=received,
        created_at=received,
        last_touched_at=received,
    )
    db.add(dossier)
    db.flush()
    return dossier


def rows(items: Any) -> list[str]:
    return [row.code for row in items]
