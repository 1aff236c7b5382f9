"""The message catalogues follow docs/glossary.md: one term for each thing, in each language."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from babel.messages.pofile import read_po

from citizen_app.core.i18n import LOCALES_DIR
from citizen_app.settings import PROJECT_ROOT

GLOSSARY = PROJECT_ROOT / "docs" / "glossary.md"


@dataclass(frozen=True)
class Term:
    thing: str
    english: str
    vietnamese: str
    not_english: tuple[str, ...]
    not_vietnamese: tuple[str, ...]


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _alternatives(cell: str) -> tuple[str, ...]:
    return () if cell in ("—", "") else tuple(part.strip() for part in cell.split(",") if part.strip())


def glossary() -> list[Term]:
    lines = GLOSSARY.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| Thing |"))
    terms = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        thing, english, vietnamese, not_english, not_vietnamese = _cells(line)
        terms.append(Term(thing, english, vietnamese, _alternatives(not_english), _alternatives(not_vietnamese)))
    return terms


def _texts(locale: str) -> list[str]:
    """Every text of a catalogue a person reads: English ids and strings, or the Vietnamese strings."""
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale=locale)
    texts: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        texts.extend(s for s in strings if s)
        if locale == "en":
            texts.extend(message.id if isinstance(message.id, tuple) else (message.id,))
    return texts


def _uses(texts: list[str], word: str) -> list[str]:
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
    return [text for text in texts if pattern.search(text)]


TERMS = glossary()


def test_the_glossary_fixes_the_terms_the_issue_names() -> None:
    english = {term.english for term in TERMS}
    assert {"application", "application code", "status", "audit log", "receipt"} <= english
    assert len(TERMS) >= 10


@pytest.mark.parametrize("term", TERMS, ids=[term.english for term in TERMS])
def test_the_catalogues_use_the_term_and_none_of_the_words_it_rules_out(term: Term) -> None:
    english, vietnamese = _texts("en"), _texts("vi")
    for word in term.not_english:
        assert _uses(english, word) == [], f"English messages say {word!r}: the glossary says {term.english!r}"
    for word in term.not_vietnamese:
        assert _uses(vietnamese, word) == [], f"Vietnamese messages say {word!r}: the glossary says {term.vietnamese!r}"
    if "`" not in term.english:  # the money row states a format, not a word
        assert _uses(english, term.english), f"no English message uses {term.english!r}"
    if term.vietnamese != "—":
        assert _uses(vietnamese, term.vietnamese), f"no Vietnamese message uses {term.vietnamese!r}"
