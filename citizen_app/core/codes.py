"""Dossier codes (Circular 01/2018/TT-VPCP, art. 19) and the per-agency daily sequences behind them.

A code is ``V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX``: the receiving agency's electronic
identifier code (:mod:`citizen_app.core.agencies`), the receipt date in Vietnam
local time, and the agency's sequence number of that day, from 0001.
Example: ``004.00.20.H01-261121-0007``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, cast, func, literal, select, update
from sqlalchemy.orm import Session

from citizen_app.core.agencies import InvalidAgencyCode, parse_agency_code
from citizen_app.core.i18n import VIETNAM_TZ
from citizen_app.db.models.dossiers import Dossier, DossierCodeSequence

MAX_SEQUENCE = 9999
_CODE = re.compile(r"^(?P<agency>\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})-(?P<day>\d{6})-(?P<seq>\d{4})$")


class InvalidDossierCode(ValueError):
    pass


class SequenceExhausted(RuntimeError):
    """An agency received more than 9,999 dossiers in one day: the format has no room for more."""


@dataclass(frozen=True, order=True)
class DossierCode:
    agency_code: str
    day: date
    sequence: int

    def __str__(self) -> str:
        return f"{self.agency_code}-{self.day:%y%m%d}-{self.sequence:04d}"


def format_dossier_code(agency_code: str, day: date, sequence: int) -> str:
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"sequence must be 1..{MAX_SEQUENCE}, got {sequence}")
    parse_agency_code(agency_code)
    return str(DossierCode(agency_code, day, sequence))


def normalize_code_input(raw: str) -> str:
    """What a person typed or a scanner read: spaces dropped, letters upper-cased."""
    return re.sub(r"\s+", "", raw or "").upper()


def parse_dossier_code(raw: str) -> DossierCode:
    text = normalize_code_input(raw)
    match = _CODE.match(text)
    if not match:
        raise InvalidDossierCode(f"not a dossier code of the form 000.00.20.H01-261121-0001: {raw!r}")
    try:
        parse_agency_code(match["agency"])
    except InvalidAgencyCode as problem:
        raise InvalidDossierCode(str(problem)) from problem
    digits = match["day"]
    try:
        day = date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:]))
    except ValueError as problem:
        raise InvalidDossierCode(f"{digits} is not a real date (YYMMDD)") from problem
    sequence = int(match["seq"])
    if sequence < 1:
        raise InvalidDossierCode("sequence numbers start at 0001")
    return DossierCode(match["agency"], day, sequence)


def is_dossier_code(raw: str) -> bool:
    try:
        parse_dossier_code(raw)
    except InvalidDossierCode:
        return False
    return True


def receipt_day(received_at: datetime) -> date:
    """The date in the code: the Vietnam local date of receipt."""
    if received_at.tzinfo is None:
        raise ValueError("naive datetime given")
    return received_at.astimezone(VIETNAM_TZ).date()


def _upsert(db: Session, agency_code: str, day: date):  # type: ignore[no-untyped-def]
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    else:
        raise NotImplementedError(f"no atomic upsert for {dialect}")
    table = DossierCodeSequence.__table__
    return (
        insert(table)
        .values(agency_code=agency_code, day=day, last_value=1)
        .on_conflict_do_update(
            index_elements=[table.c.agency_code, table.c.day],
            set_={"last_value": table.c.last_value + 1},
        )
        .returning(table.c.last_value)
    )


def allocate_sequence(db: Session, agency_code: str, day: date) -> int:
    """The next number of ``agency_code`` on ``day``, in the caller's transaction.

    One atomic upsert: on PostgreSQL the updated row stays locked until the caller
    commits, so concurrent submissions to the same agency and day queue on it and
    each sees the previous one's value; on SQLite the database-wide write lock
    does the same. A rollback returns the number, so the sequence has no gaps.
    """
    value = int(db.execute(_upsert(db, agency_code, day)).scalar_one())
    if value > MAX_SEQUENCE:
        raise SequenceExhausted(f"{agency_code} has given out {MAX_SEQUENCE} codes on {day}")
    return value


def next_dossier_code(db: Session, agency_code: str, received_at: datetime) -> str:
    """Allocate and format the code of a dossier received now by ``agency_code`` (caller's transaction)."""
    day = receipt_day(received_at)
    return format_dossier_code(agency_code, day, allocate_sequence(db, agency_code, day))


def assign_dossier_code(db: Session, dossier_id: int, agency_code: str, received_at: datetime) -> str:
    """Allocate the code and write it on the dossier row, as the *last* statement(s) of the transaction.

    The agency's sequence row stays locked from here until the caller commits, so
    everything else a submission writes should already be flushed: the shorter
    this window, the more submissions per second one agency can take. On
    PostgreSQL the allocation and the update are one statement (a data-modifying
    CTE), saving a round trip inside the lock.
    """
    day = receipt_day(received_at)
    parse_agency_code(agency_code)
    prefix = f"{agency_code}-{day:%y%m%d}-"
    dossiers = Dossier.__table__
    if db.get_bind().dialect.name == "postgresql":
        allocated = _upsert(db, agency_code, day).cte("allocated")
        number = select(allocated.c.last_value).scalar_subquery()
        statement = (
            update(dossiers)
            .where(dossiers.c.id == dossier_id)
            .values(code=literal(prefix) + func.lpad(cast(number, String), 4, "0"))
            .returning(dossiers.c.code, number)
            .add_cte(allocated)
        )
        code, value = db.execute(statement).one()
        if value > MAX_SEQUENCE:
            raise SequenceExhausted(f"{agency_code} has given out {MAX_SEQUENCE} codes on {day}")
        return str(code)
    code = format_dossier_code(agency_code, day, allocate_sequence(db, agency_code, day))
    db.execute(update(dossiers).where(dossiers.c.id == dossier_id).values(code=code))
    return code
