"""One consistent archive of everything the app keeps, and the way back from it.

``python -m citizen_app backup --out FILE`` writes a gzipped tar:

* ``manifest.json``: when, which database kind, the schema revision, and every stored file's
  key, size and SHA-256;
* ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the app runs) or
  ``database.pgdump`` (``pg_dump --format=custom``: one snapshot);
* ``files/<key>``: every object of the file storage (local directory or S3 bucket), copied
  after the database so every file the dump names exists (a file deleted in between, by a
  purge, is listed as ``missing`` in the manifest and was about to go anyway);
* ``keys.enc`` + ``keys.json``: ``DATA_DIR/keys`` (receipt QR signing key) and the sandbox
  provider's keys, as a tar encrypted with AES-256-GCM under a key derived from the operator's
  passphrase with scrypt. The rest of the archive holds personal data too: keep it on
  encrypted media (docs/operations.md).

``python -m citizen_app restore FILE`` checks the passphrase first (nothing is touched when it
is wrong), then rebuilds the database, the files (each checked against its SHA-256) and the
keys, and migrates to the current schema.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from sqlalchemy import inspect, make_url, text

from citizen_app.core.storage import Storage, get_storage
from citizen_app.settings import Settings, get_settings

FORMAT = 1
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
KEY_DIRS = ("keys", "idp/keys")  # under DATA_DIR


class BackupError(RuntimeError):
    """The archive cannot be written or used; the message says why (no secret in it)."""


@dataclass
class BackupReport:
    path: Path
    database: str
    files: int
    missing: list[str] = field(default_factory=list)


@dataclass
class RestoreReport:
    database: str
    files: int
    keys: int


# --- passphrase encryption ------------------------------------------------------------------------------


def _derive(passphrase: str, salt: bytes, params: dict[str, int]) -> bytes:
    if not passphrase:
        raise BackupError("a passphrase is needed (BACKUP_PASSPHRASE or --passphrase-file)")
    return Scrypt(salt=salt, length=32, **params).derive(passphrase.encode())


def encrypt(data: bytes, passphrase: str) -> tuple[bytes, dict[str, Any]]:
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_derive(passphrase, salt, SCRYPT)).encrypt(nonce, data, b"citizen-app-keys")
    header = {
        "cipher": "AES-256-GCM",
        "kdf": "scrypt",
        **SCRYPT,
        "salt": base64.b64encode(salt).decode(),
        "nonce": base64.b64encode(nonce).decode(),
    }
    return sealed, header


def decrypt(sealed: bytes, header: dict[str, Any], passphrase: str) -> bytes:
    params = {name: int(header[name]) for name in ("n", "r", "p")}
    key = _derive(passphrase, base64.b64decode(header["salt"]), params)
    try:
        return AESGCM(key).decrypt(base64.b64decode(header["nonce"]), sealed, b"citizen-app-keys")
    except InvalidTag:
        raise BackupError("wrong passphrase, or the archive's keys were altered") from None


# --- database --------------------------------------------------------------------------------------------


def _kind(url: str) -> str:
    if url.startswith("sqlite"):
        return "sqlite"
    if url.startswith("postgresql"):
        return "postgresql"
    raise BackupError(f"unsupported database for backups: {make_url(url).drivername}")


def _libpq_url(url: str) -> str:
    """pg_dump/pg_restore take a libpq URL: no SQLAlchemy driver suffix."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _dump_database(url: str, into: Path) -> Path:
    if _kind(url) == "sqlite":
        target = into / "database.sqlite3"
        source = sqlite3.connect(_sqlite_path(url))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # the online backup API: a consistent copy while writers go on
        finally:
            copy.close()
            source.close()
        return target
    target = into / "database.pgdump"
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", _libpq_url(url)])
    return target


def _run(command: list[str]) -> None:
    tool = command[0]
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed (Debian: postgresql-client)")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        # The URL may carry a password: name the tool and its own message only.
        raise BackupError(f"{tool} failed: {result.stderr.strip()[-500:]}")


def _schema_revision(url: str) -> str | None:
    from citizen_app.db.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if "alembic_version" not in inspect(connection).get_table_names():
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


# --- backup ----------------------------------------------------------------------------------------------


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def _keys_bundle(data_dir: Path) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    count = 0
    with tarfile.open(fileobj=buffer, mode="w") as bundle:
        for relative in KEY_DIRS:
            directory = data_dir / relative
            if not directory.is_dir():
                continue
            for path in sorted(directory.rglob("*")):
                if path.is_file():
                    bundle.add(path, arcname=path.relative_to(data_dir).as_posix())
                    count += 1
    return buffer.getvalue(), count


def backup(out: Path, passphrase: str, *, settings: Settings | None = None) -> BackupReport:
    """Write the archive to ``out`` (written beside it first, then moved into place)."""
    settings = settings or get_settings()
    _derive(passphrase, b"0" * 16, {"n": 2, "r": 1, "p": 1})  # fail early on an empty passphrase
    url = settings.database_url
    storage = get_storage(settings)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    missing: list[str] = []
    with tempfile.TemporaryDirectory(prefix="citizen-backup-") as scratch:
        dump = _dump_database(url, Path(scratch))  # first: every file it names exists below
        files: list[dict[str, Any]] = []
        keys, key_count = _keys_bundle(settings.data_dir)
        sealed, header = encrypt(keys, passphrase)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as stream, tarfile.open(fileobj=stream, mode="w:gz") as archive:
            archive.add(dump, arcname=dump.name)
            for key in sorted(storage.keys()):
                try:
                    data = storage.read(key)
                except LookupError:
                    missing.append(key)
                    continue
                _add_bytes(archive, f"files/{key}", data)
                files.append({"key": key, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
            _add_bytes(archive, "keys.enc", sealed)
            _add_bytes(archive, "keys.json", json.dumps({**header, "files": key_count}).encode())
            manifest = {
                "format": FORMAT,
                "created_at": datetime.now(UTC).isoformat(),
                "database": _kind(url),
                "database_file": dump.name,
                "schema_revision": _schema_revision(url),
                "storage": storage.name,
                "files": files,
                "missing": missing,
            }
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
    os.replace(partial, out)
    return BackupReport(path=out, database=_kind(url), files=len(files), missing=missing)


# --- restore ---------------------------------------------------------------------------------------------


def _member(archive: tarfile.TarFile, name: str) -> bytes:
    try:
        extracted = archive.extractfile(name)
    except KeyError:
        raise BackupError(f"not a backup of this app: {name} is missing") from None
    if extracted is None:
        raise BackupError(f"not a backup of this app: {name} is not a file")
    return extracted.read()


def _database_is_empty(url: str) -> bool:
    from citizen_app.db.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
            if "dossiers" not in tables:
                return True
            return not connection.execute(text("SELECT 1 FROM users LIMIT 1")).first()
    finally:
        engine.dispose()


def _restore_database(url: str, kind: str, dump: bytes) -> None:
    from citizen_app.db.engine import reset_engines

    if _kind(url) != kind:
        raise BackupError(f"the archive holds a {kind} database; DATABASE_URL is {_kind(url)}")
    reset_engines()  # no pooled connection may keep the old database open
    if kind == "sqlite":
        path = _sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        staged = path.with_name(path.name + ".restoring")
        staged.write_bytes(dump)
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        os.replace(staged, path)
        return
    with tempfile.NamedTemporaryFile(suffix=".pgdump") as staged:
        staged.write(dump)
        staged.flush()
        _run(
            [
                "pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                f"--dbname={_libpq_url(url)}", staged.name,
            ]
        )


def _restore_keys(bundle: bytes, data_dir: Path) -> int:
    count = 0
    with tarfile.open(fileobj=io.BytesIO(bundle), mode="r") as keys:
        for member in keys.getmembers():
            target = (data_dir / member.name).resolve()
            if not member.isfile() or not target.is_relative_to(data_dir.resolve()):
                continue
            extracted = keys.extractfile(member)
            if extracted is None:
                continue
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(extracted.read())
            count += 1
    return count


def _restore_files(archive: tarfile.TarFile, files: list[dict[str, Any]], storage: Storage) -> int:
    for item in files:
        data = _member(archive, f"files/{item['key']}")
        if hashlib.sha256(data).hexdigest() != item["sha256"]:
            raise BackupError(f"stored file {item['key']} does not match its checksum: the archive is damaged")
        storage.put(item["key"], data)
    return len(files)


def restore(archive_path: Path, passphrase: str, *, force: bool = False, settings: Settings | None = None) -> RestoreReport:
    """Rebuild database, files and keys from the archive; refuses a database in use unless ``force``."""
    from citizen_app.db import migrate

    settings = settings or get_settings()
    with tarfile.open(archive_path, mode="r:gz") as archive:
        manifest = json.loads(_member(archive, "manifest.json"))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"archive format {manifest.get('format')} is not {FORMAT}")
        keys = decrypt(_member(archive, "keys.enc"), json.loads(_member(archive, "keys.json")), passphrase)
        if not force and not _database_is_empty(settings.database_url):
            raise BackupError("the database already holds data: restore into an empty one, or pass --force")
        _restore_database(settings.database_url, manifest["database"], _member(archive, manifest["database_file"]))
        files = _restore_files(archive, manifest["files"], get_storage(settings))
    key_count = _restore_keys(keys, settings.data_dir)
    migrate.upgrade(settings.database_url)  # an older archive comes up to the current schema
    return RestoreReport(database=manifest["database"], files=files, keys=key_count)
