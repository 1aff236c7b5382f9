"""How citizens say things: ``services_catalog/_synonyms.yaml``, read by the search.

* **Stop words** per language: words around what a person wants ("làm … như thế nào",
  "how do I …"). A phrase of several words is removed only as a whole, because its words
  alone may mean something: "thế nào" goes, but "thẻ" (folded "the") stays.
* **Synonyms**: what people say (``say``) and what the catalogue calls it (``means``): former
  names ("hộ khẩu" for residence registration), everyday words ("sổ đỏ", "bằng lái"),
  abbreviations ("cccd"), and English words for the English names. A query holding a
  ``say`` phrase matches an entry holding that phrase or any ``means`` phrase.

Every phrase is kept in two forms (:class:`Wording`): folded, for questions typed without
accents ("dang ki", "DANG KY"); and with its accents, for questions typed with them, so that
"đang" (a stop word) never swallows "đăng" and "bộ" (ministry) never reads as "bố" (father).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from citizen_app.core.catalog.validate import Reader
from citizen_app.core.schema_errors import SchemaError, join_path
from citizen_app.core.text import accented_tokens, search_tokens

Phrase = tuple[str, ...]
LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class Wording:
    """A phrase of the data in the two forms a question is compared in: folded (what an
    unaccented question holds) and with its accents (what an accented one holds, so "đang"
    never matches "đăng")."""

    folded: Phrase
    accented: Phrase

    @classmethod
    def of(cls, text: str) -> Wording:
        return cls(tuple(search_tokens(text)), tuple(accented_tokens(text)))


@dataclass(frozen=True)
class SearchVocabulary:
    stop_words: Mapping[str, tuple[Wording, ...]] = field(default_factory=dict)  # per language
    purpose_words: Mapping[str, tuple[Wording, ...]] = field(default_factory=dict)
    # What people say → every phrase (folded) that answers it, best first: the curated order of
    # ``means``, then the phrase as said unless ``means`` lists it.
    synonyms: tuple[tuple[Wording, tuple[Phrase, ...]], ...] = ()

    def single_stop_words(self, language: str) -> frozenset[str]:
        return frozenset(w.folded[0] for w in self.stop_words.get(language, ()) if len(w.folded) == 1)


EMPTY_VOCABULARY = SearchVocabulary()


def phrase(text: str) -> Phrase:
    return tuple(search_tokens(text))


def parse_vocabulary(raw: object) -> tuple[SearchVocabulary, list[SchemaError]]:
    reader = Reader()
    data = reader.mapping(raw, "", optional=("stop_words", "purpose_words", "synonyms"))
    if data is None:
        return EMPTY_VOCABULARY, reader.errors
    stops = _per_language(reader, data.get("stop_words"), "stop_words")
    purposes = _per_language(reader, data.get("purpose_words"), "purpose_words")
    answers_of: dict[Phrase, list[Phrase]] = {}
    wordings: dict[Wording, Phrase] = {}
    entries = reader.items(data.get("synonyms", []), "synonyms", lambda item, where: (item, where)) or []
    for item, where in entries:
        entry = reader.mapping(item, where, required=("say", "means"))
        if entry is None:
            continue
        said = _wordings(reader, entry.get("say"), join_path(where, "say"))
        meant = [w.folded for w in _wordings(reader, entry.get("means"), join_path(where, "means"))]
        for say in said:
            answers = answers_of.setdefault(say.folded, [])
            answers.extend(m for m in meant if m not in answers)
            wordings.setdefault(say, say.folded)
    for say, answers in answers_of.items():
        if say not in answers:
            answers.append(say)
    synonyms = tuple((wording, tuple(answers_of[folded])) for wording, folded in wordings.items())
    return SearchVocabulary(stop_words=stops, purpose_words=purposes, synonyms=synonyms), reader.errors


def _per_language(reader: Reader, raw: object, path: str) -> dict[str, tuple[Wording, ...]]:
    found: dict[str, tuple[Wording, ...]] = {}
    if raw is None or reader.mapping(raw, path, optional=LANGUAGES) is None:
        return found
    assert isinstance(raw, Mapping)
    for language in LANGUAGES:
        found[language] = tuple(_wordings(reader, raw.get(language, []), join_path(path, language)))
    return found


def _wordings(reader: Reader, raw: object, path: str) -> list[Wording]:
    texts = reader.items(raw, path, reader.string) or []
    found: list[Wording] = []
    for position, text in enumerate(texts):
        wording = Wording.of(text)
        if not wording.folded or len(wording.folded) != len(wording.accented):
            reader.error(join_path(path, position), f"{text!r} has no searchable words")
        elif wording not in found:
            found.append(wording)
    return found
