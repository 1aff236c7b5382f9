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

import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from citizen_app.core.catalog.model import LifeEvent
from citizen_app.core.catalog.vocabulary import EMPTY_VOCABULARY, Phrase, SearchVocabulary, Wording
from citizen_app.core.text import accented_tokens, has_accented_letters, search_tokens

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
    # With a life event and more: the concepts without the event's cue words ("con tôi mới sinh,
    # làm thẻ bảo hiểm y tế" → "thẻ bảo hiểm y tế"), matched first among the event's procedures.
    beyond_event: tuple[Concept, ...] = ()

    @property
    def typed_key(self) -> str:
        return " ".join(self.tokens)

    @property
    def content_key(self) -> str:
        return " ".join(word for concept in self.concepts for word in concept.typed)


class QueryAnalyser:
    """Built once per search index; :meth:`analyse` never raises.

    Phrases of the data (stop words, synonyms, cues) are compared with the question's words as
    typed: a word typed with accents against the phrase's accented form, a word typed without
    against its folded form. A folded stop word is not dropped from an unaccented question when
    other accented words with that folded form are common in the catalogue: "dang" may be
    "đăng" (ký) rather than the stop word "đang".
    """

    def __init__(
        self,
        vocabulary: SearchVocabulary = EMPTY_VOCABULARY,
        life_events: Iterable[LifeEvent] = (),
        vi_words: Collection[str] = (),
        en_words: Collection[str] = (),
        common_accents: Mapping[str, Collection[str]] | None = None,
    ) -> None:
        self._vocabulary = vocabulary
        self._vi_only = frozenset(vi_words) - frozenset(en_words)
        # English: words only English names hold, and the English words of the vocabulary.
        english = {
            token
            for wording in (
                *(w for w, _ in vocabulary.synonyms),
                *vocabulary.stop_words.get("en", ()),
            )
            for token in wording.folded
            if token.isascii() and token.isalpha() and wording.folded == wording.accented
        }
        self._en_only = (frozenset(en_words) | english) - frozenset(vi_words)
        common = common_accents or {}
        self._stops: dict[str, tuple[frozenset[Phrase], frozenset[Phrase]]] = {}
        for language, wordings in vocabulary.stop_words.items():
            folded = frozenset(
                w.folded
                for w in wordings
                if language != "vi" or len(w.folded) > 1 or not (set(common.get(w.folded[0], ())) - {w.accented[0]})
            )
            self._stops[language] = (folded, frozenset(w.accented for w in wordings))
        self._purposes = {
            language: (frozenset(w.folded for w in ws), frozenset(w.accented for w in ws))
            for language, ws in vocabulary.purpose_words.items()
        }
        self._synonyms_folded = {w.folded: answers for w, answers in vocabulary.synonyms}
        self._synonyms_accented = {w.accented: answers for w, answers in vocabulary.synonyms}
        self._synonyms = (frozenset(self._synonyms_folded), frozenset(self._synonyms_accented))
        self._longest_synonym = max((len(w.folded) for w, _ in vocabulary.synonyms), default=0)
        self._longest_stop = max((len(w.folded) for ws in vocabulary.stop_words.values() for w in ws), default=0)
        # Life events: each cue part as (folded, accented) phrase sets, longest first.
        self._cues: list[tuple[str, list[list[Wording]]]] = [
            (event.slug, [sorted((Wording.of(p) for p in part), key=lambda w: -len(w.folded)) for part in cue])
            for event in life_events
            if event.cues and event.answers
            for cue in event.cues
        ]

    def analyse(self, text: str, locale: str = "vi") -> AnalysedQuery:
        text = unicodedata.normalize("NFC", text)
        words = _Words(text)
        language = self._language(text, words.folded, locale)
        unfinished = bool(text) and text[-1].isalnum() and bool(words.folded)
        events, cue_positions = self._events_in(words)
        end = self._purpose_end(words, language)
        stops = self._stops.get(language, (frozenset(), frozenset()))
        if events:
            content = self._concepts(words, end, stops, skip=cue_positions)
            if not content:
                return AnalysedQuery(words.folded, (), tuple(events), language, unfinished, only_event=True)
        else:
            content = []
        concepts = self._concepts(words, end, stops)
        if not concepts:  # only stop words: search for them after all
            concepts = [Concept.word(word) for word in dict.fromkeys(words.folded[:end])]
        unfinished = unfinished and bool(concepts) and concepts[-1].single_word == words.folded[-1]
        return AnalysedQuery(
            words.folded, tuple(concepts), tuple(events), language, unfinished, only_event=False, beyond_event=tuple(content)
        )

    # --- the steps ------------------------------------------------------------------------------

    def _language(self, text: str, tokens: tuple[str, ...], locale: str) -> str:
        if has_accented_letters(text):
            return "vi"  # Vietnamese letters: "đ", "ă", "ế" …
        english = sum(1 for token in tokens if token in self._en_only or token in _ENGLISH_HINTS)
        vietnamese = sum(1 for token in tokens if token in self._vi_only)
        if english != vietnamese:
            return "en" if english > vietnamese else "vi"
        return "en" if locale == "en" else "vi"

    def _events_in(self, words: _Words) -> tuple[list[str], set[int]]:
        events: list[str] = []
        positions: set[int] = set()
        present = set(words.folded)
        for slug, cue in self._cues:
            if any(present.isdisjoint(w.folded[0] for w in part) for part in cue):
                continue
            found: set[int] = set()
            for part in cue:
                where = words.occurrences(part)
                if not where:
                    break
                found |= where
            else:
                if slug not in events:
                    events.append(slug)
                positions |= found
        return events, positions

    def _purpose_end(self, words: _Words, language: str) -> int:
        """Where a purpose clause starts ("… để mua nhà"), or the end of the question."""
        purposes = self._purposes.get(language)
        if purposes:
            for start in range(1, len(words.folded)):
                if any(words.matches(start, len(p), purposes) for p in purposes[0]):
                    return start
        return len(words.folded)

    def _concepts(
        self,
        words: _Words,
        end: int,
        stops: tuple[frozenset[Phrase], frozenset[Phrase]],
        skip: Collection[int] = (),
    ) -> list[Concept]:
        concepts: list[Concept] = []
        position = 0
        skip = set(skip) | _how_long(words.folded, end)
        while position < end:
            if position in skip:
                position += 1
                continue
            synonym = self._longest_at(words, position, end, self._synonyms, self._longest_synonym)
            stop = self._longest_at(words, position, end, stops, self._longest_stop)
            if synonym and synonym >= stop:
                if not any(position + offset in skip for offset in range(synonym)):
                    concepts.append(Concept.synonym(words.folded[position : position + synonym], self._answers(words, position, synonym)))
                position += synonym
            elif stop:
                position += stop
            else:
                concepts.append(Concept.word(words.folded[position]))
                position += 1
        # The same thing asked twice ("khai sinh khai sinh") is one concept.
        return list(dict.fromkeys(concepts))

    def _answers(self, words: _Words, position: int, length: int) -> tuple[Phrase, ...]:
        if words.plain(position, length):
            return self._synonyms_folded[words.folded[position : position + length]]
        return self._synonyms_accented[words.accented[position : position + length]]

    @staticmethod
    def _longest_at(
        words: _Words, position: int, end: int, phrases: tuple[frozenset[Phrase], frozenset[Phrase]], longest: int
    ) -> int:
        for length in range(min(longest, end - position), 0, -1):
            if words.matches(position, length, phrases):
                return length
        return 0


class _Words:
    """A question's words, folded and with accents, and which were typed without accents."""

    def __init__(self, text: str) -> None:
        self.folded = tuple(search_tokens(text))[:MAX_QUERY_TOKENS]
        accented = accented_tokens(text)[:MAX_QUERY_TOKENS]
        # The two tokenisations agree on Vietnamese; if a rare script makes them differ, compare
        # folded only.
        self.accented = tuple(accented) if len(accented) == len(self.folded) else self.folded
        self._plain = tuple(a.isascii() for a in self.accented)

    def plain(self, position: int, length: int) -> bool:
        return all(self._plain[position : position + length])

    def matches(self, position: int, length: int, phrases: tuple[frozenset[Phrase], frozenset[Phrase]]) -> bool:
        if self.plain(position, length):
            return self.folded[position : position + length] in phrases[0]
        return self.accented[position : position + length] in phrases[1]

    def occurrences(self, wordings: list[Wording]) -> set[int]:
        """Every position covered by one of ``wordings`` (longest first: "mới sinh" rather than "sinh")."""
        covered: set[int] = set()
        for wording in wordings:
            length = len(wording.folded)
            for start in range(len(self.folded) - length + 1):
                span = range(start, start + length)
                if covered.intersection(span):
                    continue
                if self.plain(start, length):
                    hit = self.folded[start : start + length] == wording.folded
                else:
                    hit = self.accented[start : start + length] == wording.accented
                if hit:
                    covered.update(span)
        return covered


# "được 3 ngày", "5 tuổi", "2 weeks": how long or how old, said to tell the story; not what is
# asked, unless a bound comes before ("dưới 6 tuổi", "under 14").
_TIME_UNITS = frozenset(search_tokens("ngày tuần tháng năm tuổi day days week weeks month months year years old"))
_BOUNDS = frozenset(search_tokens("dưới trên từ đủ hơn under over above below from"))


def _how_long(folded: tuple[str, ...], end: int) -> set[int]:
    found: set[int] = set()
    for position in range(min(end, len(folded)) - 1):
        bounded = position > 0 and folded[position - 1] in _BOUNDS
        if folded[position].isdigit() and folded[position + 1] in _TIME_UNITS and not bounded:
            found.update((position, position + 1))
    return found


# English words that say a question is English even when the catalogue does not use them.
_ENGLISH_HINTS = frozenset(search_tokens("how do i my we want need please what where which"))
