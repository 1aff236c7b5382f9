"""Work that follows a transaction's outcome, registered on SQLAlchemy's ``Session`` by :func:`install`.

* attachment files: written ones go on a rollback, deleted ones only on the commit
  (:mod:`citizen_app.core.attachment_store`);
* notifications: their email and SMS delivery jobs are written into the committing transaction
  (:mod:`citizen_app.core.notifications`);
* the job queue: a committed job wakes the in-process runner at once (:mod:`citizen_app.core.jobs.queue`).

Importing a module registers nothing. Start-up calls :func:`install` once: the Reflex app
(``citizen_app/citizen_app.py``), the CLI (``cli.main``), the test fixtures (``tests/conftest.py``)
and the benchmarks. Code that queues work for these listeners raises ``HooksNotInstalled`` when
they are missing, so a forgotten call fails loudly instead of leaving files behind or mail unsent.
"""

from __future__ import annotations

from citizen_app.core import attachment_store, notifications
from citizen_app.core.jobs import queue


def install() -> None:
    """Register every listener (idempotent: calling it twice registers each once)."""
    attachment_store.install()
    notifications.install()
    queue.install()


def uninstall() -> None:
    attachment_store.uninstall()
    notifications.uninstall()
    queue.uninstall()


def installed() -> bool:
    return attachment_store.installed() and notifications.installed()
