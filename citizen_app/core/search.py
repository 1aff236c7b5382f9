"""Ranked search over the catalogue that understands how citizens write, held in memory.

The index is built once per catalogue (per process) and only read afterwards. The question is
first understood (:mod:`citizen_app.core.search_query`): accents, case, i/y spelling and English
endings do not matter; stop words and purpose clauses go; curated synonyms and former names
("sổ đỏ", "hộ khẩu", "bằng lái") widen what a word may match; a question that only describes a
life event ("bố tôi vừa mất") is answered by that event's answers.

Matching: every thing asked (a *concept*: a word, or a synonym phrase with its alternatives)
must match the entry, as whole words, in any order. Each step below is tried only when the one
before matches nothing:

1. the last word may be unfinished ("dang ky kh");
2. any word may be unfinished ("dang k khai sinh");
3. typing mistakes: any word as its regional spellings ("chú" → "trú", "s"/"x", "l"/"n") and
   as the known words one edit away ("hông" → "hôn");
4. the entries matching the most concepts (as typed), if at least half, then by how rare each is.
A word no entry holds is read from step 1 on as the known words one edit away when it cannot be
a Vietnamese syllable ("honn", "kys") or is long, and otherwise left out ("trọ", "bé": real words
the catalogue does not use) as long as such words are at most half of the question. The last
word typed is also read as its regional spellings from step 1 on, and step 3 is tried when it
only matched as the start of other words. When every concept matches some entry, but none that
passes the filters, there are no results: no typing-mistake reading to fill the page.

Ranking, best first (:class:`MatchTier`): the life event's answers; the query is a name (or the
procedure code); a name starts with the query; every concept in the name; every concept
somewhere in the entry; most concepts (by how many, then how rare). Within a tier: entries for
the person's audience (citizens by default: an organisation-only procedure never outranks a
citizen's one of the same standing); names holding the query's words next to each other as
typed ("thường trú", not "bồi thường … trú"); names worded as the synonym's best wording
("giấy chứng nhận quyền sử dụng đất" before a bare "giấy chứng nhận" for "sổ đỏ"); then the
static order: curated popular first, curated, the nearest level (commune, province, other
agency, ministry), fewer words in the name, shorter name, code. Curated entries only win ties:
they never beat a better match.

Empty query (blank or whitespace): the browse list, every entry passing the filters in browse
order (curated popular first), with tier ``BROWSE``; so a filter-only search works. A query
with no searchable characters at all (emoji, punctuation) matches nothing.

Data structures (target: p95 ≤ 5 ms at 10,000 entries, docs/performance.md): documents are
numbered in the static order, so ranking is sorting small ints; word → posting sets for names
and for all text; word-pair → posting sets of names (phrases, "together as typed"); sorted
vocabularies with bisect for prefixes (short-prefix unions cached, bounded); a sorted list of
name keys for the name-prefix tier; per-filter sets intersected in C; one-deletion
neighbourhoods of the vocabulary for typing mistakes.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import threading
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from typing import Any, Literal

from citizen_app.core.catalog.model import Audience, Procedure
from citizen_app.core.catalog.registry import Catalog, get_catalog
from citizen_app.core.catalog.vocabulary import EMPTY_VOCABULARY
from citizen_app.core.search_query import AnalysedQuery, QueryAnalyser
from citizen_app.core.text import (
    CLAUSE_BREAK,
    accented_tokens,
    fold,
    search_key,
    search_tokens,
    search_tokens_with_breaks,
)

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_NAME_PREFIXES = ("thu tuc ",)  # "Thủ tục đăng ký khai sinh" is exactly "đăng ký khai sinh"
_END = "\U0010ffff"
_EMPTY: frozenset[int] = frozenset()
_LEVEL_RANK = {"commune": 0, "province": 1, "other": 2, "ministry": 3}
# Groups larger than this are ranked by phrase only where it pays: see SearchIndex._rank_group.
_FULL_RANK_LIMIT = 1500
_LONG_NAME_WORDS = 150
# Most words (codes above all) occur in one entry; a 1-tuple costs a quarter of a 1-element
# frozenset, and set.intersection/union accept either.
Postings = frozenset[int] | tuple[int]
Phrase = tuple[str, ...]

# A folded Vietnamese syllable: onset, medial, vowel(s), final. Generous (folding merges vowels),
# but "honn", "kys", "dumg", "chiue" are no syllable: typing mistakes, not words.
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[ou]?"
    r"(ia|ie|ye|ua|uo|ue|uy|a|e|i|o|u|y)(ch|ng|nh|[cmnptiyou])?$"
)
# Regional spellings people mix up when they type as they speak (initials and finals).
_ONSETS = (("ch", "tr"), ("s", "x"), ("d", "gi", "r", "v"), ("l", "n"))
_CODAS = (("ng", "n"), ("c", "t"))

SortOrder = Literal["relevance", "name", "processing_time", "fee"]
SORT_ORDERS: tuple[SortOrder, ...] = ("relevance", "name", "processing_time", "fee")


class MatchTier(IntEnum):
    BROWSE = 0
    EVENT = 1
    EXACT = 2
    NAME_PREFIX = 3
    NAME_ALL_WORDS = 4
    OTHER_TEXT = 5
    SOME_WORDS = 6


@dataclass(frozen=True)
class SearchFilters:
    """All optional; ``None`` means any. ``field`` and ``life_event`` are taxonomy slugs."""

    level: str | None = None  # commune | province | ministry | other
    online_level: str | None = None  # full | partial
    field: str | None = None
    life_event: str | None = None
    include_information_only: bool = True
    apply_online_only: bool = False  # only entries with an online form

    @property
    def active(self) -> bool:
        return self != SearchFilters()


@dataclass(frozen=True)
class SearchHit:
    code: str
    tier: MatchTier
    procedure: Procedure


@dataclass(frozen=True)
class SearchResults:
    query: str  # what was searched: trimmed and cut to MAX_QUERY_LENGTH
    total: int
    hits: tuple[SearchHit, ...]
    offset: int
    limit: int
    events: tuple[str, ...] = ()  # slugs of the life events the question describes

    @property
    def codes(self) -> list[str]:
        return [hit.code for hit in self.hits]

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.hits) < self.total


def _stripped(key: str) -> str:
    for prefix in _NAME_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


def _static_key(procedure: Procedure, name_key: str) -> tuple[bool, float, int, int, int, str]:
    core_name = _stripped(name_key)
    return (
        procedure.information_only,
        procedure.popular if procedure.popular is not None else math.inf,
        _LEVEL_RANK.get(procedure.level, 2),
        core_name.count(" ") + 1,
        len(core_name),
        procedure.code,
    )


def _ranks(count: int, key: Callable[[int], Any]) -> list[int]:
    """``ranks[doc]`` = position of doc when all docs are sorted by ``key(doc)``."""
    ranks = [0] * count
    for position, doc in enumerate(sorted(range(count), key=key)):
        ranks[doc] = position
    return ranks


@dataclass(frozen=True)
class _Ask:
    """A concept as matched in one step: its alternatives, and whether its last word may be unfinished."""

    alternatives: tuple[Phrase, ...]
    prefix: bool

    @property
    def words(self) -> int:
        return max(len(alternative) for alternative in self.alternatives)


class SearchIndex:
    """An immutable index over some procedures (normally the whole catalogue)."""

    def __init__(self, procedures: Iterable[Procedure], catalog: Catalog | None = None) -> None:
        self._catalog = catalog
        taxonomy = catalog.taxonomy if catalog is not None else None
        vocabulary = taxonomy.vocabulary if taxonomy is not None else EMPTY_VOCABULARY
        # Folding is most of the build time: fold each name once, keeping where its clauses break.
        procedures = list(procedures)
        vi_cut = {p.code: search_tokens_with_breaks(p.name.vi) for p in procedures}
        en_cut = {p.code: search_tokens_with_breaks(p.name.en) if p.name.en != p.name.vi else [] for p in procedures}
        # A curated English name is written for reading ("Death registration"); the glossary's
        # wording of the same Vietnamese name is how the index entries around it are named
        # ("Register death …"). Both are the curated entry's names for English searches, so an
        # index entry never outranks it only by sharing the glossary's wording.
        glossary = taxonomy.glossary if taxonomy is not None else None
        alias_cut: dict[str, list[str]] = {}
        if glossary is not None:
            for p in procedures:
                if p.english_name_source == "curated" and not p.information_only:
                    alias = glossary.translate(p.name.vi)
                    if alias and fold(alias) != fold(p.name.en):
                        alias_cut[p.code] = search_tokens_with_breaks(alias)
        vi_key_of = {code: " ".join(t for t in cut if t != CLAUSE_BREAK) for code, cut in vi_cut.items()}
        docs = sorted(procedures, key=lambda p: _static_key(p, vi_key_of[p.code]))
        self._docs: tuple[Procedure, ...] = tuple(docs)
        vi_keys = [vi_key_of[p.code] for p in docs]
        en_keys = [" ".join(t for t in en_cut[p.code] if t != CLAUSE_BREAK) for p in docs]
        self._audiences = [p.audience for p in docs]
        # A name of a whole paragraph (some index entries list every case in one name) holds most
        # words of any question: for ranking it counts as other text, not as a name.
        self._long_names = frozenset(doc for doc, key in enumerate(vi_keys) if key.count(" ") + 1 > _LONG_NAME_WORDS)
        # English names' small words ("the", "to", "an") are Vietnamese syllables once folded
        # (thẻ, tờ, an): they are not indexed, so they never match a Vietnamese question.
        english_small = vocabulary.single_stop_words("en")
        accents: dict[str, dict[str, int]] = {}  # folded word → its accented forms → names holding each
        name_postings: dict[str, set[int]] = {}
        all_postings: dict[str, set[int]] = {}
        exact: dict[str, set[int]] = {}
        prefix_pairs: list[tuple[str, int]] = []
        vi_words: set[str] = set()
        en_words: set[str] = set()
        bigrams: dict[str, set[int]] = {}
        # Agencies, fields, life events and results repeat across entries: tokenise each text once.
        tokens_of = lru_cache(maxsize=None)(lambda text: frozenset(search_tokens(text)))
        alias_keys = [" ".join(t for t in alias_cut.get(p.code, ()) if t != CLAUSE_BREAK) for p in docs]
        for doc, procedure in enumerate(docs):
            for key in self._name_keys(procedure, vi_keys[doc], en_keys[doc], alias_keys[doc]):
                exact.setdefault(key, set()).add(doc)
                prefix_pairs.append((key, doc))
            vi_tokens = vi_keys[doc].split(" ")
            accented = accented_tokens(procedure.name.vi)
            if len(accented) == len(vi_tokens):
                for folded, with_accents in set(zip(vi_tokens, accented, strict=True)):
                    forms = accents.setdefault(folded, {})
                    forms[with_accents] = forms.get(with_accents, 0) + 1
            en_tokens = [
                t for t in f"{en_keys[doc]} {alias_keys[doc]}".split(" ") if t and t not in english_small
            ]
            vi_words.update(vi_tokens)
            en_words.update(en_tokens)
            for cut, small in (
                (vi_cut[procedure.code], ()),
                (en_cut[procedure.code], english_small),
                (alias_cut.get(procedure.code, []), english_small),
            ):
                # Words on both sides of a comma are not together: "khai sinh, đăng ký …"; and
                # English small words are left out, as in the postings: "Register a vehicle".
                words = [t for t in cut if t not in small]
                for a, b in itertools.pairwise(words):
                    if a != CLAUSE_BREAK and b != CLAUSE_BREAK:
                        bigrams.setdefault(f"{a} {b}", set()).add(doc)
            for token in (*vi_tokens, *en_tokens, *self._code_tokens(procedure)):
                name_postings.setdefault(token, set()).add(doc)
            for token in self._other_tokens(procedure, tokens_of):
                all_postings.setdefault(token, set()).add(doc)
        for token, docs_with in name_postings.items():
            all_postings.setdefault(token, set()).update(docs_with)
        # Word pairs next to each other in a name → the names: ranks names holding the query's
        # words together; and a phrase of several words is looked for only when every pair of it
        # occurs somewhere ("sổ đỏ" is in no name: no use matching "số … do").
        self._bigrams = {k: _postings(v) for k, v in bigrams.items()}
        self._exact = {k: _postings(v) for k, v in exact.items()}
        prefix_pairs.sort()
        self._prefix_keys = [k for k, _ in prefix_pairs]
        self._prefix_docs = [d for _, d in prefix_pairs]
        self._name_postings = {k: _postings(v) for k, v in name_postings.items()}
        self._all_postings = {k: _postings(v) for k, v in all_postings.items()}
        self._name_vocab = sorted(self._name_postings)
        self._all_vocab = sorted(self._all_postings)
        self._prefix_union = lru_cache(maxsize=4096)(self._prefix_union_uncached)
        self._deletions = _deletion_neighbourhoods(self._all_postings)
        self._corrections = lru_cache(maxsize=4096)(self._corrections_uncached)
        self._regional = lru_cache(maxsize=4096)(self._regional_uncached)
        # Phrases of several words are intersections worth keeping; bounded like the prefix cache.
        self._phrase_docs = lru_cache(maxsize=1024)(self._phrase_docs_uncached)
        events = list(taxonomy.life_events.values()) if taxonomy is not None else []
        # An accented form is common when 2% of the names (at least 20) hold it.
        common = max(20, len(docs) // 50)
        common_accents = {
            folded: frozenset(form for form, count in forms.items() if count >= common)
            for folded, forms in accents.items()
        }
        self._analyser = QueryAnalyser(vocabulary, events, vi_words, en_words, common_accents)
        doc_of = {p.code: doc for doc, p in enumerate(docs)}
        # Procedure codes; a group answer ("group:…", issue 12) is for the assistant to resolve.
        self._event_answers = {e.slug: [doc_of[c] for c in e.answers if c in doc_of] for e in events}

        self._filters: dict[tuple[str, str | bool], frozenset[int]] = {}
        for doc, procedure in enumerate(docs):
            facets: list[tuple[str, str | bool]] = [
                ("level", procedure.level),
                ("field", procedure.field),
                ("online_level", procedure.online_level or ""),
                ("curated", not procedure.information_only),
                ("online_form", procedure.can_apply_online),
            ]
            facets.extend(("life_event", event) for event in procedure.life_events)
            for facet in facets:
                self._filters.setdefault(facet, set()).add(doc)  # type: ignore[arg-type]
        self._filters = {k: frozenset(v) for k, v in self._filters.items()}

        def browse_key(doc: int) -> tuple[bool, float, str, int]:
            procedure = docs[doc]
            popular = procedure.popular if procedure.popular is not None else math.inf
            return (procedure.information_only, popular, vi_keys[doc], doc)

        unknown = 10**12  # entries without the figure sort after every real value
        self._browse_rank = _ranks(len(docs), browse_key)
        self._browse_order = sorted(range(len(docs)), key=self._browse_rank.__getitem__)
        # Ties keep relevance order: document numbers are the static ranking.
        self._sort_ranks: dict[str, list[int]] = {
            "name:vi": _ranks(len(docs), lambda d: (vi_keys[d], d)),
            "name:en": _ranks(len(docs), lambda d: (en_keys[d] or vi_keys[d], d)),
            "processing_time": _ranks(len(docs), lambda d: (_or(docs[d].fastest_working_days, unknown), d)),
            "fee": _ranks(len(docs), lambda d: (_or(docs[d].lowest_fee_vnd, unknown), d)),
        }

    def __len__(self) -> int:
        return len(self._docs)

    @property
    def catalog(self) -> Catalog | None:
        return self._catalog

    @property
    def analyser(self) -> QueryAnalyser:
        return self._analyser

    # --- building ------------------------------------------------------------------------------

    @staticmethod
    def _name_keys(procedure: Procedure, *names: str) -> set[str]:
        keys: set[str] = set()
        for key in names:
            if key:
                keys.add(key)
                keys.add(_stripped(key))
        keys.update(SearchIndex._code_tokens(procedure))
        return keys

    @staticmethod
    def _code_tokens(procedure: Procedure) -> tuple[str, str]:
        code = fold(procedure.code)
        # "001193" (canonical "1193"): the part people copy from a letter
        return code, search_key(code.split(".", 1)[-1])

    def _other_tokens(self, procedure: Procedure, tokens_of: Callable[[str], frozenset[str]]) -> set[str]:
        texts: list[str] = list(procedure.keywords)
        for value in (procedure.summary, procedure.agency, procedure.applicants):
            if value is not None:
                texts.extend((value.vi, value.en))
        texts.extend(text for result in procedure.results for text in (result.vi, result.en))
        if procedure.source_field:
            texts.append(procedure.source_field)
        if self._catalog is not None:
            field = self._catalog.field(procedure.field)
            if field is not None:
                texts.extend((field.name.vi, field.name.en))
            for slug in procedure.life_events:
                event = self._catalog.life_event(slug)
                if event is not None:
                    texts.extend((event.name.vi, event.name.en))
        found: set[str] = set()
        for text in texts:
            found |= tokens_of(text)
        return found

    # --- words ---------------------------------------------------------------------------------

    def _prefix_union_uncached(self, which: str, prefix: str) -> Postings:
        if which == "name":
            vocab, postings = self._name_vocab, self._name_postings
        else:
            vocab, postings = self._all_vocab, self._all_postings
        low = bisect_left(vocab, prefix)
        high = bisect_left(vocab, prefix + _END, low)
        if high - low == 1:
            return postings[vocab[low]]
        return frozenset().union(*(postings[token] for token in vocab[low:high]))

    def _word_docs(self, which: str, token: str, as_prefix: bool) -> Postings:
        if as_prefix:
            return self._prefix_union(which, token)
        postings = self._name_postings if which == "name" else self._all_postings
        return postings.get(token, _EMPTY)

    def _known(self, token: str, as_prefix: bool) -> bool:
        return bool(self._word_docs("all", token, as_prefix))

    def _corrections_uncached(self, token: str) -> tuple[str, ...]:
        """Known words one edit away (insertion, deletion, substitution, swap of neighbours)."""
        if len(token) < 3 or not token.isalpha() or not token.isascii():
            return ()
        found: set[str] = set()
        for deleted in (token, *_deletions(token)):
            if deleted in self._all_postings:
                found.add(deleted)
            found.update(self._deletions.get(deleted, ()))
        found = {word for word in found if word != token and _one_edit(token, word)}
        # The most common first; a handful is plenty (each is OR-ed into the query).
        return tuple(sorted(found, key=lambda w: (-len(self._all_postings[w]), w))[:6])

    # --- matching ------------------------------------------------------------------------------

    def _name_prefix_docs(self, key: str) -> frozenset[int]:
        low = bisect_left(self._prefix_keys, key)
        high = bisect_left(self._prefix_keys, key + _END, low)
        return frozenset(self._prefix_docs[low:high])

    def _filter_docs(self, filters: SearchFilters) -> frozenset[int] | None:
        wanted: list[frozenset[int]] = []
        for facet, value in (
            ("level", filters.level),
            ("online_level", filters.online_level),
            ("field", filters.field),
            ("life_event", filters.life_event),
        ):
            if value is not None:
                wanted.append(self._filters.get((facet, value), _EMPTY))
        if not filters.include_information_only:
            wanted.append(self._filters.get(("curated", True), _EMPTY))
        if filters.apply_online_only:
            wanted.append(self._filters.get(("online_form", True), _EMPTY))
        if not wanted:
            return None
        wanted.sort(key=len)
        return wanted[0].intersection(*wanted[1:])

    def _asks(self, query: AnalysedQuery, step: int) -> list[_Ask]:
        """The concepts as matched in step 1, 2 or 3 (see the module doc)."""
        asks: list[_Ask] = []
        concepts = query.concepts[:MAX_QUERY_WORDS]
        # Unknown words may be left out only while they are at most half of the question:
        # "khai sinh xyzzy" is about birth registration, "xyzzy qwerty khai" about nothing.
        unknown = sum(1 for c in concepts if c.single_word is not None and not self._known(c.single_word, True))
        may_skip = step < 3 and len(concepts) > 1 and unknown * 2 <= len(concepts)
        for position, concept in enumerate(concepts):
            last = position == len(concepts) - 1
            word = concept.single_word
            prefix = word is not None and ((last and query.last_unfinished) or (step == 2 and len(word) > 1))
            alternatives = [a for a in concept.alternatives if self._may_occur(a)] or list(concept.alternatives)
            if word is not None:
                if not self._known(word, prefix):
                    # A word no entry holds: a typing mistake ("honn"), or a real word the
                    # catalogue does not use ("trọ", "bé"). Mistakes are read as the known words
                    # one edit away; real words say nothing about which procedure: the others decide.
                    corrections = self._corrections(word)
                    looks_mistyped = (query.language == "vi" and not _SYLLABLE.match(word)) or len(word) >= 5
                    if not (corrections and looks_mistyped) and may_skip:
                        continue
                    alternatives.extend((w,) for w in corrections)
                elif step >= 3:
                    alternatives.extend((w,) for w in self._corrections(word))
                if query.language == "vi" and (step >= 3 or (last and query.last_unfinished)):
                    # The last word typed is where "tạm chú" for "tạm trú" shows; others in step 3.
                    alternatives.extend((w,) for w in self._regional(word))
            asks.append(_Ask(tuple(dict.fromkeys(alternatives)), prefix))
        return asks or [_Ask(concept.alternatives, False) for concept in concepts]

    def _may_occur(self, phrase: Phrase) -> bool:
        return all(f"{a} {b}" in self._bigrams for a, b in itertools.pairwise(phrase))

    def _regional_uncached(self, word: str) -> tuple[str, ...]:
        if not word.isalpha() or not word.isascii() or len(word) < 2:
            return ()
        return tuple(sorted(v for v in _regional_spellings(word) if v in self._all_postings))

    def _ask_docs(self, ask: _Ask, which: str) -> frozenset[int] | set[int]:
        """Documents matching the concept in any of its wordings (never modified by callers)."""
        if len(ask.alternatives) == 1:
            found = self._phrase_docs(which, ask.alternatives[0], ask.prefix)
            return found if isinstance(found, frozenset) else frozenset(found)
        docs: set[int] = set()
        for alternative in ask.alternatives:
            docs.update(self._phrase_docs(which, alternative, ask.prefix and alternative is ask.alternatives[0]))
        return docs

    def _phrase_docs_uncached(self, which: str, phrase: Phrase, prefix_last: bool) -> Postings:
        """Documents holding every word of ``phrase`` (the last possibly unfinished)."""
        last = len(phrase) - 1
        postings = sorted(
            (self._word_docs(which, word, prefix_last and i == last) for i, word in enumerate(phrase)), key=len
        )
        if len(postings) == 1 or not postings[0]:
            return postings[0]
        return frozenset(postings[0]).intersection(*postings[1:])

    def _tiers(
        self, query: AnalysedQuery, asks: list[_Ask], allowed: frozenset[int] | None
    ) -> list[tuple[MatchTier, set[int]]]:
        """Documents matching every concept, grouped by tier, best first, each in one tier only."""
        everywhere = sorted((self._ask_docs(ask, "all") for ask in asks), key=len)
        matched = everywhere[0].intersection(*everywhere[1:])
        if matched and allowed is not None:
            matched &= allowed
            if not matched:
                raise _FilteredOut  # the words match, only not with these filters
        if not matched:
            return []
        all_in_name = set(matched) - self._long_names
        for ask in asks:
            all_in_name &= self._ask_docs(ask, "name")
            if not all_in_name:
                break
        exact: set[int] = set()
        name_prefix: set[int] = set()
        for key in dict.fromkeys((query.typed_key, query.content_key)):
            exact |= matched.intersection(self._exact.get(key, _EMPTY))
            name_prefix |= matched & self._name_prefix_docs(key)
        name_prefix -= exact
        all_in_name -= exact | name_prefix
        matched -= exact | name_prefix | all_in_name
        # Within a tier, entries holding every word whole ("tạm trú") come before those where a
        # word only starts another ("tạm … trước"): prefixes are for words still being typed.
        whole_asks = [_Ask(ask.alternatives, False) for ask in asks if ask.prefix]
        whole = set(matched | all_in_name)
        for ask in whole_asks:
            whole &= self._ask_docs(ask, "all")
        return [
            (MatchTier.EXACT, exact),
            (MatchTier.NAME_PREFIX, name_prefix),
            (MatchTier.NAME_ALL_WORDS, all_in_name & whole),
            (MatchTier.NAME_ALL_WORDS, all_in_name - whole),
            (MatchTier.OTHER_TEXT, matched & whole),
            (MatchTier.OTHER_TEXT, matched - whole),
        ]

    def _some_words(self, asks: list[_Ask], allowed: frozenset[int] | None) -> tuple[list[set[int]], _Scorer]:
        """Entries matching at least half of the concepts: one group per number matched, most
        first; within a group, by rarity (a word in few entries tells more; in the name it counts
        double), scored only for the groups that reach the page.

        One-letter words do not count here: as a prefix "x" matches half the catalogue, which
        would turn junk such as "drop table x" into hundreds of meaningless hits.
        """
        counted = [ask for ask in asks if ask.words > 1 or len(ask.alternatives[0][0]) > 1]
        if len(asks) < 2 or not counted:
            return [], _Scorer([])
        total = len(self._docs) or 1
        counts: Counter[int] = Counter()
        weighed: list[tuple[frozenset[int] | set[int], frozenset[int] | set[int], float]] = []
        for ask in counted:
            docs = self._ask_docs(ask, "all")
            if allowed is not None:
                docs &= allowed
            if docs:
                counts.update(docs)  # counted in C
                in_name = set(self._ask_docs(ask, "name")) - self._long_names
                weighed.append((docs, in_name, math.log(1 + total / len(docs))))
        least = (len(asks) + 1) // 2
        levels: dict[int, set[int]] = {}
        for doc, count in counts.items():
            if count >= least:
                levels.setdefault(count, set()).add(doc)
        return [levels[count] for count in sorted(levels, reverse=True)], _Scorer(weighed)

    def _match(
        self, query: AnalysedQuery, allowed: frozenset[int] | None
    ) -> tuple[list[tuple[MatchTier, set[int]]], list[_Ask], _Scorer | None]:
        try:
            return self._match_steps(query, allowed)
        except _FilteredOut:
            # What was asked exists, just not among the filtered entries: say so, rather than
            # reading the words as typing mistakes until something passes the filters.
            return [], [], None

    def _match_steps(
        self, query: AnalysedQuery, allowed: frozenset[int] | None
    ) -> tuple[list[tuple[MatchTier, set[int]]], list[_Ask], _Scorer | None]:
        found: tuple[list[tuple[MatchTier, set[int]]], list[_Ask]] | None = None
        for step in (1, 2):
            if step == 2 and all(len(c.typed[-1]) < 2 for c in query.concepts[:-1]):
                continue  # the same as step 1
            asks = self._asks(query, step)
            tiers = self._tiers(query, asks, allowed)
            if tiers:
                found = (tiers, asks)
                break
        if found is not None and not self._only_as_prefix(query, found[0]):
            return found[0], found[1], None
        # Typing mistakes. Also when the last word is a whole word that only matched as the start
        # of others ("tạm chú": "chú" starts "chứng"): "chú" may be "trú" mistyped.
        retry = dataclasses.replace(query, last_unfinished=False) if found is not None else query
        asks = self._asks(retry, 3)
        try:
            tiers = self._tiers(retry, asks, allowed)
        except _FilteredOut:
            if found is None:
                raise
            tiers = []
        if found is not None:
            if not tiers:
                return found[0], found[1], None
            seen = set().union(*(docs for _, docs in tiers))
            return [*tiers, *((tier, docs - seen) for tier, docs in found[0])], asks, None
        if tiers:
            return tiers, asks, None
        # Most concepts: the words as typed (and typing mistakes of unknown words), not every
        # word one edit away from each, which would make nearly every entry match most of them.
        asks = self._asks(query, 1)
        levels, scorer = self._some_words(asks, allowed)
        return [(MatchTier.SOME_WORDS, level) for level in levels], asks, scorer

    def _only_as_prefix(self, query: AnalysedQuery, tiers: list[tuple[MatchTier, set[int]]]) -> bool:
        """The last word is a whole known word, yet every hit only has it as the start of another."""
        word = query.concepts[-1].single_word if query.concepts else None
        if not query.last_unfinished or word is None or word not in self._all_postings or len(word) < 2:
            return False
        # _tiers: exact, name prefix, then (whole, only as a prefix) for names and for other text.
        return not any(docs for position, (_, docs) in enumerate(tiers) if position in (0, 1, 2, 4))

    # --- the public entry point ----------------------------------------------------------------

    def analyse(self, query: str | None, locale: str = "vi") -> AnalysedQuery:
        text = (query if isinstance(query, str) else "").lstrip()[:MAX_QUERY_LENGTH]
        return self._analyser.analyse(text, locale)

    def search(
        self,
        query: str | None,
        *,
        filters: SearchFilters | None = None,
        sort: SortOrder = "relevance",
        locale: str = "vi",
        limit: int = DEFAULT_LIMIT,
        offset: int = 0,
        audience: Audience | None = "citizen",
    ) -> SearchResults:
        """Never raises on any query text; see the module doc for matching and ranking."""
        raw = query if isinstance(query, str) else ""
        text = raw.strip()[:MAX_QUERY_LENGTH]
        limit = min(max(int(limit), 0), MAX_LIMIT)
        offset = max(int(offset), 0)
        filters = filters or SearchFilters()
        allowed = self._filter_docs(filters)
        if sort not in SORT_ORDERS:
            sort = "relevance"

        if not text:
            docs = self._browse_order
            if allowed is not None:
                docs = sorted(allowed, key=self._browse_rank.__getitem__)
            if sort == "relevance":
                window = docs[offset : offset + limit]
            else:
                window = sorted(docs, key=self._sort_rank(sort, locale).__getitem__)[offset : offset + limit]
            return self._results(text, len(docs), [(d, MatchTier.BROWSE) for d in window], offset, limit)

        # Unstripped at the end: a space after the last word says it is finished.
        analysed = self._analyser.analyse(raw.lstrip()[:MAX_QUERY_LENGTH], locale)
        if not analysed.tokens:
            return self._results(text, 0, [], offset, limit)
        scorer: _Scorer | None = None
        asks: list[_Ask] = []
        if analysed.only_event:
            tiers = self._event_tiers(analysed.events, allowed)
        else:
            tiers, asks, scorer = self._match(analysed, allowed)
            if analysed.beyond_event:
                tiers, asks, scorer = self._with_event(analysed, allowed, tiers, asks, scorer)
            if not tiers and analysed.events:
                tiers = self._event_tiers(analysed.events, allowed)
        total = sum(len(docs) for _, docs in tiers)
        end = offset + limit
        chosen: list[tuple[int, MatchTier]] = []
        if sort == "relevance":
            seen = 0
            for tier, docs in tiers:
                if seen >= end:
                    break
                if seen + len(docs) > offset:
                    ranked = self._rank_group(tier, docs, asks, scorer, audience, end - seen)
                    chosen.extend((doc, tier) for doc in ranked[max(offset - seen, 0) : end - seen])
                seen += len(docs)
        else:
            tier_of = {doc: tier for tier, docs in reversed(tiers) for doc in docs}
            rank = self._sort_rank(sort, locale)
            chosen = [(doc, tier_of[doc]) for doc in sorted(tier_of, key=rank.__getitem__)[offset:end]]
        return self._results(text, total, chosen, offset, limit, analysed.events)

    def _with_event(
        self,
        analysed: AnalysedQuery,
        allowed: frozenset[int] | None,
        tiers: list[tuple[MatchTier, set[int]]],
        asks: list[_Ask],
        scorer: _Scorer | None,
    ) -> tuple[list[tuple[MatchTier, set[int]]], list[_Ask], _Scorer | None]:
        """A life event told with more words ("bé nhà mình mới chào đời, cần đăng ký gì"): what
        the other words ask, among the event's procedures, comes first; then the words as typed,
        or what the other words ask anywhere when that matches better ("chị gái sinh con, hưởng
        chế độ thai sản": the maternity benefit's name holds every word but the event's)."""
        beyond = dataclasses.replace(analysed, concepts=analysed.beyond_event, beyond_event=(), events=())
        members: set[int] = set()
        for slug in analysed.events:
            members |= self._filters.get(("life_event", slug), _EMPTY)
            members.update(self._event_answers.get(slug, ()))
        if allowed is not None:
            members &= allowed
        first: list[tuple[MatchTier, set[int]]] = []
        if members:
            first, _, _ = self._match(beyond, frozenset(members))
            first = [(tier, docs) for tier, docs in first if tier != MatchTier.SOME_WORDS]
        anywhere, beyond_asks, beyond_scorer = self._match(beyond, allowed)
        if _best_tier(anywhere) < _best_tier(tiers):
            tiers, asks, scorer = anywhere, beyond_asks, beyond_scorer
        if not first:
            return tiers, asks, scorer
        seen = set().union(*(docs for _, docs in first))
        return [*first, *((tier, docs - seen) for tier, docs in tiers)], asks, scorer

    def _event_tiers(
        self, events: tuple[str, ...], allowed: frozenset[int] | None
    ) -> list[tuple[MatchTier, set[int]]]:
        """A question about a life event: its answers first, then the rest of the event's procedures."""
        answers: list[int] = []
        for slug in events:
            answers.extend(doc for doc in self._event_answers.get(slug, ()) if doc not in answers)
        members: set[int] = set()
        for slug in events:
            members |= self._filters.get(("life_event", slug), _EMPTY)
        if allowed is not None:
            answers = [doc for doc in answers if doc in allowed]
            members &= allowed
        members -= set(answers)
        # Answers keep their curated order: each is its own group.
        tiers: list[tuple[MatchTier, set[int]]] = [(MatchTier.EVENT, {doc}) for doc in answers]
        if members:
            tiers.append((MatchTier.EVENT, members))
        return tiers

    def _rank_group(
        self,
        tier: MatchTier,
        docs: set[int],
        asks: list[_Ask],
        scorer: _Scorer | None,
        audience: Audience | None,
        wanted: int,
    ) -> list[int]:
        """Documents of one group in order (see the module doc: audience, phrase, wording, static
        order); exact for at least the first ``wanted``, which is all a page shows."""
        if len(docs) == 1:
            return list(docs)
        other = {"citizen": "organisation", "organisation": "citizen"}.get(audience or "")
        audiences = self._audiences
        static = sorted(docs, key=lambda d: (audiences[d] == other, d))
        if tier in (MatchTier.EXACT, MatchTier.EVENT) or not asks:
            return static
        if len(docs) > _FULL_RANK_LIMIT:
            # A huge group (common words only): rank fully only the names that hold the query's
            # words together, if they fill the page; the rest follow in static order.
            together = self._all_together(docs, asks)
            if len(together) < wanted or len(together) > _FULL_RANK_LIMIT:
                return static
            head = self._rank_group(tier, together, asks, scorer, audience, wanted)
            return head + [doc for doc in static if doc not in together]
        apart, wording = self._fit(docs, asks)
        if scorer is not None:
            score = scorer.scores(docs)
            return sorted(
                docs, key=lambda d: (-score[d], audiences[d] == other, apart.get(d, 0), wording.get(d, 0), d)
            )
        return sorted(docs, key=lambda d: (audiences[d] == other, apart.get(d, 0), wording.get(d, 0), d))

    def _all_together(self, docs: set[int], asks: list[_Ask]) -> set[int]:
        """The documents whose names hold every pair of neighbouring concepts together."""
        together = set(docs)
        for before, after in itertools.pairwise(asks):
            pairs: set[int] = set()
            for a in before.alternatives:
                for b in after.alternatives:
                    pairs.update(self._bigrams.get(f"{a[-1]} {b[0]}", _EMPTY))
            together &= pairs
            if not together:
                break
        return together

    def _fit(self, docs: set[int], asks: list[_Ask]) -> tuple[dict[int, int], dict[int, int]]:
        """Per document: how many of the query's pairs of neighbouring concepts its name holds
        apart (and concepts of several words not as a phrase); and how far down each concept's
        list of wordings (best first) its name's wording is. Computed from the pair postings, so
        the cost follows the number of hits, not of documents times checks."""
        checks: list[set[int]] = []
        for before, after in itertools.pairwise(asks):
            # A word still being typed counts as together only when whole ("thường tr…" → "trú").
            together: set[int] = set()
            for a in before.alternatives:
                for b in after.alternatives:
                    together.update(self._bigrams.get(f"{a[-1]} {b[0]}", _EMPTY))
            checks.append(together)
        for ask in asks:
            if all(len(alternative) > 1 for alternative in ask.alternatives):
                together = set()
                for alternative in ask.alternatives:
                    together.update(self._in_name_together(alternative))
                checks.append(together)
        apart: dict[int, int] = {}
        for together in checks:
            for doc in docs.difference(together):
                apart[doc] = apart.get(doc, 0) + 1
        wording: dict[int, int] = {}
        for ask in asks:
            if len(ask.alternatives) < 2:
                continue
            left = set(docs)
            for rank, alternative in enumerate(ask.alternatives):
                named = left.intersection(self._in_name_together(alternative))
                for doc in named:
                    if rank:
                        wording[doc] = wording.get(doc, 0) + rank
                left -= named
                if not left:
                    break
            for doc in left:
                wording[doc] = wording.get(doc, 0) + len(ask.alternatives)
        return apart, wording

    def _in_name_together(self, phrase: Phrase) -> Postings:
        """Names holding every pair of neighbouring words of ``phrase`` (a word: names holding it)."""
        if len(phrase) == 1:
            return self._name_postings.get(phrase[0], _EMPTY)
        pairs = sorted((self._bigrams.get(f"{a} {b}", _EMPTY) for a, b in itertools.pairwise(phrase)), key=len)
        if len(pairs) == 1 or not pairs[0]:
            return pairs[0]
        return frozenset(pairs[0]).intersection(*pairs[1:])

    def _sort_rank(self, sort: SortOrder, locale: str) -> list[int]:
        if sort == "name":
            return self._sort_ranks["name:en" if locale == "en" else "name:vi"]
        return self._sort_ranks[sort]

    def _results(
        self,
        text: str,
        total: int,
        chosen: list[tuple[int, MatchTier]],
        offset: int,
        limit: int,
        events: tuple[str, ...] = (),
    ) -> SearchResults:
        hits = tuple(SearchHit(self._docs[d].code, tier, self._docs[d]) for d, tier in chosen)
        return SearchResults(query=text, total=total, hits=hits, offset=offset, limit=limit, events=events)


def _best_tier(tiers: list[tuple[MatchTier, set[int]]]) -> int:
    return min((tier for tier, docs in tiers if docs), default=len(MatchTier) + 1)


class _FilteredOut(Exception):
    """Every concept matches some entry, but none that passes the filters."""


class _Scorer:
    """Scores of the most-concepts tier, computed only for the groups a page shows."""

    def __init__(self, weighed: list[tuple[frozenset[int] | set[int], frozenset[int] | set[int], float]]) -> None:
        self._weighed = weighed  # per concept: documents, documents with it in the name, weight

    def scores(self, docs: set[int]) -> dict[int, float]:
        score = dict.fromkeys(docs, 0.0)
        for everywhere, in_name, weight in self._weighed:
            for doc in docs.intersection(everywhere):
                score[doc] += weight if doc in in_name else weight / 2
        return score


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _deletion_neighbourhoods(postings: dict[str, Postings]) -> dict[str, tuple[str, ...]]:
    """One-letter deletions of every known word → the words: finds words one edit from a typo."""
    neighbours: dict[str, list[str]] = {}
    for word in postings:
        if len(word) >= 3 and word.isalpha() and word.isascii():
            for deleted in _deletions(word):
                neighbours.setdefault(deleted, []).append(word)
    return {k: tuple(v) for k, v in neighbours.items()}


def _one_edit(a: str, b: str) -> bool:
    """One insertion, deletion, substitution or swap of neighbours turns ``a`` into ``b``."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _regional_spellings(word: str) -> set[str]:
    """ "chu" → "tru", "xa" → "sa", "dan" → "gian", "ran", "van"; "thuon" → "thuong": spellings
    that sound alike in some region, so people type one for the other."""
    variants: set[str] = set()
    for group in _ONSETS:
        onset = next((o for o in sorted(group, key=len, reverse=True) if word.startswith(o)), None)
        if onset is not None and not (onset == "n" and word[1:2] in ("g", "h")):
            variants.update(other + word[len(onset) :] for other in group if other != onset)
    for group in _CODAS:
        coda = next((c for c in group if word.endswith(c)), None)
        if coda is not None:
            variants.update(word[: -len(coda)] + other for other in group if other != coda)
    variants.discard(word)
    return variants


def _postings(docs: set[int]) -> Postings:
    return (next(iter(docs)),) if len(docs) == 1 else frozenset(docs)


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


# --- the process-wide index ----------------------------------------------------------------------

_lock = threading.Lock()
_index: SearchIndex | None = None


def build_index(catalog: Catalog) -> SearchIndex:
    return SearchIndex(catalog.all(), catalog)


def get_index() -> SearchIndex:
    """The index of the current catalogue; rebuilt when :func:`reset_catalog` replaced it."""
    global _index
    catalog = get_catalog()
    index = _index
    if index is None or index.catalog is not catalog:
        with _lock:
            if _index is None or _index.catalog is not catalog:
                _index = build_index(catalog)
            index = _index
    return index


def search(
    query: str | None,
    *,
    filters: SearchFilters | None = None,
    sort: SortOrder = "relevance",
    locale: str = "vi",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    audience: Audience | None = "citizen",
) -> SearchResults:
    """Search the app's catalogue (see :class:`SearchIndex`)."""
    return get_index().search(
        query, filters=filters, sort=sort, locale=locale, limit=limit, offset=offset, audience=audience
    )
