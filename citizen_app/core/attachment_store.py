"""Where attachment bytes live, and how they follow the transaction, below any access check.

* Bytes go to the storage (:mod:`citizen_app.core.storage`: ``DATA_DIR/files`` or an S3 bucket)
  under ``<aa>/<random>`` keys with no extension.
* A file written for a row that is rolled back is deleted; a file whose row is deleted is
  removed only once that deletion commits. Both ride on listeners on SQLAlchemy's ``Session``
  that :func:`install` registers at start-up (``core.transaction_hooks.install``); queuing a
  file before they are installed raises, because the file would silently stay or go.

People reach files through :mod:`citizen_app.core.attachments`, which checks who asks. The
dossier code (drafts, submission) uses this module directly: it sits below the ``dossiers``
package, so neither imports the other in a circle.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, SessionTransaction

from citizen_app.core.storage import get_storage, key_for
from citizen_app.db.models.dossiers import DossierAttachment

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


def files_of(attachments: Iterable[DossierAttachment]) -> list[str]:
    """The storage keys of these attachments and their thumbnails."""
    keys: list[str] = []
    for item in attachments:
        keys.append(key_for(item.stored_name))
        if item.thumbnail_name:
            keys.append(key_for(item.thumbnail_name))
    return keys


def slot_counts(db: Session, dossier_id: int) -> dict[str, int]:
    """Files per slot sent with the application (draft stage), for validation."""
    rows = db.execute(
        select(DossierAttachment.slot_id, func.count(DossierAttachment.id))
        .where(DossierAttachment.dossier_id == dossier_id, DossierAttachment.stage == "draft")
        .group_by(DossierAttachment.slot_id)
    )
    return {slot: int(count) for slot, count in rows}


# --- files follow the transaction ------------------------------------------------------------------------


def delete_on_commit(db: Session, keys: Iterable[str]) -> None:
    """Delete these stored files once (and only if) the session's transaction commits."""
    _require_installed()
    db.info.setdefault(_PENDING_DELETE, []).extend(keys)


def remember_written(db: Session, keys: Iterable[str]) -> None:
    """Delete these just-written files if the session's transaction does not commit."""
    _require_installed()
    db.info.setdefault(_WRITTEN, []).extend(keys)


def _unlink(keys: Iterable[str]) -> None:
    keys = list(keys)
    if not keys:
        return
    storage = get_storage()
    for key in keys:
        try:
            storage.delete(key)
        except Exception:
            # An orphan file costs space, never correctness: the row that named it is gone.
            log.exception("could not delete stored file %s", key)


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
