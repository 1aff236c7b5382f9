"""A mother, a relative, the sandbox registries answered in memory, and a sent linked application."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from citizen_app.core import dossiers
from citizen_app.core.dossiers import Actor, chain
from citizen_app.core.dossiers.linked import submit_group
from citizen_app.core.identity.profile_view import Address, ProfileView
from citizen_app.core.life_events.groups import LinkedGroup, linked_group
from citizen_app.core.registries import use_transport
from citizen_app.idp.accounts import ACCOUNTS
from citizen_app.registry_sandbox import records
from tests.unit.dossiers.forms_fixtures import communes
from tests.unit.dossiers.helpers import NAMES, NOW, Staff, make_user

TABLES = {
    "/population/people": records.population,
    "/civil-status/marriages": records.marriages,
    "/social-insurance/people": records.insurance,
}


def sandbox_transport(path: str, timeout: float) -> tuple[int, Any]:
    prefix, person = path.rsplit("/", 1)
    found = TABLES[prefix]().get(person)
    return (200, found) if found is not None else (404, None)


@contextmanager
def registries(transport: Any = sandbox_transport) -> Iterator[None]:
    use_transport(transport)
    try:
        yield
    finally:
        use_transport(None)


def profile_of(username: str) -> ProfileView:
    account = next(a for a in ACCOUNTS if a.username == username)
    home = account.permanent_address
    return ProfileView(
        personal_id=account.personal_id,
        full_name=account.name,
        date_of_birth=account.birthdate,
        sex=account.gender,  # type: ignore[arg-type]
        place_of_origin=account.place_of_origin,
        permanent_address=Address(home.province_code, home.commune_code, home.street),
        assurance_level=account.level,
        phone=account.phone,
        email=account.email,
    )


def staff(db: Session, level: str, code: str) -> Actor:
    user_id = make_user(db, roles=("counter_officer",), unit_level=level, unit_code=code)
    return Actor.staff(Staff(user_id, ("counter_officer",), level, code))


def province_of(code: str) -> str | None:
    return {"00004": "01", "00008": "01", "26734": "79"}.get(code)


BABY = {
    "child_full_name": "Nguyễn Minh Khang",
    "child_sex": "male",
    "child_birth_date": "2026-11-10",
    "place_of_birth": "Bệnh viện Phụ sản Hà Nội",
    "ethnicity": "Kinh",
    "medical_certificate": "electronic",
    "delivery": "counter",
    "declaration": True,
}
DEATH = {
    "relationship": "spouse",
    "deceased_personal_id": records.DECEASED_ID,
    "death_date": "2026-11-12",
    "place_of_death": "Bệnh viện Bạch Mai",
    "death_notice": "electronic",
    "benefit": "funeral",
    "delivery": "counter",
    "declaration": True,
}


def fill(
    db: Session, group: LinkedGroup, citizen: Actor, profile: ProfileView, *steps: Mapping[str, Any], now: datetime = NOW
) -> int:
    """Start the group's draft and answer it page by page (each page reopens the draft, as the flow does)."""
    terms = chain.group_terms(group)
    view = dossiers.start_draft(db, citizen, terms, profile, now=now, communes=communes)
    for answers in steps:
        dossiers.save_draft(db, view.dossier_id, citizen, dict(answers), view.form_version, now=now)
        dossiers.resume_draft(db, view.dossier_id, citizen, terms, profile, now=now, communes=communes)
    return view.dossier_id


def send(db: Session, draft_id: int, group: LinkedGroup, citizen: Actor, profile: ProfileView, now: datetime = NOW):
    return submit_group(
        db, draft_id, citizen, group, chain.group_terms(group), profile,
        submission_key=str(uuid.uuid4()), now=now, communes=communes, names=NAMES,
    )


def birth_group() -> LinkedGroup:
    group = linked_group("birth")
    assert group is not None
    return group


def death_group() -> LinkedGroup:
    group = linked_group("death")
    assert group is not None
    return group


def today() -> date:
    return NOW.date()
