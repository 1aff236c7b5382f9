"""``i18n extract|update|compile|check``: the gettext workflow (wraps pybabel, see docs/i18n.md)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from citizen_app.core.i18n import DOMAIN, LOCALES, LOCALES_DIR, ensure_compiled
from citizen_app.settings import PROJECT_ROOT

TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"
# NP_("one", "many") marks a plural pair (core.i18n.NP_); ngettext calls are extracted by default.
KEYWORDS = ["-k", "N_", "-k", "t_", "-k", "NP_:1,2"]


def register(groups: argparse._SubParsersAction) -> None:
    i18n = groups.add_parser("i18n", help="translation catalogues")
    commands = i18n.add_subparsers(dest="command", required=True)
    commands.add_parser("extract", help="write locales/messages.pot from the sources").set_defaults(
        handler=lambda _a: extract()
    )
    commands.add_parser("update", help="extract, then merge new messages into every .po").set_defaults(
        handler=lambda _a: update()
    )
    commands.add_parser("compile", help="compile .po into .mo").set_defaults(handler=lambda _a: ensure_compiled())
    commands.add_parser("check", help="fail when a message lacks a translation").set_defaults(
        handler=lambda _a: _report(missing_translations())
    )
    add = commands.add_parser("add", help="append a message to both catalogues (English text = msgid)")
    add.add_argument("msgid")
    add.add_argument("vietnamese")
    add.set_defaults(handler=lambda a: add_message(a.msgid, a.vietnamese))


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", *args], cwd=PROJECT_ROOT, check=True)


def extract(output: Path = TEMPLATE) -> Path:
    _pybabel(
        "extract", "-F", "babel.cfg", *KEYWORDS, "--no-location", "--sort-output",
        "--project", "citizen-app", "-o", str(output), "citizen_app",
    )
    return output


def update() -> None:
    extract()
    for locale in LOCALES:
        po = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po.exists():
            _pybabel("update", "--no-fuzzy-matching", "--ignore-obsolete", "-i", str(TEMPLATE),
                     "-d", str(LOCALES_DIR), "-l", locale, "-D", DOMAIN)
        else:
            _pybabel("init", "-i", str(TEMPLATE), "-d", str(LOCALES_DIR), "-l", locale, "-D", DOMAIN)


def _po_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def add_message(msgid: str, vietnamese: str) -> int:
    """Append one entry to each catalogue unless it is already there (one write per file)."""
    for locale, text in (("vi", vietnamese), ("en", msgid)):
        po = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        with po.open("rb") as source:
            if read_po(source, locale=locale).get(msgid) is not None:
                continue
        with po.open("a", encoding="utf-8") as target:
            target.write(f"\nmsgid {_po_quote(msgid)}\nmsgstr {_po_quote(text)}\n")
    return 0


def missing_translations(template: Path | None = None) -> dict[str, list[str]]:
    """Message ids found in the code that a catalogue lacks, or leaves empty or fuzzy, per locale."""
    template = template or extract(LOCALES_DIR / ".check.pot")
    try:
        with template.open("rb") as source:
            wanted = [m.id for m in read_po(source) if m.id]
    finally:
        if template.name == ".check.pot":
            template.unlink(missing_ok=True)
    problems: dict[str, list[str]] = {}
    for locale in LOCALES:
        po = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        with po.open("rb") as source:
            catalog = read_po(source, locale=locale)
        lacking = []
        for msgid in wanted:
            message = catalog.get(msgid)
            strings = message.string if message else None
            texts = strings if isinstance(strings, tuple) else (strings,)
            if message is None or message.fuzzy or not all(texts):
                lacking.append(msgid if isinstance(msgid, str) else msgid[0])
        if lacking:
            problems[locale] = lacking
    return problems


def _report(problems: dict[str, list[str]]) -> int:
    for locale, msgids in problems.items():
        for msgid in msgids:
            print(f"{locale}: untranslated: {msgid!r}")
    return 1 if problems else 0
