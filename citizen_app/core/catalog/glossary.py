"""English names for the national index, composed from a curated glossary of administrative terms.

The national index (../shared/data/procedure_index.csv) names about 2,600 procedures in Vietnamese
only. Each name is cut into parts found in the glossary (``services_catalog/_glossary.yaml``),
longest first, and each part is translated; the parts are put back in English order:

* an **action** that starts a clause is an English verb: ``Cấp lại`` → "Reissue";
  elsewhere it is its noun ("registration" in ``giấy chứng nhận đăng ký``);
* a run of **nouns** and **modifiers** is a Vietnamese noun phrase, head first
  (``giấy phép vận chuyển hàng hóa nguy hiểm``); English puts the head last, so the run is
  reversed: "dangerous goods transport licence";
* **links** (``của`` "of", ``đối với`` "for", ``tại`` "at") and fixed **phrases**
  (``có yếu tố nước ngoài`` "with a foreign element") stay where they are and cut the runs;
* **dropped** words say nothing in English (``Thủ tục`` at the start, ``các``).

A name is translated only when every word is in the glossary: a half-English name would be
worse than the Vietnamese one. Numbers, legal references (``14/2020/NĐ-CP``) and acronyms in
capitals (ABTC, ODA) pass through unchanged.

Reviewed names (``services_catalog/_english_names.yaml``): a person read the composed name of the
most used entries and either kept it (``kept``) or wrote a better one (``names``). Each entry's
:class:`EnglishName` says which of these it is, so pages can say how far to trust it.

Matching ignores case, where the tone mark sits (``hóa``/``hoá``) and i/y spelling (``lý``/``lí``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from citizen_app.core.catalog.validate import Reader
from citizen_app.core.schema_errors import SchemaError, join_path
from citizen_app.core.text import accent_key

TermKind = Literal["action", "noun", "modifier", "link", "phrase", "drop"]
SECTIONS: dict[str, TermKind] = {
    "actions": "action",
    "nouns": "noun",
    "modifiers": "modifier",
    "links": "link",
    "clause_links": "link",
    "phrases": "phrase",
}
_RUN_KINDS = ("action", "noun", "modifier", "token")
# English links that join like a comma: what follows is a verb when what came before was one.
_COORDINATORS = {"and", "or", "and/or"}
# "Thủ tục đăng ký khai sinh" is the registration itself.
_LEADING_PROCEDURE = ("thu3", "tuc5")
# Where an entry's English name comes from, best first. "none": Vietnamese only.
EnglishNameSource = Literal["curated", "reviewed", "glossary", "none"]
MAX_TERM_WORDS = 24

# A number or a legal reference (14/2020/NĐ-CP, 01/7/2025, 09.1); a word, possibly hyphenated
# (các-bon); or one punctuation mark.
_TOKEN = re.compile(r"\d[\w./-]*|[^\W\d_]+(?:-[^\W\d_]+)*|[^\w\s]")
# "ngày 01 tháng 7 năm 2004" is written "01/7/2004" in English too: it passes through unchanged.
_DATE = re.compile(r"(?:ngày\s+)?(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)


def _numeric_date(match: re.Match[str]) -> str:
    return "/".join(match.groups())


# Punctuation that sticks to the word before it, and to the word after it.
_CLOSING = {",", ";", ":", ")", ".", "”", "?", "!"}
_OPENING = {"(", "“"}
# Keys ignore case, where the tone mark sits and i/y spelling (citizen_app.core.text.accent_key).
word_key = accent_key


def _token_key(token: str) -> str:
    return word_key(token) if token[0].isalpha() else token.lower()


def phrase_key(text: str) -> tuple[str, ...]:
    """The key of a glossary entry: its words (see :func:`word_key`), numbers and punctuation marks."""
    return tuple(_token_key(token) for token in _TOKEN.findall(unicodedata.normalize("NFC", text)))


@dataclass(frozen=True)
class Term:
    vi: str
    en: str
    kind: TermKind
    # actions: the noun ("registration"); modifiers: the word on its own ("Vietnam" for "Vietnamese")
    alt: str | None = None
    opens_clause: bool = False  # a link after which an action is a verb ("để" → "to")

    @property
    def as_noun(self) -> str:
        return self.alt or self.en


@dataclass(frozen=True)
class EnglishName:
    text: str | None  # None: no English name (a word is missing from the glossary)
    source: EnglishNameSource


@dataclass(frozen=True)
class _Piece:
    """A part of a name: a glossary term, or text passed through (numbers, acronyms, punctuation)."""

    term: Term | None
    text: str

    @property
    def kind(self) -> str:
        if self.term is not None:
            return self.term.kind
        return "mark" if not self.text[0].isalnum() else "token"


@dataclass(frozen=True)
class Glossary:
    terms: Mapping[tuple[str, ...], Term] = field(default_factory=dict)
    drop: frozenset[tuple[str, ...]] = frozenset()
    # Reviewed: codes whose composed name a person kept, and names a person wrote instead.
    kept: frozenset[str] = frozenset()
    names: Mapping[str, str] = field(default_factory=dict)

    @property
    def longest(self) -> dict[str, int]:
        """First word of a key → the most words a key starting with it has (computed once)."""
        cached: dict[str, int] | None = self.__dict__.get("_longest")
        if cached is None:
            cached = {}
            for key in (*self.terms, *self.drop):
                cached[key[0]] = max(cached.get(key[0], 0), len(key))
            object.__setattr__(self, "_longest", cached)  # frozen: derived data, never changes
        return cached

    # --- naming an entry ------------------------------------------------------------------------

    def english_name(self, code: str, vietnamese: str) -> EnglishName:
        """The best English name of an index entry, and where it comes from."""
        if code in self.names:
            return EnglishName(self.names[code], "reviewed")
        composed = self.translate(vietnamese)
        if composed is None:
            return EnglishName(None, "none")
        return EnglishName(composed, "reviewed" if code in self.kept else "glossary")

    def translate(self, vietnamese: str) -> str | None:
        """The name in English, or None when a word of it is not in the glossary."""
        pieces = self.pieces(_DATE.sub(_numeric_date, vietnamese))
        if pieces is None:
            return None
        return _compose(pieces)

    def missing_words(self, vietnamese: str) -> list[str]:
        """The words that stop :meth:`translate` (for the glossary editor's report)."""
        missing: list[str] = []
        self._segment(vietnamese, missing)
        return missing

    def pieces(self, vietnamese: str) -> list[_Piece] | None:
        missing: list[str] = []
        pieces = self._segment(vietnamese, missing)
        return None if missing else pieces

    def _segment(self, vietnamese: str, missing: list[str]) -> list[_Piece]:
        tokens = _TOKEN.findall(unicodedata.normalize("NFC", vietnamese))
        keys = [_token_key(token) for token in tokens]
        pieces: list[_Piece] = []
        longest = self.longest
        position = 0
        while position < len(tokens):
            token = tokens[position]
            if not token[0].isalpha():
                pieces.append(_Piece(None, token))
                position += 1
                continue
            matched = False
            for length in range(min(longest.get(keys[position], 0), len(tokens) - position), 0, -1):
                key = tuple(keys[position : position + length])
                term = self.terms.get(key)
                if term is not None or key in self.drop:
                    if term is not None:
                        pieces.append(_Piece(term, " ".join(tokens[position : position + length])))
                    position += length
                    matched = True
                    break
            if not matched:
                if token.isupper() or len(token) == 1:
                    pieces.append(_Piece(None, token))  # an acronym (ABTC, ODA) or a letter (điểm c)
                else:
                    missing.append(token)
                position += 1
        return pieces


# --- putting the parts back in English order ------------------------------------------------------


def _compose(pieces: list[_Piece]) -> str:
    if len(pieces) > 1 and pieces[0].term is not None and phrase_key(pieces[0].text) == _LEADING_PROCEDURE:
        rest = pieces[2:] if pieces[1].text == ":" else pieces[1:]
        if rest and rest[0].kind == "action":  # "Thủ tục điện tử" is an electronic procedure
            pieces = rest
    words: list[str] = []
    run: list[_Piece] = []
    verbal = True  # an action starting the next run is a verb (start of the name, after "để" …)
    run_verbal = verbal
    last_was_verb = False

    def flush() -> None:
        nonlocal last_was_verb
        if run:
            text, last_was_verb = _noun_run(run, verbal=run_verbal)
            words.append(text)
            run.clear()

    for piece in pieces:
        kind = piece.kind
        if kind in _RUN_KINDS:
            if not run:
                run_verbal = verbal
            run.append(piece)
            continue
        flush()
        if kind == "mark":
            words.append(piece.text)
            verbal = piece.text in (";", ":") or (piece.text in (",", "/") and last_was_verb)
        else:
            assert piece.term is not None
            words.append(piece.term.en)
            verbal = piece.term.opens_clause or (piece.term.en in _COORDINATORS and last_was_verb)
    flush()
    return _join(words)


def _noun_run(run: list[_Piece], *, verbal: bool) -> tuple[str, bool]:
    """A Vietnamese noun phrase in English order (see the module doc); and whether it is a verb phrase."""
    verb = ""
    items = list(run)
    if verbal and items[0].kind == "action":
        assert items[0].term is not None
        verb = items[0].term.en
        items = items[1:]
    # A number or an acronym belongs with the word before it ("mức độ 02" is "level 02"), and a
    # numbered part stays where it is: "khoản 2 Điều 12" is "clause 2 Article 12".
    units: list[tuple[str, bool]] = []
    for position, piece in enumerate(items):
        if piece.kind == "token" and len(piece.text) > 1 and piece.text.isalpha():
            units.append((piece.text, False))  # an acronym qualifies like a word: "thẻ ABTC" is an "ABTC card"
        elif piece.kind == "token":
            if units and not units[-1][1]:
                units[-1] = (f"{units[-1][0]} {piece.text}", True)
            else:
                units.append((piece.text, True))
        else:
            units.append((_unit(piece, head=position == 0), False))
    words: list[str] = []
    pending: list[str] = []
    for text, numbered in units:
        if numbered:
            words.extend(reversed(pending))
            pending.clear()
            words.append(text)
        else:
            pending.append(text)
    words.extend(reversed(pending))
    return " ".join([verb, *words]).strip(), bool(verb)


def _unit(piece: _Piece, *, head: bool) -> str:
    term = piece.term
    if term is None:
        return piece.text
    if term.kind == "action":
        return term.as_noun
    if term.kind == "modifier" and head:
        return term.as_noun  # "tại Việt Nam": "in Vietnam", not "in Vietnamese"
    return term.en


def _join(words: list[str]) -> str:
    text = ""
    glue = True  # the next word sticks to the text (start, after "(" or "/")
    for word in words:
        if not word:
            continue
        if word in _CLOSING:
            text = text.rstrip() + word
        elif word == "/":
            text = text.rstrip() + word
            glue = True
            continue
        elif glue:
            text += word
        else:
            text += " " + word
        glue = word in _OPENING
    text = re.sub(r"\s+", " ", text).strip(" ,;:.-–")
    text = re.sub(r"\(\s*\)", "", text).strip()
    return text[:1].upper() + text[1:] if text else text


# --- reading the data -----------------------------------------------------------------------------


EMPTY_GLOSSARY = Glossary()


def parse_glossary(raw: object) -> tuple[Glossary, list[SchemaError]]:
    """``_glossary.yaml``: sections of ``vietnamese: english`` (actions and modifiers: ``"a | b"``)."""
    reader = Reader()
    data = reader.mapping(raw, "", optional=(*SECTIONS, "drop"))
    if data is None:
        return EMPTY_GLOSSARY, reader.errors
    terms: dict[tuple[str, ...], Term] = {}
    seen_in: dict[tuple[str, ...], str] = {}
    for section, kind in SECTIONS.items():
        entries = data.get(section) or {}
        if reader.mapping(entries, section, any_keys=True) is None:
            continue
        for vi, value in entries.items():
            path = join_path(section, str(vi))
            term = _parse_term(reader, str(vi), value, kind, path, section)
            if term is None:
                continue
            key = phrase_key(term.vi)
            if not key or not key[0][0].isalpha():
                reader.error(path, "must start with a word")
            elif len(key) > MAX_TERM_WORDS:
                reader.error(path, f"has more than {MAX_TERM_WORDS} words")
            elif key in seen_in:
                reader.error(path, f"is already in {seen_in[key]}")
            else:
                seen_in[key] = section
                terms[key] = term
    drop: set[tuple[str, ...]] = set()
    for position, word in enumerate(reader.items(data.get("drop", []), "drop", reader.string) or ()):
        key = phrase_key(word)
        if key in seen_in:
            reader.error(join_path("drop", position), f"{word!r} is already in {seen_in[key]}")
        elif key:
            drop.add(key)
    return Glossary(terms=terms, drop=frozenset(drop)), reader.errors


def _parse_term(reader: Reader, vi: str, value: Any, kind: TermKind, path: str, section: str) -> Term | None:
    text = reader.string(value, path)
    if text is None:
        return None
    english, _, alt = (part.strip() for part in text.partition("|"))
    if not english:
        reader.error(path, "has no English")
        return None
    if alt and kind not in ("action", "modifier"):
        reader.error(path, "only actions and modifiers take a second form after '|'")
    return Term(vi=vi, en=english, kind=kind, alt=alt or None, opens_clause=section == "clause_links")


def parse_english_names(glossary: Glossary, raw: object) -> tuple[Glossary, list[SchemaError]]:
    """``_english_names.yaml``: ``kept`` (codes whose composed name was reviewed) and ``names``."""
    reader = Reader()
    data = reader.mapping(raw, "", optional=("kept", "names"))
    if data is None:
        return glossary, reader.errors
    kept = reader.items(data.get("kept", []), "kept", reader.string) or []
    names: dict[str, str] = {}
    raw_names = data.get("names") or {}
    if reader.mapping(raw_names, "names", any_keys=True) is not None:
        for code, name in raw_names.items():
            text = reader.string(name, join_path("names", str(code)))
            if text is not None:
                names[str(code)] = text
    both = set(kept) & set(names)
    for code in sorted(both):
        reader.error(join_path("kept", code), "also has a written name under names")
    return (
        Glossary(terms=glossary.terms, drop=glossary.drop, kept=frozenset(kept), names=names),
        reader.errors,
    )


def coverage(glossary: Glossary, names: Iterable[tuple[str, str]]) -> dict[EnglishNameSource, int]:
    """How many (code, Vietnamese name) pairs get each kind of English name."""
    counts: dict[EnglishNameSource, int] = {"reviewed": 0, "glossary": 0, "none": 0}
    for code, vietnamese in names:
        counts[glossary.english_name(code, vietnamese).source] += 1
    return counts
