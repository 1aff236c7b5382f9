"""Every message of the identity code and the sandbox provider's pages is in both catalogues."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

from citizen_app.core.i18n import LOCALES_DIR
from citizen_app.settings import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "citizen_app"
PYTHON_SOURCES = [
    *sorted((PACKAGE / "core" / "identity").glob("*.py")),
    *sorted((PACKAGE / "idp").glob("*.py")),
    PACKAGE / "web" / "auth.py",
]
TEMPLATES = [
    *sorted((PACKAGE / "idp" / "templates").glob("*.html")),
    PACKAGE / "web" / "templates" / "auth" / "error.html",
]


def _msgids() -> list[str]:
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found: list[str] = []
    for path in PYTHON_SOURCES:
        found += [message for _, message, _, _ in extract_from_file("python", str(path), keywords=keywords)]
    for path in TEMPLATES:
        found += [message for _, message, _, _ in extract_from_file("jinja2.ext:babel_extract", str(path))]
    return sorted({m for m in found if isinstance(m, str)})


def test_templates_use_extractable_calls() -> None:
    # babel's Jinja2 extractor sees _("…") and gettext("…"), not t.gettext("…").
    for path in TEMPLATES:
        assert "t.gettext(" not in Path(path).read_text(), path
    assert len(_msgids()) > 60


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_every_identity_message_is_translated(locale: str) -> None:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale=locale)
    missing = [
        m for m in _msgids() if catalog.get(m) is None or not catalog.get(m).string or catalog.get(m).fuzzy
    ]
    assert missing == []
