"""Where attachment bytes live, and how they follow the transaction, below any access check.

* Bytes go to ``Settings.attachments_dir/<aa>/<random>`` with no extension, mode 600.
* A file written for a row that is rolled back is deleted; a file whose row is deleted is
  unlinked only once that deletion commits. Both ride on listeners on SQLAlchemy's ``Session``
  that :func:`install` registers at start-up (``core.transaction_hooks.install``); queuing a
  file before they are installed raises, because the file would silently stay or go.

People reach files through :mod:`citizen_app.core.attachments`, which checks who asks. The
dossier code (drafts, submission) uses this module directly: it sits below the ``dossiers``
package, so neither imports the other in a circle.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, SessionTransaction

from citizen_app.db.models.dossiers import DossierAttachment
from citizen_app.settings import Settings, get_settings

log = logging.getLogger(__name__)

_PENDING_DELETE = "citizen_app.attachments.delete_on_commit"
_WRITTEN = "citizen_app.attachments.written"


class HooksNotInstalled(RuntimeError):
    """Files were queued for the transaction's end, but nothing would act on it."""

    def __init__(self) -> None:
        super().__init__(
            "attachment files follow the transaction only once citizen_app.core.transaction_hooks.install() "
            "has run (the app, the CLI and the test fixtures call it at start-up)"
        )


def stored_path(stored_name: str, settings: Settings | None = None) -> Path:
    # Two-character fan-out keeps directories small when there are millions of files.
    return (settings or get_settings()).attachments_dir / stored_name[:2] / stored_name


def write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(path.name + ".part")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)
    os.replace(temporary, path)


def files_of(attachments: Iterable[DossierAttachment], settings: Settings | None = None) -> list[Path]:
    settings = settings or get_settings()
    paths: list[Path] = []
    for item in attachments:
        paths.append(stored_path(item.stored_name, settings))
        if item.thumbnail_name:
            paths.append(stored_path(item.thumbnail_name, settings))
    return paths


def slot_counts(db: Session, dossier_id: int) -> dict[str, int]:
    """Files per slot sent with the application (draft stage), for validation."""
    rows = db.execute(
        select(DossierAttachment.slot_id, func.count(DossierAttachment.id))
        .where(DossierAttachment.dossier_id == dossier_id, DossierAttachment.stage == "draft")
        .group_by(DossierAttachment.slot_id)
    )
    return {slot: int(count) for slot, count in rows}


# --- files follow the transaction ------------------------------------------------------------------------


def delete_on_commit(db: Session, paths: Iterable[Path]) -> None:
    """Unlink these files once (and only if) the session's transaction commits."""
    _require_installed()
    db.info.setdefault(_PENDING_DELETE, []).extend(paths)


def remember_written(db: Session, paths: Iterable[Path]) -> None:
    """Delete these just-written files if the session's transaction does not commit."""
    _require_installed()
    db.info.setdefault(_WRITTEN, []).extend(paths)


def _unlink(paths: Iterable[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.exception("could not delete %s", path)


def _after_commit(session: Session) -> None:
    # SQLAlchemy also calls this when a SAVEPOINT is released; only the real commit counts.
    if session.in_nested_transaction():
        return
    session.info.pop(_WRITTEN, None)
    _unlink(session.info.pop(_PENDING_DELETE, []))


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # Fires after a commit too (when after_commit has already emptied both lists), and also on a
    # rollback or a close() without commit, which after_rollback alone would miss.
    if transaction.parent is not None:
        return
    session.info.pop(_PENDING_DELETE, None)
    _unlink(session.info.pop(_WRITTEN, []))


_LISTENERS = (("after_commit", _after_commit), ("after_transaction_end", _after_transaction_end))


def install() -> None:
    """Register the listeners on every ``Session`` (idempotent)."""
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def uninstall() -> None:
    for name, listener in _LISTENERS:
        if event.contains(Session, name, listener):
            event.remove(Session, name, listener)


def installed() -> bool:
    return all(event.contains(Session, name, listener) for name, listener in _LISTENERS)


def _require_installed() -> None:
    if not installed():
        raise HooksNotInstalled()
