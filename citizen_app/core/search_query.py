"""Understanding a question the way a citizen writes it, before it is matched against the catalogue.

Shared by the search (:mod:`citizen_app.core.search`) and the procedure assistant. From
"mất thẻ căn cước làm lại thế nào" it keeps what names the procedure and knows what each part
may also be called:

1. **Words**: folded and canonical (:func:`citizen_app.core.text.search_tokens`): accents,
   case, i/y spelling ("đăng kí") and English endings ("cards") do not matter.
2. **Language**: Vietnamese when the question has Vietnamese letters, otherwise whichever
   language more of its words belong to only (the page's language breaks a tie).
3. **Life events** (``_taxonomy.yaml`` cues): "bố tôi vừa mất" says a death in the family.
   A question that says nothing else is answered by the event's ``answers``.
4. **Purpose clauses**: "… để mua nhà" is why, not what; dropped when something came before.
5. **Synonyms** (``_synonyms.yaml``), longest phrase first: "sổ đỏ" may also be "giấy chứng nhận
   quyền sử dụng đất"; "làm lại" may be "cấp lại".
6. **Stop words** of the question's language: "làm … như thế nào", "how do I …".

Typing mistakes are the index's business (it knows which words exist): see
:meth:`citizen_app.core.search.SearchIndex.search`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from citizen_app.core.catalog.model import LifeEvent
from citizen_app.core.catalog.vocabulary import EMPTY_VOCABULARY, Phrase, SearchVocabulary
from citizen_app.core.text import fold, search_tokens

MAX_QUERY_TOKENS = 24


@dataclass(frozen=True)
class Concept:
    """One thing the question asks for: what was typed, and every way the catalogue may word it,
    best first (a synonym's answers in their curated order: see the vocabulary)."""

    typed: Phrase
    alternatives: tuple[Phrase, ...]

    @classmethod
    def word(cls, word: str) -> Concept:
        return cls((word,), ((word,),))

    @classmethod
    def synonym(cls, typed: Phrase, answers: tuple[Phrase, ...]) -> Concept:
        return cls(typed, answers if typed in answers else (*answers, typed))

    @property
    def single_word(self) -> str | None:
        """The word, when this is one typed word with no synonyms (typo rules apply to those)."""
        return self.typed[0] if len(self.alternatives) == 1 and len(self.typed) == 1 else None


@dataclass(frozen=True)
class AnalysedQuery:
    tokens: tuple[str, ...]  # every word as typed (canonical), stop words included
    concepts: tuple[Concept, ...]  # what must match, in the order typed
    events: tuple[str, ...]  # slugs of the life events the question describes
    language: str  # "vi" | "en"
    last_unfinished: bool  # the last word may still be being typed: it may match as a prefix
    only_event: bool  # nothing but a life event: answer with the event's answers

    @property
    def typed_key(self) -> str:
        return " ".join(self.tokens)

    @property
    def content_key(self) -> str:
        return " ".join(word for concept in self.concepts for word in concept.typed)


class QueryAnalyser:
    """Built once per search index; :meth:`analyse` never raises."""

    def __init__(
        self,
        vocabulary: SearchVocabulary = EMPTY_VOCABULARY,
        life_events: Iterable[LifeEvent] = (),
        vi_words: Collection[str] = (),
        en_words: Collection[str] = (),
    ) -> None:
        self._vocabulary = vocabulary
        self._events = [event for event in life_events if event.cues and event.answers]
        self._vi_only = frozenset(vi_words) - frozenset(en_words)
        self._en_only = frozenset(en_words) - frozenset(vi_words)
        self._longest_synonym = vocabulary.longest_synonym

    def analyse(self, text: str, locale: str = "vi") -> AnalysedQuery:
        tokens = tuple(search_tokens(text))[:MAX_QUERY_TOKENS]
        language = self._language(text, tokens, locale)
        unfinished = bool(text) and text[-1].isalnum() and bool(tokens)
        events, cue_positions = self._events_in(tokens)
        words = self._without_purpose(tokens, language)
        stops = self._vocabulary.stop_phrases.get(language, frozenset())
        longest_stop = self._vocabulary.longest_stop(language)
        if events:
            content = self._concepts(words, stops, longest_stop, skip=cue_positions)
            if not content:
                return AnalysedQuery(tokens, (), tuple(events), language, unfinished, only_event=True)
        concepts = self._concepts(words, stops, longest_stop)
        if not concepts:  # only stop words: search for them after all
            concepts = [Concept.word(word) for word in dict.fromkeys(words)]
        unfinished = unfinished and concepts[-1].single_word == tokens[-1]
        return AnalysedQuery(tokens, tuple(concepts), tuple(events), language, unfinished, only_event=False)

    # --- the steps ------------------------------------------------------------------------------

    def _language(self, text: str, tokens: tuple[str, ...], locale: str) -> str:
        if any(not ch.isascii() and ch.isalpha() and fold(ch).isascii() for ch in text):
            return "vi"  # Vietnamese letters: "đ", "ă", "ế" …
        english = sum(1 for token in tokens if token in self._en_only or token in _ENGLISH_HINTS)
        vietnamese = sum(1 for token in tokens if token in self._vi_only)
        if english != vietnamese:
            return "en" if english > vietnamese else "vi"
        return "en" if locale == "en" else "vi"

    def _events_in(self, tokens: tuple[str, ...]) -> tuple[list[str], set[int]]:
        events: list[str] = []
        positions: set[int] = set()
        for event in self._events:
            for cue in event.cues:
                found: set[int] = set()
                for part in cue:
                    where = _occurrences(tokens, part)
                    if not where:
                        break
                    found.update(where)
                else:
                    if event.slug not in events:
                        events.append(event.slug)
                    positions |= found
        return events, positions

    def _without_purpose(self, tokens: tuple[str, ...], language: str) -> tuple[str, ...]:
        purposes = self._vocabulary.purpose_phrases.get(language, frozenset())
        for start in range(1, len(tokens)):
            if any(tokens[start : start + len(p)] == p for p in purposes):
                return tokens[:start]
        return tokens

    def _concepts(
        self, words: tuple[str, ...], stops: frozenset[Phrase], longest_stop: int, skip: Collection[int] = ()
    ) -> list[Concept]:
        synonyms: Mapping[Phrase, tuple[Phrase, ...]] = self._vocabulary.synonyms
        concepts: list[Concept] = []
        position = 0
        while position < len(words):
            if position in skip:
                position += 1
                continue
            synonym = _longest(words, position, synonyms.keys(), self._longest_synonym)
            stop = _longest(words, position, stops, longest_stop)
            if synonym and len(synonym) >= len(stop or ()):
                if not any(position + offset in skip for offset in range(len(synonym))):
                    concepts.append(Concept.synonym(synonym, synonyms[synonym]))
                position += len(synonym)
            elif stop:
                position += len(stop)
            else:
                concepts.append(Concept.word(words[position]))
                position += 1
        # The same thing asked twice ("khai sinh khai sinh") is one concept.
        return list(dict.fromkeys(concepts))


# English words that say a question is English even when the catalogue does not use them.
_ENGLISH_HINTS = frozenset(search_tokens("how do i my we want need please what where which"))


def _longest(
    words: tuple[str, ...], position: int, phrases: Collection[Phrase], longest: int
) -> Phrase | None:
    for length in range(min(longest, len(words) - position), 0, -1):
        candidate = words[position : position + length]
        if candidate in phrases:
            return candidate
    return None


def _occurrences(tokens: tuple[str, ...], phrases: tuple[Phrase, ...]) -> set[int]:
    """Every position covered by one of ``phrases``, longest first ("mới sinh" rather than "sinh")."""
    covered: set[int] = set()
    for phrase in sorted(phrases, key=len, reverse=True):
        for start in range(len(tokens) - len(phrase) + 1):
            span = range(start, start + len(phrase))
            if tokens[start : start + len(phrase)] == phrase and not covered.intersection(span):
                covered.update(span)
    return covered
