"""Users, procedures, files and submitted dossiers for the dossier tests."""

from __future__ import annotations

import io
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy.orm import Session

from citizen_app.core import dossiers
from citizen_app.core.dossiers import Actor, ProcedureTerms
from citizen_app.core.i18n import VIETNAM_TZ
from citizen_app.db.models.identity import User
from tests.unit.dossiers.forms_fixtures import communes, complete_answers, form, profile

# Monday 16 November 2026, 09:00 in Hà Nội: a working day, office open.
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=VIETNAM_TZ)
PROVINCES = {"01": "Thành phố Hà Nội", "79": "Thành phố Hồ Chí Minh"}
COMMUNES = {"00004": "Phường Ba Đình", "00008": "Phường Ngọc Hà", "26734": "Phường Sài Gòn"}
NAMES = (PROVINCES.get, COMMUNES.get)


def make_user(
    db: Session,
    *,
    roles: tuple[str, ...] = ("citizen",),
    unit_level: str | None = None,
    unit_code: str | None = None,
) -> int:
    user = User(
        issuer="https://test.invalid",
        subject=uuid.uuid4().hex,
        display_name="Test",
        roles=list(roles),
        unit_level=unit_level,
        unit_code=unit_code,
    )
    db.add(user)
    db.flush()
    return user.id


class Staff:
    """Something shaped like the signed-in staff user that Actor.staff accepts."""

    def __init__(self, user_id: int, roles: tuple[str, ...], unit_level: str, unit_code: str) -> None:
        self.user_id, self.roles, self.unit_level, self.unit_code = user_id, roles, unit_level, unit_code


def officer(db: Session, commune: str = "00008", role: str = "counter_officer") -> Actor:
    user_id = make_user(db, roles=(role,), unit_level="commune", unit_code=commune)
    return Actor.staff(Staff(user_id, (role,), "commune", commune))


def province_officer(db: Session, province: str = "01") -> Actor:
    user_id = make_user(db, roles=("counter_officer",), unit_level="province", unit_code=province)
    return Actor.staff(Staff(user_id, ("counter_officer",), "province", province))


def terms(level: str = "commune", version: int = 1, code: str = "1.004859") -> ProcedureTerms:
    return ProcedureTerms(
        code=code,
        name={"vi": "Đăng ký thường trú", "en": "Permanent residence registration"},
        level=level,
        form=form(version),
        processing_days={"online": 3, "counter": 5},
        fees_vnd={"online": 10_000, "counter": 20_000},
    )


def jpeg(size: tuple[int, int] = (640, 480), color: str = "orange") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def png(size: tuple[int, int] = (300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 255, 128)).save(out, "PNG")
    return out.getvalue()


PDF = (  # the smallest PDF a reader opens: one blank page (pypdf finds the objects without an xref table)
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R/Size 4>>\n"
    b"startxref\n0\n%%EOF\n"
)


def draft_with_file(
    db: Session,
    citizen: Actor,
    *,
    answers: dict[str, Any] | None = None,
    procedure: ProcedureTerms | None = None,
) -> int:
    """A complete draft with its required file, ready to submit."""
    from citizen_app.core import attachments

    procedure = procedure or terms()
    view = dossiers.start_draft(db, citizen, procedure, profile(), now=NOW)
    dossiers.save_draft(
        db, view.dossier_id, citizen, answers or complete_answers(), view.form_version, now=NOW
    )
    attachments.add_attachment(
        db,
        view.dossier_id,
        citizen,
        slot_id="proof_of_residence",
        filename="so-do.jpg",
        data=jpeg(),
        declared_type="image/jpeg",
        slot_max_files=2,
        now=NOW,
    )
    return view.dossier_id


def submit(
    db: Session,
    draft_id: int,
    actor: Actor,
    *,
    key: str | None = None,
    now: datetime = NOW,
    procedure: ProcedureTerms | None = None,
) -> dossiers.SubmissionResult:
    return dossiers.submit(
        db,
        draft_id,
        actor,
        submission_key=key or str(uuid.uuid4()),
        terms=procedure or terms(),
        profile=profile(),
        now=now,
        communes=communes,
        names=NAMES,
    )


def submitted(db: Session, citizen: Actor | None = None) -> tuple[int, Actor]:
    citizen = citizen or Actor.citizen(make_user(db))
    draft_id = draft_with_file(db, citizen)
    result = submit(db, draft_id, citizen)
    db.commit()
    return result.dossier.id, citizen


def stored_files(items: object) -> list[Path]:
    """Where the local storage keeps these attachments' files (and thumbnails)."""
    from citizen_app.core.attachments import files_of
    from citizen_app.core.storage import get_storage

    storage = get_storage()
    return [storage.local_path(key) for key in files_of(items)]  # type: ignore[arg-type,misc]
