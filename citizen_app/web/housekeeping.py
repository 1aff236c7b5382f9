"""Runs the core's housekeeping while the app is up: at start, then every few hours."""

from __future__ import annotations

import asyncio
import logging

from citizen_app.core.housekeeping import run_housekeeping
from citizen_app.db.base import utcnow

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 6 * 3600


async def housekeeping_loop() -> None:
    while True:
        try:
            await asyncio.to_thread(run_housekeeping, utcnow())
        except Exception:
            # A failed pass must not stop the app; the next pass tries again.
            log.exception("housekeeping failed")
        await asyncio.sleep(INTERVAL_SECONDS)
