"""The S3 backend against a real S3 server (SeaweedFS run locally): files shared by every machine, never public."""

from __future__ import annotations

import hashlib
import time

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from starlette.testclient import TestClient

from citizen_app.core import attachments, dossiers
from citizen_app.core.dossiers import Actor
from citizen_app.core.storage import FileMissing, get_storage
from citizen_app.core.storage.s3 import S3Storage
from citizen_app.db.models.dossiers import DossierAttachment
from citizen_app.settings import get_settings, reset_settings_cache
from citizen_app.web.downloads import send_download
from tests.unit.dossiers import helpers
from tests.unit.dossiers.forms_fixtures import profile
from tests.unit.dossiers.helpers import NOW, PDF, jpeg, make_user, terms


def test_objects_round_trip_and_stream_in_pieces(s3_storage: S3Storage) -> None:
    data = bytes(range(256)) * 1000  # 256 kB: several pieces
    s3_storage.put("ab/ab0001", data)
    s3_storage.put("cd/cd0002", b"second")
    assert s3_storage.read("ab/ab0001") == data
    pieces = list(s3_storage.chunks("ab/ab0001", size=64 * 1024))
    assert len(pieces) >= 4 and b"".join(pieces) == data
    assert (s3_storage.size("ab/ab0001"), s3_storage.exists("cd/cd0002")) == (len(data), True)
    assert sorted(s3_storage.keys()) == ["ab/ab0001", "cd/cd0002"]
    s3_storage.delete("cd/cd0002")
    s3_storage.delete("cd/cd0002")  # deleting twice is not an error
    assert not s3_storage.exists("cd/cd0002")
    with pytest.raises(FileMissing):
        s3_storage.read("cd/cd0002")
    s3_storage.check()


def test_a_second_machine_sees_the_same_files(s3_storage: S3Storage) -> None:
    settings = get_settings()
    other_machine = S3Storage(
        prefix=settings.s3_prefix,
        bucket=settings.s3_bucket,
        endpoint_url=settings.s3_endpoint_url,
        region=settings.s3_region,
        access_key_id=settings.s3_access_key_id,
        secret_access_key=settings.s3_secret_access_key,
    )
    s3_storage.put("ef/ef0003", b"written on machine A")
    assert other_machine.read("ef/ef0003") == b"written on machine A"


def test_the_bucket_is_never_public_and_signed_links_are_short_lived(
    s3_storage: S3Storage, seaweed  # type: ignore[no-untyped-def]
) -> None:
    s3_storage.put("aa/aa0004", PDF)
    settings = get_settings()
    bucket, prefix = settings.s3_bucket, settings.s3_prefix
    assert httpx.get(f"{seaweed.endpoint}/{bucket}/{prefix}/aa/aa0004").status_code == 403  # unsigned: refused
    assert httpx.get(f"{seaweed.endpoint}/{bucket}?list-type=2").status_code == 403  # no listing either
    url = s3_storage.presigned_url(
        "aa/aa0004", filename="Giấy tờ.pdf", content_type="application/pdf", inline=False, seconds=2
    )
    assert url is not None
    fetched = httpx.get(url)
    assert fetched.status_code == 200 and fetched.content == PDF
    assert "attachment" in fetched.headers["content-disposition"]
    # The signature names one object: it opens nothing else.
    s3_storage.put("aa/aa0005", b"another citizen's file")
    assert httpx.get(url.replace("aa0004", "aa0005")).status_code == 403
    time.sleep(3)
    assert httpx.get(url).status_code == 403  # expired


@pytest.fixture
def citizen(db_session: Session) -> Actor:
    return Actor.citizen(make_user(db_session))


def test_attachments_live_in_the_bucket_and_follow_the_transaction(
    db_session: Session, citizen: Actor, s3_storage: S3Storage
) -> None:
    draft = dossiers.start_draft(db_session, citizen, terms(), profile(), now=NOW).dossier_id
    db_session.commit()
    image = jpeg((800, 600))
    item = attachments.add_attachment(
        db_session, draft, citizen, slot_id="proof_of_residence", filename="so-do.jpg", data=image,
        slot_max_files=2, now=NOW,
    )
    keys = attachments.files_of([item])
    assert len(keys) == 2 and all(s3_storage.exists(key) for key in keys)  # the file and its thumbnail
    db_session.rollback()
    assert not any(s3_storage.exists(key) for key in keys)  # a rolled-back upload leaves nothing

    item = attachments.add_attachment(
        db_session, draft, citizen, slot_id="proof_of_residence", filename="so-do.jpg", data=image,
        slot_max_files=2, now=NOW,
    )
    db_session.commit()
    download = attachments.open_attachment(db_session, item.id, citizen)
    assert hashlib.sha256(s3_storage.read(download.key)).hexdigest() == item.sha256 == download.sha256
    assert download.size_bytes == len(attachments.reencode_image(image, "image/jpeg"))  # stored re-encoded
    keys = attachments.files_of([item])
    dossiers.discard_draft(db_session, draft, citizen)
    assert all(s3_storage.exists(key) for key in keys)  # not before the commit
    db_session.commit()
    assert not any(s3_storage.exists(key) for key in keys)


def _serve(download: attachments.Download, *, inline: bool = True) -> TestClient:
    def route(_request: Request):  # type: ignore[no-untyped-def]
        return send_download(download, inline=inline)

    return TestClient(Starlette(routes=[Route("/file", route)]))


def test_downloads_are_streamed_through_the_app_by_default(db_session: Session, s3_storage: S3Storage) -> None:
    _dossier_id, citizen = helpers.submitted(db_session)
    item = db_session.scalars(select(DossierAttachment)).one()
    download = attachments.open_attachment(db_session, item.id, citizen)
    response = _serve(download, inline=False).get("/file", follow_redirects=False)
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == item.sha256
    assert response.headers["content-length"] == str(download.size_bytes)
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["content-type"] == "image/jpeg"


def test_presigned_mode_redirects_to_a_link_for_that_file_only(
    db_session: Session, s3_storage: S3Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FILE_DOWNLOADS", "presigned")
    monkeypatch.setenv("PRESIGNED_URL_SECONDS", "30")
    reset_settings_cache()
    _dossier_id, citizen = helpers.submitted(db_session)
    item = db_session.scalars(select(DossierAttachment)).one()
    download = attachments.open_attachment(db_session, item.id, citizen)
    response = _serve(download).get("/file", follow_redirects=False)
    assert response.status_code == 303
    link = response.headers["location"]
    assert link.startswith(get_settings().s3_endpoint_url) and "X-Amz-Expires=30" in link
    fetched = httpx.get(link)
    assert fetched.status_code == 200 and hashlib.sha256(fetched.content).hexdigest() == item.sha256


def test_settings_refuse_half_configured_storage() -> None:
    from citizen_app.settings import load_settings

    with pytest.raises(ValueError, match="S3_BUCKET"):
        load_settings({"STORAGE_BACKEND": "s3"})
    with pytest.raises(ValueError, match="presigned"):
        load_settings({"FILE_DOWNLOADS": "presigned"})
    with pytest.raises(ValueError, match="STORAGE_BACKEND"):
        load_settings({"STORAGE_BACKEND": "ftp"})
    assert get_storage(load_settings({"DATA_DIR": "/tmp/x"})).name == "local"
