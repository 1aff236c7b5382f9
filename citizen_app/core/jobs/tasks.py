"""Every module that registers a task, imported once so a runner knows them all."""

from __future__ import annotations

import importlib

TASK_MODULES = (
    "citizen_app.core.notifications",
    "citizen_app.core.housekeeping",
    "citizen_app.core.jobs.rollups",
    "citizen_app.core.jobs.reconciliation",
    "citizen_app.core.payments.reconcile",  # issue 11: the payment providers' reconciler
)


def load() -> None:
    for name in TASK_MODULES:
        importlib.import_module(name)
