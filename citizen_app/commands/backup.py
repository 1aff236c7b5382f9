"""``backup`` and ``restore``: one consistent archive of the database, the files and the keys (core/backup.py).

    python -m citizen_app backup --out /backups/citizen-2025-07-01.tar.gz
    python -m citizen_app restore /backups/citizen-2025-07-01.tar.gz [--force]

The passphrase that encrypts the signing keys comes from ``--passphrase-file``, else
``BACKUP_PASSPHRASE``, else it is asked for on the terminal.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime
from pathlib import Path


def register(groups: argparse._SubParsersAction) -> None:
    backup = groups.add_parser("backup", help="write one archive: database, files, encrypted keys")
    backup.add_argument("--out", type=Path, default=None, help="archive path (default: DATA_DIR/backups/…)")
    backup.add_argument("--passphrase-file", type=Path, default=None)
    backup.set_defaults(handler=_backup)
    restore = groups.add_parser("restore", help="rebuild database, files and keys from an archive")
    restore.add_argument("archive", type=Path)
    restore.add_argument("--passphrase-file", type=Path, default=None)
    restore.add_argument("--force", action="store_true", help="replace a database that already holds data")
    restore.set_defaults(handler=_restore)


def _passphrase(args: argparse.Namespace, *, confirm: bool) -> str:
    from citizen_app.settings import get_settings

    if args.passphrase_file:
        return args.passphrase_file.read_text().strip()
    if get_settings().backup_passphrase:
        return get_settings().backup_passphrase
    if not sys.stdin.isatty():
        return ""
    first = getpass.getpass("Backup passphrase: ")
    if confirm and getpass.getpass("Again: ") != first:
        return ""
    return first


def _backup(args: argparse.Namespace) -> int:
    from citizen_app.core.backup import BackupError, backup
    from citizen_app.settings import get_settings

    settings = get_settings()
    out = args.out or settings.data_dir / "backups" / f"citizen-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.tar.gz"
    try:
        report = backup(out, _passphrase(args, confirm=True), settings=settings)
    except BackupError as error:
        print(f"backup: {error}", file=sys.stderr)
        return 1
    print(f"wrote {report.path}: {report.database} database, {report.files} files")
    if report.missing:
        print(f"  {len(report.missing)} files were deleted while the backup ran (purged drafts)")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from citizen_app.core.backup import BackupError, restore

    try:
        report = restore(args.archive, _passphrase(args, confirm=False), force=args.force)
    except BackupError as error:
        print(f"restore: {error}", file=sys.stderr)
        return 1
    print(f"restored a {report.database} database, {report.files} files and {report.keys} key files")
    return 0
