"""Accessibility checks with axe-core (installed from npm into tools/, injected from disk)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page: Page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated, not added as a <script> tag: the app's Content-Security-Policy (rightly) refuses an
        # inline script it has no hash for, and the tests must see the policy the app really ships.
        page.evaluate(_axe_source())
    result = page.evaluate(
        "async (tags) => await window.axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return result["violations"]


@functools.cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [node["target"] for node in violation["nodes"][:5]]
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n  {json.dumps(targets)}"
        )
    return "\n".join(lines)
