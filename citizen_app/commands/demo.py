"""``demo seed``: a few dozen realistic applications, so the counter queue and the dashboard have work to show.

``python -m citizen_app setup`` runs :func:`seed` after migrating. It is idempotent: it does
nothing once its invented applicants exist. The applicants are invented people (issuer
``urn:citizen-app:demo``, who can never sign in), not the sandbox's demo accounts, so no demo
account starts with applications of its own and tests that count a person's applications or
notifications are unaffected. Staff tests must not count a whole queue or dashboard either:
they look for their own dossiers by code, or compare figures before and after.

What it makes, relative to the day it runs: about 40 dossiers received over the last ten
weeks by Phường Ba Đình (mai.ngo's desk), three other Hà Nội wards, the Hà Nội service centre
(tung.phan's province) and the Ho Chi Minh City centre (hai.trinh's), at every status (some
overdue, one delayed with an apology, some rejected or withdrawn), each with its history,
Circular 01/2018 code and appointment from the working-day calendar, and ratings for most of
the finished ones.
"""

from __future__ import annotations

import argparse
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

DEMO_ISSUER = "urn:citizen-app:demo"
SEED = 2026


@dataclass(frozen=True)
class Person:
    name: str
    personal_id: str
    born: date
    sex: str
    phone: str
    commune: str
    province: str
    street: str


# Invented people; ID numbers follow the real structure (place, sex/century, year, serial).
PEOPLE: tuple[Person, ...] = (
    Person("Đặng Thị Hồng", "001186012301", date(1986, 2, 11), "female", "0912000101", "00004", "01", "Số 8 phố Kim Mã"),
    Person("Vũ Văn Nam", "001079012302", date(1979, 9, 3), "male", "0912000102", "00004", "01", "Số 21 phố Liễu Giai"),
    Person("Lê Thị Thu", "001195012303", date(1995, 6, 27), "female", "0912000103", "00008", "01", "Ngõ 10 phố Đội Cấn"),
    Person("Phạm Quốc Huy", "001090012304", date(1990, 12, 5), "male", "0912000104", "00070", "01", "Số 5 phố Hàng Bài"),
    Person("Ngô Minh Châu", "001301012305", date(2001, 4, 14), "female", "0912000105", "00166", "01", "Số 3 phố Trần Thái Tông"),
    Person("Bùi Văn Khoa", "001066012306", date(1966, 8, 30), "male", "0912000106", "00004", "01", "Số 17 phố Đội Cấn"),
    Person("Trần Thị Mỹ", "079188012307", date(1988, 3, 19), "female", "0903000107", "26740", "79", "12 đường Nguyễn Huệ"),
    Person("Hồ Văn Tài", "079075012308", date(1975, 10, 1), "male", "0903000108", "26743", "79", "88 đường Lê Lợi"),
)

# (commune or None for the province centre, province, procedure codes to draw from, how many)
PLACES: tuple[tuple[str | None, str, tuple[str, ...], int], ...] = (
    ("00004", "01", ("1.004222", "1.004194", "1.001193", "1.000894", "1.014063", "1.001612"), 16),
    ("00008", "01", ("1.004194", "1.001193", "1.004873"), 5),
    ("00070", "01", ("1.004222", "1.001612", "1.002755"), 4),
    ("00166", "01", ("1.001193", "1.014064"), 4),
    (None, "01", ("3.000333", "1.001456", "3.000348"), 7),
    (None, "79", ("3.000333", "3.000347", "1.001456"), 5),
)

# The path each dossier has walked so far, with rough weights for a live office.
PATHS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("submitted",), 3),
    (("submitted", "received"), 4),
    (("submitted", "received", "processing"), 5),
    (("submitted", "received", "supplement_requested"), 2),
    (("submitted", "received", "processing", "approved"), 2),
    (("submitted", "received", "processing", "approved", "result_ready"), 3),
    (("submitted", "received", "processing", "approved", "result_ready", "returned"), 9),
    (("submitted", "received", "rejected"), 2),
    (("submitted", "withdrawn"), 1),
)
ACTIONS = {
    "submitted": "submit",
    "received": "receive",
    "processing": "start_processing",
    "supplement_requested": "request_supplement",
    "approved": "approve",
    "result_ready": "result_ready",
    "returned": "return",
    "rejected": "reject",
    "withdrawn": "withdraw",
}
NOTES = {
    "supplement_requested": "Đề nghị bổ sung bản sao giấy tờ chứng minh chỗ ở hợp pháp.",
    "rejected": "Hồ sơ không đủ điều kiện theo quy định: người yêu cầu chưa đủ thời gian cư trú.",
}
APOLOGY = "Cơ quan xin lỗi ông/bà vì chưa trả kết quả đúng hẹn do cần xác minh thêm; hẹn lại ngày trả kết quả."


def register(groups: argparse._SubParsersAction) -> None:
    demo = groups.add_parser("demo", help="demo data for the staff queue and the dashboard")
    commands = demo.add_subparsers(dest="command", required=True)
    commands.add_parser("seed", help="add demo applications (once; idempotent)").set_defaults(
        handler=lambda _args: _seed_command()
    )


def _seed_command() -> int:
    made = seed()
    print(f"demo applications: {made} added" if made else "demo applications: already there")
    return 0


def seed(now: datetime | None = None) -> int:
    """Add the demo dossiers unless they are there already; the number added."""
    from citizen_app.db.engine import unit_of_work

    with unit_of_work() as db:
        return seed_into(db, now or datetime.now(UTC))


def seed_into(db: Session, now: datetime) -> int:
    from citizen_app.db.models.identity import User

    if db.scalar(select(User.id).where(User.issuer == DEMO_ISSUER).limit(1)) is not None:
        return 0
    rng = random.Random(SEED)
    people = _people(db, now)
    made = 0
    for commune, province, procedures, count in PLACES:
        locals_ = [p for p in people if p[1].province == province and (commune is None or p[1].commune == commune)]
        applicants = locals_ or [p for p in people if p[1].province == province]
        for index in range(count):
            procedure = procedures[index % len(procedures)]
            user_id, person = applicants[index % len(applicants)]
            days_ago = rng.randint(0, 70)
            path = _pick(rng, PATHS)
            _dossier(db, rng, now, commune, province, procedure, user_id, person, days_ago, path)
            made += 1
    return made


def _pick(rng: random.Random, weighted: Sequence[tuple[tuple[str, ...], int]]) -> tuple[str, ...]:
    return rng.choices([path for path, _w in weighted], weights=[w for _p, w in weighted])[0]


def _people(db: Session, now: datetime) -> list[tuple[int, Person]]:
    from citizen_app.db.models.identity import User, UserProfile

    made = []
    for number, person in enumerate(PEOPLE, start=1):
        user = User(
            issuer=DEMO_ISSUER,
            subject=f"demo-applicant-{number}",
            display_name=person.name,
            roles=["citizen"],
            assurance_level=2,
            personal_id=person.personal_id,
            full_name=person.name,
            date_of_birth=person.born,
            sex=person.sex,
            permanent_province_code=person.province,
            permanent_commune_code=person.commune,
            permanent_street=person.street,
            created_at=now - timedelta(days=120),
            identity_refreshed_at=now - timedelta(days=120),
        )
        user.profile = UserProfile(phone=person.phone, preferred_locale="vi", notify_email=False, updated_at=now)
        db.add(user)
        db.flush()
        made.append((user.id, person))
    return made


def _names() -> tuple[Callable[[str], str | None], Callable[[str], str | None]]:
    from citizen_app.core import admin_units

    return admin_units.province_name, admin_units.commune_name


def _dossier(
    db: Session,
    rng: random.Random,
    now: datetime,
    commune: str | None,
    province: str,
    procedure_code: str,
    user_id: int,
    person: Person,
    days_ago: int,
    path: tuple[str, ...],
) -> None:
    from citizen_app.core import calendar
    from citizen_app.core.agencies import receiving_agency
    from citizen_app.core.catalog import get_catalog
    from citizen_app.core.codes import assign_dossier_code
    from citizen_app.core.dossiers import ProcedureTerms
    from citizen_app.core.forms import prefill
    from citizen_app.core.identity.profile_view import Address, ProfileView
    from citizen_app.db.models.dossiers import Dossier, DossierEvent

    procedure = get_catalog().get(procedure_code)
    if procedure is None or not procedure.can_apply_online:
        return
    terms = ProcedureTerms.from_procedure(procedure)
    level = "province" if commune is None else "commune"
    agency = receiving_agency(level, province, commune)
    province_name, commune_name = _names()
    channel = "counter" if rng.random() < 0.35 else "online"
    # Office hours, Vietnam time (UTC+7): 08:00–16:30.
    received = (now - timedelta(days=days_ago)).replace(hour=1, minute=0, second=0, microsecond=0) + timedelta(
        minutes=rng.randint(0, 510)
    )
    received = min(received, now - timedelta(minutes=5))
    limit = terms.time_for(channel)
    appointment = calendar.appointment(received, limit.days, limit.unit).at.astimezone(UTC)  # type: ignore[arg-type]
    address = Address(person.province, person.commune, person.street)
    profile = ProfileView(
        personal_id=person.personal_id, full_name=person.name, date_of_birth=person.born, sex=person.sex,  # type: ignore[arg-type]
        place_of_origin=None, permanent_address=address, assurance_level=2, phone=person.phone,
        current_address=address,
    )
    filled = prefill(terms.form, profile)
    unit = agency.name(province_name(province), commune_name(commune) if commune else None)
    dossier = Dossier(
        applicant_id=user_id,
        procedure_code=terms.code,
        procedure_name=dict(terms.name),
        procedure_level=terms.level,
        form_version=terms.form.version,
        status="submitted",
        channel=channel,
        answers=dict(filled.answers),
        locked_values=dict(filled.locked_values),
        provenance=dict(filled.provenance),
        agency_code=agency.code,
        province_code=province,
        commune_code=commune,
        receiving_unit=dict(unit),
        applicant={
            "full_name": person.name,
            "address": ", ".join(x for x in (person.street, commune_name(person.commune) or "",
                                             province_name(person.province) or "") if x),
            "phone": person.phone,
            "email": None,
        },
        applicant_pid_last4=person.personal_id[-4:],
        documents=[],
        processing_days=limit.days,
        processing_day_unit=limit.unit,
        fee_due_vnd=terms.fee_for(channel),
        created_at=received - timedelta(minutes=20),
        last_touched_at=received,
        received_at=received,
        appointment_at=appointment,
        original_appointment_at=appointment,
        status_changed_at=received,
    )
    db.add(dossier)
    db.flush()

    # The steps are spread between receipt and now (and before the appointment, mostly).
    moments = _moments(rng, received, now, appointment, len(path))
    events: list[DossierEvent] = []
    previous = "draft"
    for status, moment in zip(path, moments, strict=True):
        role = "citizen" if status in ("submitted", "withdrawn") and channel == "online" else "counter_officer"
        if status == "withdrawn":
            role = "citizen"
        events.append(
            DossierEvent(
                dossier_id=dossier.id, at=moment, actor_id=user_id if role == "citizen" else None,
                actor_role=role, action=ACTIONS[status], from_status=previous, to_status=status,
                note=NOTES.get(status), details={"demo": True},
            )
        )
        previous = status
    final, last = path[-1], moments[-1]
    dossier.status = final
    dossier.status_changed_at = last
    dossier.last_touched_at = last
    if final in ("result_ready", "returned", "rejected", "withdrawn"):
        # The result-ready moment is when the agency finished; a later hand-over does not count against it.
        dossier.finished_at = moments[path.index("result_ready")] if "result_ready" in path else last
    if final == "rejected":
        dossier.rejection_reason = NOTES["rejected"]
    if final == "supplement_requested":
        slots = [slot.id for slot in terms.form.attachments][:1]
        fields = [] if slots else [f.id for f in terms.form.fields() if f.id not in dossier.locked_values][:1]
        dossier.supplement_request = {
            "fields": fields, "attachments": slots, "message": NOTES["supplement_requested"],
            "requested_at": last.isoformat(), "requested_by": None,
        }
    if final == "processing" and appointment < now and rng.random() < 0.5:
        # An apology and a new date, as the rules require when an office will be late.
        later = calendar.add_working_days(now, 3).astimezone(UTC)
        dossier.appointment_at = later
        events.append(
            DossierEvent(
                dossier_id=dossier.id, at=now - timedelta(hours=1), actor_id=None, actor_role="counter_officer",
                action="delay", from_status=final, to_status=final, note=APOLOGY,
                details={"previous_appointment": appointment.isoformat(), "new_appointment": later.isoformat(),
                         "demo": True},
            )
        )
    db.add_all(events)
    db.flush()
    assign_dossier_code(db, dossier.id, agency.code, received)
    if final in ("returned", "result_ready", "rejected") and rng.random() < 0.8:
        from citizen_app.db.models.tracking import DossierRating

        score = rng.choices([5, 4, 3, 2, 1], weights=[50, 28, 12, 6, 4])[0]
        db.add(DossierRating(dossier_id=dossier.id, user_id=user_id, score=score,
                             comment=None, created_at=min(now, last + timedelta(hours=2))))


def _moments(
    rng: random.Random, received: datetime, now: datetime, appointment: datetime, steps: int
) -> list[datetime]:
    """``steps`` increasing moments from receipt; most finish before the appointment, some after it."""
    horizon = max(received + timedelta(minutes=steps * 10), min(now, appointment + timedelta(days=rng.choice((0, 0, 0, 2)))))
    span = (horizon - received).total_seconds()
    offsets = sorted(rng.uniform(0, span) for _ in range(steps - 1))
    return [received, *(received + timedelta(seconds=o) for o in offsets)]

