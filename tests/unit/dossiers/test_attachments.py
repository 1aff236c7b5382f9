"""Attachments: content checks, limits, random names outside the web root, thumbnails, who may open."""

from __future__ import annotations

import io
import os
import stat
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_app.core import attachments, dossiers
from citizen_app.core.attachments import AttachmentRejected
from citizen_app.core.dossiers import Actor
from citizen_app.core.storage import get_storage
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.dossiers import DossierAttachment
from citizen_app.settings import PROJECT_ROOT, get_settings
from tests.unit.dossiers import helpers
from tests.unit.dossiers.forms_fixtures import profile
from tests.unit.dossiers.helpers import NOW, PDF, jpeg, make_user, officer, png, stored_files, terms


@pytest.fixture
def citizen(db_session: Session) -> Actor:
    return Actor.citizen(make_user(db_session))


@pytest.fixture
def draft(db_session: Session, citizen: Actor) -> int:
    view = dossiers.start_draft(db_session, citizen, terms(), profile(), now=NOW)
    db_session.commit()
    return view.dossier_id


def add(
    db: Session,
    draft_id: int,
    actor: Actor,
    name: str,
    data: bytes,
    *,
    declared: str | None = None,
    slot: str = "proof_of_residence",
    slot_max: int | None = 2,
) -> DossierAttachment:
    return attachments.add_attachment(
        db,
        draft_id,
        actor,
        slot_id=slot,
        filename=name,
        data=data,
        declared_type=declared,
        slot_max_files=slot_max,
        now=NOW,
    )


# --- content checks (no database) -----------------------------------------------------------------


def test_sniffing() -> None:
    assert attachments.sniff(PDF) == "application/pdf"
    assert attachments.sniff(jpeg()) == "image/jpeg"
    assert attachments.sniff(png()) == "image/png"
    assert attachments.sniff(b"GIF89a...") is None
    assert attachments.check_file("Ảnh CCCD.JPG", jpeg(), "image/jpg") == "image/jpeg"
    assert attachments.check_file("scan.pdf", PDF, "application/octet-stream") == "application/pdf"


@pytest.mark.parametrize(
    ("name", "data", "declared", "msgid"),
    [
        ("empty.pdf", b"", None, "The file “{name}” is empty"),
        (
            "photo.jpg",
            PDF,
            None,
            "The file “{name}” is not what its name says: its content is not {expected}",
        ),
        (
            "scan.pdf",
            b"MZ\x90\x00 an executable",
            None,
            "The file “{name}” is not what its name says: its content is not {expected}",
        ),
        (
            "photo.png",
            jpeg(),
            None,
            "The file “{name}” is not what its name says: its content is not {expected}",
        ),
        (
            "photo.jpg",
            jpeg(),
            "image/png",
            "The file “{name}” is not what its name says: its content is not {expected}",
        ),
        ("virus.exe", b"MZ\x90\x00", None, "The file “{name}” must be a PDF, JPEG or PNG"),
        ("anim.gif", b"GIF89a", None, "The file “{name}” must be a PDF, JPEG or PNG"),
        ("noextension", PDF, None, "The file “{name}” must be a PDF, JPEG or PNG"),
        (
            "broken.jpg",
            b"\xff\xd8\xff\xe0" + b"\x00" * 100,
            None,
            "The image “{name}” is damaged or cannot be read",
        ),
    ],
)
def test_refused_files(name: str, data: bytes, declared: str | None, msgid: str) -> None:
    with pytest.raises(AttachmentRejected) as refused:
        attachments.check_file(name, data, declared)
    assert refused.value.message.msgid == msgid


def test_oversized_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_FILE_MB", "1")
    from citizen_app.settings import reset_settings_cache

    reset_settings_cache()
    big = jpeg()
    big = big + b"\x00" * (1024 * 1024 + 1 - len(big))
    with pytest.raises(AttachmentRejected) as refused:
        attachments.check_file("big.jpg", big)
    assert refused.value.message.params == {"name": "big.jpg", "limit": 1}


def test_filenames_are_sanitised() -> None:
    assert attachments.sanitize_filename("../../etc/passwd") == "passwd"
    assert attachments.sanitize_filename("C:\\Users\\An\\giấy tờ.pdf") == "giấy tờ.pdf"
    assert attachments.sanitize_filename('a<b>:"c|?.pdf') == "a_b_c_.pdf"
    assert attachments.sanitize_filename("") == "file"
    assert len(attachments.sanitize_filename("x" * 300 + ".jpeg")) == 120


# --- storage --------------------------------------------------------------------------------------


def test_stored_with_a_random_name_outside_the_web_root(
    db_session: Session, citizen: Actor, draft: int
) -> None:
    item = add(db_session, draft, citizen, "../Sổ hộ khẩu.JPG", jpeg((1200, 900)), declared="image/jpeg")
    db_session.commit()
    settings = get_settings()
    path = stored_files([item])[0]
    assert path.is_relative_to(settings.attachments_dir)
    assert not path.is_relative_to(PROJECT_ROOT / "assets") and not path.is_relative_to(PROJECT_ROOT / ".web")
    assert item.original_name == "Sổ hộ khẩu.JPG"
    assert "Sổ" not in item.stored_name and len(item.stored_name) == 32 and "." not in item.stored_name
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert item.sha256 == __import__("hashlib").sha256(path.read_bytes()).hexdigest()
    assert (item.content_type, item.stage, item.uploaded_by) == ("image/jpeg", "draft", citizen.user_id)
    with Image.open(stored_files([item])[1]) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == 256
    assert attachments.icon_for(item) == "thumbnail"


def test_png_with_transparency_gets_a_thumbnail_and_pdf_an_icon(
    db_session: Session, citizen: Actor, draft: int
) -> None:
    image = add(db_session, draft, citizen, "a.png", png())
    document = add(db_session, draft, citizen, "b.pdf", PDF)
    assert image.thumbnail_name and document.thumbnail_name is None
    assert attachments.icon_for(document) == "pdf"


def test_limits(db_session: Session, citizen: Actor, draft: int, monkeypatch: pytest.MonkeyPatch) -> None:
    add(db_session, draft, citizen, "1.jpg", jpeg())
    add(db_session, draft, citizen, "2.jpg", jpeg())
    with pytest.raises(AttachmentRejected) as slot_full:
        add(db_session, draft, citizen, "3.jpg", jpeg())
    assert slot_full.value.message.params == {"count": 2}
    with pytest.raises(AttachmentRejected) as unknown:
        add(db_session, draft, citizen, "x.jpg", jpeg(), slot="passport", slot_max=None)
    assert unknown.value.message.msgid == "This document is not part of the form"

    monkeypatch.setenv("MAX_FILES_PER_DOSSIER", "3")
    from citizen_app.settings import reset_settings_cache

    reset_settings_cache()
    add(db_session, draft, citizen, "4.pdf", PDF, slot="other_documents", slot_max=3)
    with pytest.raises(AttachmentRejected) as too_many:
        add(db_session, draft, citizen, "5.pdf", PDF, slot="other_documents", slot_max=3)
    assert too_many.value.message.params == {"count": 3}

    monkeypatch.setenv("MAX_FILES_PER_DOSSIER", "20")
    monkeypatch.setenv("MAX_DOSSIER_MB", "1")
    reset_settings_cache()
    noisy = Image.effect_noise((1200, 1200), 100).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "JPEG", quality=100)
    with pytest.raises(AttachmentRejected) as dossier_full:
        add(db_session, draft, citizen, "big.jpg", out.getvalue(), slot="other_documents", slot_max=3)
    assert dossier_full.value.message.params == {"limit": 1}


def test_a_refused_file_leaves_nothing_behind(db_session: Session, citizen: Actor, draft: int) -> None:
    with pytest.raises(AttachmentRejected):
        add(db_session, draft, citizen, "fake.jpg", PDF)
    db_session.rollback()
    assert db_session.scalar(select(func.count(DossierAttachment.id))) == 0
    files_dir = get_settings().attachments_dir
    assert not files_dir.exists() or not any(p.is_file() for p in files_dir.rglob("*"))


def test_a_rolled_back_upload_deletes_its_file(db_session: Session, citizen: Actor, draft: int) -> None:
    item = add(db_session, draft, citizen, "a.jpg", jpeg())
    paths = stored_files([item])
    assert all(p.exists() for p in paths)
    db_session.rollback()
    assert not any(p.exists() for p in paths)


def test_a_session_closed_without_commit_deletes_its_file(engine, citizen: Actor, draft: int) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as other:
        item = add(other, draft, citizen, "a.jpg", jpeg())
        paths = stored_files([item])
        assert all(p.exists() for p in paths)
    assert not any(p.exists() for p in paths)


def test_remove_from_a_draft(db_session: Session, citizen: Actor, draft: int) -> None:
    item = add(db_session, draft, citizen, "a.jpg", jpeg())
    db_session.commit()
    paths = stored_files([item])
    attachments.remove_attachment(db_session, item.id, citizen, now=NOW)
    db_session.commit()
    assert not any(p.exists() for p in paths)


def test_a_removal_inside_a_released_savepoint_waits_for_the_real_commit(
    db_session: Session, citizen: Actor, draft: int
) -> None:
    item = add(db_session, draft, citizen, "a.jpg", jpeg())
    db_session.commit()
    paths = stored_files([item])
    with db_session.begin_nested():
        attachments.remove_attachment(db_session, item.id, citizen, now=NOW)
    assert all(p.exists() for p in paths)  # a released SAVEPOINT is not a commit
    db_session.rollback()
    assert all(p.exists() for p in paths)


def test_files_are_frozen_after_submission(db_session: Session) -> None:
    dossier_id, citizen = helpers.submitted(db_session)
    item = db_session.scalars(select(DossierAttachment)).one()
    with pytest.raises(dossiers.InvalidTransition):
        attachments.remove_attachment(db_session, item.id, citizen, now=NOW)
    with pytest.raises(dossiers.InvalidTransition):
        add(db_session, dossier_id, citizen, "late.jpg", jpeg())


# --- who may open a file --------------------------------------------------------------------------


def test_open_by_owner_and_agency_staff_only(db_session: Session) -> None:
    _dossier_id, citizen = helpers.submitted(db_session)
    item = db_session.scalars(select(DossierAttachment)).one()
    download = attachments.open_attachment(db_session, item.id, citizen)
    assert get_storage().read(download.key)[:3] == b"\xff\xd8\xff"
    assert (download.filename, download.content_type) == ("so-do.jpg", "image/jpeg")
    assert (
        attachments.open_attachment(db_session, item.id, citizen, thumbnail=True).content_type == "image/jpeg"
    )
    desk = officer(db_session, "00008")
    assert attachments.open_attachment(db_session, item.id, desk).sha256 == item.sha256

    stranger = Actor.citizen(make_user(db_session))
    elsewhere = officer(db_session, "00004")
    db_session.commit()
    for intruder in (stranger, elsewhere):
        with pytest.raises(dossiers.AccessDenied):
            attachments.open_attachment(db_session, item.id, intruder)
    denied = db_session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
    assert [(e.action, e.actor_id) for e in denied] == [
        ("attachment.open", str(stranger.user_id)),
        ("attachment.open", str(elsewhere.user_id)),
    ]


def test_a_draft_is_private_even_from_staff(db_session: Session, citizen: Actor, draft: int) -> None:
    item = add(db_session, draft, citizen, "a.jpg", jpeg())
    desk = officer(db_session, "00008")
    db_session.commit()
    with pytest.raises(dossiers.AccessDenied):
        attachments.open_attachment(db_session, item.id, desk)


def test_result_document(db_session: Session) -> None:
    dossier_id, citizen = helpers.submitted(db_session)
    desk = officer(db_session)
    for target in ("received", "processing", "approved"):
        dossiers.fire(db_session, dossier_id, target, desk, now=NOW)
    with pytest.raises(dossiers.InvalidTransition):
        attachments.add_attachment(
            db_session, dossier_id, citizen, slot_id="result", filename="kq.pdf", data=PDF, now=NOW
        )
    result = attachments.add_attachment(
        db_session, dossier_id, desk, slot_id="result", filename="kq.pdf", data=PDF, now=NOW
    )
    db_session.commit()
    assert result.stage == "result"
    with pytest.raises(dossiers.AccessDenied):
        attachments.open_attachment(db_session, result.id, citizen)  # not ready yet
    dossiers.fire(db_session, dossier_id, "result_ready", desk, now=NOW + timedelta(hours=1))
    db_session.commit()
    assert attachments.open_attachment(db_session, result.id, citizen).filename == "kq.pdf"
