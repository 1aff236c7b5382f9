"""Work that follows a transaction's outcome, registered on SQLAlchemy's ``Session`` by :func:`install`.

* attachment files: written ones go on a rollback, deleted ones only on the commit
  (:mod:`citizen_app.core.attachment_store`);
* notification emails: composed as the transaction commits, sent after it
  (:mod:`citizen_app.core.notifications`).

Importing a module registers nothing. Start-up calls :func:`install` once: the Reflex app
(``citizen_app/citizen_app.py``), the CLI (``cli.main``), the test fixtures (``tests/conftest.py``)
and the benchmarks. Code that queues work for these listeners raises ``HooksNotInstalled`` when
they are missing, so a forgotten call fails loudly instead of leaving files behind or mail unsent.
"""

from __future__ import annotations

from citizen_app.core import attachment_store, notifications


def install() -> None:
    """Register every listener (idempotent: calling it twice registers each once)."""
    attachment_store.install()
    notifications.install()


def uninstall() -> None:
    attachment_store.uninstall()
    notifications.uninstall()


def installed() -> bool:
    return attachment_store.installed() and notifications.installed()
