"""When a dossier was sent and when the agency received it: two different moments.

``Dossier.received_at`` is when the application reached the system (the citizen pressed
Send, or the desk submitted it): the receipt's number and the appointment count from it,
so every screen calls it *sent*. The agency *receives* a dossier later, when an officer
takes the "receive" step (at once for an application typed in at the counter); that moment
is the dossier's first event into ``received``, and until it exists nobody may tell the
citizen "Đã tiếp nhận".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_app.db.models.dossiers import DossierEvent

RECEIVED = "received"


@dataclass(frozen=True)
class Milestones:
    sent_at: datetime | None
    # None until the agency has received the dossier.
    received_at: datetime | None


def received_by_agency(db: Session, dossier_ids: Iterable[int]) -> dict[int, datetime]:
    """dossier id → when the agency received it, for those it has received."""
    ids = sorted(set(dossier_ids))
    if not ids:
        return {}
    rows = db.execute(
        select(DossierEvent.dossier_id, func.min(DossierEvent.at))
        .where(DossierEvent.dossier_id.in_(ids), DossierEvent.to_status == RECEIVED)
        .group_by(DossierEvent.dossier_id)
    )
    return {dossier_id: at for dossier_id, at in rows}


def milestones(db: Session, dossier_id: int, sent_at: datetime | None) -> Milestones:
    return Milestones(sent_at=sent_at, received_at=received_by_agency(db, [dossier_id]).get(dossier_id))


def received_in(events: Iterable[DossierEvent]) -> datetime | None:
    """The same moment from a timeline already loaded (oldest first)."""
    return next((event.at for event in events if event.to_status == RECEIVED), None)
