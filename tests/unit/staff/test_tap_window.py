"""The desk's double-tap guard must never swallow the tap on the next action.

Reflex throttles a button's event by the event's name, and every plain staff action is the same
``act`` event: a throttle window longer than the moment the next actions are held back after a redraw
(``staff-arming``) would drop an officer's tap on "Start processing" right after "Receive" (the status
stayed "received" in tests/e2e/test_life_events.py, now and then)."""

from __future__ import annotations

import re
from pathlib import Path

from citizen_app.pages.staff.dossier import REPEAT_TAP_MS

CSS = Path(__file__).resolve().parents[3] / "assets" / "css" / "staff.css"


def test_the_repeat_tap_window_ends_before_the_next_actions_can_be_tapped() -> None:
    found = re.search(r"\.staff-arming\s*\{\s*animation:\s*staff-arm\s+(\d+(?:\.\d+)?)(m?s)\b", CSS.read_text())
    assert found is not None, "the arming animation moved: keep REPEAT_TAP_MS below its duration"
    arming_ms = float(found.group(1)) * (1 if found.group(2) == "ms" else 1000)
    assert 0 < REPEAT_TAP_MS < arming_ms
