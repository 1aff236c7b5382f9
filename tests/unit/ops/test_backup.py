"""The backup drill: fill, back up, wipe everything, restore; every dossier, file, receipt QR and sign-in still works."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from citizen_app.cli import main
from citizen_app.core import receipts
from citizen_app.core.identity.sessions import check_cookie_header, create_session
from citizen_app.core.identity.users import identity_from_claims, upsert_user
from citizen_app.core.storage import get_storage
from citizen_app.db.base import utcnow
from citizen_app.db.engine import reset_engines, unit_of_work
from citizen_app.db.models.dossiers import Dossier, DossierAttachment
from citizen_app.idp.accounts import ACCOUNTS
from citizen_app.settings import get_settings
from tests.unit.dossiers import helpers

PASSPHRASE = "correct horse battery staple"
SCOPES = {"openid", "profile", "vneid_identity", "phone", "email", "address"}


def _sign_in(username: str) -> tuple[int, str]:
    account = next(a for a in ACCOUNTS if a.username == username)
    with unit_of_work() as db:
        user = upsert_user(db, "https://sandbox.example/idp", identity_from_claims(account.claims_for(SCOPES)), utcnow())
        raw, _ = create_session(db, user, utcnow())
        return user.id, raw


def _snapshot(engine: Engine) -> dict[str, object]:
    with Session(engine) as db:
        dossiers = sorted((d.code or "", d.status, d.applicant_id) for d in db.scalars(select(Dossier)))
        files = sorted((a.stored_name, a.sha256) for a in db.scalars(select(DossierAttachment)))
    return {"dossiers": dossiers, "files": files}


def _wipe(engine: Engine, database_url: str) -> None:
    """Everything gone: the database's tables, every stored file, the keys."""
    engine.dispose()
    reset_engines()
    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    else:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    settings = get_settings()
    shutil.rmtree(settings.attachments_dir, ignore_errors=True)
    shutil.rmtree(settings.keys_dir, ignore_errors=True)


def test_backup_wipe_restore_drill(
    engine: Engine, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Session(engine) as db:
        first, _citizen = helpers.submitted(db)
        second, _other = helpers.submitted(db)
        codes = {d.id: d.code for d in db.scalars(select(Dossier))}
    tokens = {code: receipts.sign_code(code) for code in codes.values() if code}
    assert len(tokens) == 2
    user_id, cookie = _sign_in("an.nguyen")
    before = _snapshot(engine)
    assert len(before["files"]) == 2

    passphrase_file = tmp_path / "passphrase"
    passphrase_file.write_text(PASSPHRASE)
    archive = tmp_path / "backups" / "drill.tar.gz"
    assert main(["backup", "--out", str(archive), "--passphrase-file", str(passphrase_file)]) == 0
    assert "database, 4 files" in capsys.readouterr().out  # two photos and their thumbnails
    assert archive.exists() and oct(archive.stat().st_mode & 0o777) == "0o600"

    # Restoring over live data is refused unless forced; a wrong passphrase touches nothing.
    assert main(["restore", str(archive), "--passphrase-file", str(passphrase_file)]) == 1
    assert "already holds data" in capsys.readouterr().err
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase")
    _wipe(engine, database_url)
    assert main(["restore", str(archive), "--passphrase-file", str(wrong)]) == 1
    assert "wrong passphrase" in capsys.readouterr().err
    assert not get_settings().keys_dir.exists()

    assert main(["restore", str(archive), "--passphrase-file", str(passphrase_file)]) == 0
    assert "restored a" in capsys.readouterr().out

    after = _snapshot(engine)
    assert after == before
    storage = get_storage()
    with Session(engine) as db:
        for attachment in db.scalars(select(DossierAttachment)):
            data = storage.read(f"{attachment.stored_name[:2]}/{attachment.stored_name}")
            assert hashlib.sha256(data).hexdigest() == attachment.sha256
        # The receipt QR tokens issued before the backup still verify (the signing key came back).
        for dossier_id in (first, second):
            code = db.get(Dossier, dossier_id).code
            assert receipts.verify_token(tokens[code]) == code
            assert receipts.verify_receipt(db, tokens[code]).code == code
    # The browser that was signed in before is still signed in, as the same person.
    check = check_cookie_header(f"{get_settings().session_cookie_name}={cookie}")
    assert check.user is not None and check.user.user_id == user_id
    # And signing in again finds the same account rather than making a new one.
    assert _sign_in("an.nguyen")[0] == user_id


def test_a_damaged_archive_is_refused(engine: Engine, tmp_path: Path) -> None:
    import tarfile

    from citizen_app.core.backup import BackupError, backup, restore

    with Session(engine) as db:
        helpers.submitted(db)
    archive = tmp_path / "a.tar.gz"
    backup(archive, PASSPHRASE)
    # Rewrite the archive with one stored file's bytes changed.
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("files/") and not member.name.endswith("thumb.jpg"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            import io

            target.addfile(member, io.BytesIO(data))
    with pytest.raises(BackupError, match="checksum"):
        restore(damaged, PASSPHRASE, force=True)
    with pytest.raises(BackupError, match="passphrase"):
        backup(tmp_path / "b.tar.gz", "")


def test_backup_of_s3_storage_round_trips(engine: Engine, s3_storage, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from citizen_app.core.backup import backup, restore

    with Session(engine) as db:
        helpers.submitted(db)
    keys = sorted(s3_storage.keys())
    assert keys
    archive = tmp_path / "s3.tar.gz"
    assert backup(archive, PASSPHRASE).files == len(keys)
    for key in keys:
        s3_storage.delete(key)
    assert restore(archive, PASSPHRASE, force=True).files == len(keys)
    assert sorted(s3_storage.keys()) == keys
