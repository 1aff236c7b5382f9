"""How citizens say things: ``services_catalog/_synonyms.yaml``, read by the search.

* **Stop words** per language: words around what a person wants ("làm … như thế nào",
  "how do I …"). A phrase of several words is removed only as a whole, because its words
  alone may mean something: "thế nào" goes, but "thẻ" (folded "the") stays.
* **Synonyms**: what people say (``say``) and what the catalogue calls it (``means``): former
  names ("hộ khẩu" for residence registration), everyday words ("sổ đỏ", "bằng lái"),
  abbreviations ("cccd"), and English words for the English names. A query holding a
  ``say`` phrase matches an entry holding that phrase or any ``means`` phrase.

Every phrase is kept in the form search compares (:func:`citizen_app.core.text.search_tokens`),
so "đăng kí", "dang ky" and "ĐĂNG KÝ" are one entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from citizen_app.core.catalog.validate import Reader
from citizen_app.core.schema_errors import SchemaError, join_path
from citizen_app.core.text import search_tokens

Phrase = tuple[str, ...]
LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class SearchVocabulary:
    # language → stop phrases (one or more words each)
    stop_phrases: Mapping[str, frozenset[Phrase]] = field(default_factory=dict)
    # a phrase people say → every phrase that answers it, best first (the phrase itself last
    # unless ``means`` lists it)
    synonyms: Mapping[Phrase, tuple[Phrase, ...]] = field(default_factory=dict)
    # language → words that start a purpose clause ("… để mua nhà"), dropped with what follows
    purpose_phrases: Mapping[str, frozenset[Phrase]] = field(default_factory=dict)

    @property
    def longest_synonym(self) -> int:
        return max((len(phrase) for phrase in self.synonyms), default=0)

    def longest_stop(self, language: str) -> int:
        return max((len(phrase) for phrase in self.stop_phrases.get(language, ())), default=0)


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
    synonyms: dict[Phrase, list[Phrase]] = {}
    entries = reader.items(data.get("synonyms", []), "synonyms", lambda item, where: (item, where)) or []
    for item, where in entries:
        entry = reader.mapping(item, where, required=("say", "means"))
        if entry is None:
            continue
        said = _phrases(reader, entry.get("say"), join_path(where, "say"))
        meant = _phrases(reader, entry.get("means"), join_path(where, "means"))
        for say in said:
            # Best first: the curated order of ``means``; the phrase as said last unless listed.
            answers = synonyms.setdefault(say, [])
            answers.extend(m for m in meant if m not in answers)
    for say, answers in synonyms.items():
        if say not in answers:
            answers.append(say)
    return (
        SearchVocabulary(
            stop_phrases=stops,
            synonyms={k: tuple(v) for k, v in synonyms.items()},
            purpose_phrases=purposes,
        ),
        reader.errors,
    )


def _per_language(reader: Reader, raw: object, path: str) -> dict[str, frozenset[Phrase]]:
    found: dict[str, frozenset[Phrase]] = {}
    if raw is None or reader.mapping(raw, path, optional=LANGUAGES) is None:
        return found
    assert isinstance(raw, Mapping)
    for language in LANGUAGES:
        words = reader.items(raw.get(language, []), join_path(path, language), reader.string) or []
        found[language] = frozenset(p for p in (phrase(word) for word in words) if p)
    return found


def _phrases(reader: Reader, raw: object, path: str) -> list[Phrase]:
    texts = reader.items(raw, path, reader.string) or []
    found: list[Phrase] = []
    for position, text in enumerate(texts):
        words = phrase(text)
        if not words:
            reader.error(join_path(path, position), f"{text!r} has no searchable words")
        elif words not in found:
            found.append(words)
    return found
