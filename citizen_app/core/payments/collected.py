"""Fees collected, per day and per payment method, for the supervisor's dashboard (issue 11)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, cast, func, select
from sqlalchemy.orm import Session

from citizen_app.core.dashboard import supervisor_scope
from citizen_app.core.dossiers.access import Actor
from citizen_app.db.models.dossiers import Dossier
from citizen_app.db.models.payments import Payment


@dataclass(frozen=True)
class Collected:
    day: date  # Vietnam local date of the credit
    method: str  # the provider key: vnpay, vietqr, cash, card_terminal
    payments: int
    amount_vnd: int


def _local_day(db: Session):  # type: ignore[no-untyped-def]
    if db.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("Asia/Ho_Chi_Minh", Payment.settled_at), Date)
    return func.date(Payment.settled_at, "+7 hours")


def collected(
    db: Session, actor: Actor, *, start: datetime, end: datetime,
    province_of: Callable[[str], str | None] | None = None,
) -> list[Collected]:
    """Payments credited in [start, end) in the supervisor's area, newest day first (others refused, audited)."""
    scope = supervisor_scope(db, actor, province_of)
    day = _local_day(db).label("day")
    rows = db.execute(
        select(day, Payment.provider, func.count(), func.sum(Payment.amount_vnd))
        .join(Dossier, Dossier.id == Payment.dossier_id)
        .where(scope.condition(), Payment.status == "paid", Payment.settled_at >= start, Payment.settled_at < end)
        .group_by(day, Payment.provider)
        .order_by(day.desc(), Payment.provider)
    ).all()
    return [
        Collected(r[0] if isinstance(r[0], date) else date.fromisoformat(str(r[0])), str(r[1]), int(r[2]), int(r[3]))
        for r in rows
    ]
