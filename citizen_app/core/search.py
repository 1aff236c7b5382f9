"""Ranked, accent-insensitive search over the catalogue, held in memory.

The index is built once per catalogue (per process) and only read afterwards. Everything is
folded (:mod:`citizen_app.core.text`), so "Đăng ký khai sinh", "dang ky khai sinh" and
"DANG KY KHAI SINH" are the same query.

Matching: every query word must match a word of the procedure, as a whole word or as its
beginning ("dang ky kh" finds "đăng ký khai sinh"), in any order. A one-letter word matches
only as a whole word unless it is the last one typed, which keeps "a b c d…" cheap.

Ranking, best first (:class:`MatchTier`):
  1. exact: the query is the name (Vietnamese or English, with or without the leading
     "Thủ tục"), or the procedure code;
  2. name prefix: the name or code starts with the query ("1.0011", "đăng ký kh");
  3. every query word is in the name (any order);
  4. every query word is somewhere in the entry (summary, field, agency, results…);
  5. only when nothing matches every word (even without filler words such as "how to",
     "như thế nào"): entries matching the most query words, if at least half of them.
Within a tier: curated before information-only; entries holding every word whole before those
where a word only begins a longer one ("tạm trú" before "tạm … trước"); names holding the query
as typed, as a phrase, first; then fewer words in the name (the shorter, more general procedure
first), then the home page's popularity, then name length and code.
Everyday abbreviations are expanded first (cccd → căn cước, gplx → giấy phép lái xe, bhxh…).

Empty query (blank or whitespace): the browse list, every entry passing the filters in browse
order (curated popular first), with tier ``BROWSE``; so a filter-only search works. A query
with no searchable characters at all (emoji, punctuation) matches nothing.

Data structures (target: p95 ≤ 5 ms at 10,000 entries): documents are numbered in tie-break
order, so sorting a tier is sorting small ints; word → posting sets for names and for all text;
sorted vocabularies with bisect for prefixes (short-prefix unions cached, bounded); a sorted
list of folded names for the name-prefix tier; per-filter sets intersected in C.
"""

from __future__ import annotations

import math
import threading
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from typing import Any, Literal

from citizen_app.core.catalog.model import Procedure
from citizen_app.core.catalog.registry import Catalog, get_catalog
from citizen_app.core.text import fold, folded_key, tokenize

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_NAME_PREFIXES = ("thu tuc ",)  # "Thủ tục đăng ký khai sinh" is exactly "đăng ký khai sinh"
_END = "\U0010ffff"
_EMPTY: frozenset[int] = frozenset()
# Most words (codes above all) occur in one entry; a 1-tuple costs a quarter of a 1-element
# frozenset, and set.intersection/union accept either.
Postings = frozenset[int] | tuple[int]

# Words people wrap around what they want: "how to register a birth", "làm hộ chiếu như thế nào",
# "xin cấp giấy phép". Dropped only when the whole query matches nothing, because several are
# also Vietnamese syllables once folded ("the" = thẻ, "can" = căn, "me" = mẹ, "to" = tờ).
_FILLER_WORDS = frozenset(
    {
        # English
        "a", "an", "the", "to", "of", "for", "in", "on", "at", "by", "and", "or", "my", "i", "how",
        "do", "does", "can", "could", "what", "which", "is", "are", "get", "with", "me", "want",
        "need", "please", "where", "when", "procedure", "procedures", "apply",
        # Vietnamese, folded: cách, làm, như thế nào, ở đâu, tôi, muốn, cần, xin, thủ tục, gì, sao
        "cach", "lam", "nhu", "nao", "o", "dau", "toi", "muon", "xin", "thu", "tuc", "gi", "sao",
    }
)
# Abbreviations in everyday use, expanded before matching ("làm cccd", "đổi gplx").
_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "cccd": ("can", "cuoc"),
    "cmnd": ("can", "cuoc"),
    "gplx": ("giay", "phep", "lai", "xe"),
    "bhxh": ("bao", "hiem", "xa", "hoi"),
    "bhyt": ("bao", "hiem", "y", "te"),
    "hkd": ("ho", "kinh", "doanh"),
    "gpxd": ("giay", "phep", "xay", "dung"),
    "lltp": ("ly", "lich", "tu", "phap"),
    "qsdd": ("quyen", "su", "dung", "dat"),
    "gks": ("giay", "khai", "sinh"),
}

SortOrder = Literal["relevance", "name", "processing_time", "fee"]
SORT_ORDERS: tuple[SortOrder, ...] = ("relevance", "name", "processing_time", "fee")


class MatchTier(IntEnum):
    BROWSE = 0
    EXACT = 1
    NAME_PREFIX = 2
    NAME_ALL_WORDS = 3
    OTHER_TEXT = 4
    SOME_WORDS = 5


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


def _static_key(procedure: Procedure) -> tuple[bool, int, float, int, str]:
    core_name = _stripped(folded_key(procedure.name.vi))
    return (
        procedure.information_only,
        core_name.count(" ") + 1,
        procedure.popular if procedure.popular is not None else math.inf,
        len(core_name),
        procedure.code,
    )


def _ranks(count: int, key: Callable[[int], Any]) -> list[int]:
    """``ranks[doc]`` = position of doc when all docs are sorted by ``key(doc)``."""
    ranks = [0] * count
    for position, doc in enumerate(sorted(range(count), key=key)):
        ranks[doc] = position
    return ranks


class SearchIndex:
    """An immutable index over some procedures (normally the whole catalogue)."""

    def __init__(self, procedures: Iterable[Procedure], catalog: Catalog | None = None) -> None:
        self._catalog = catalog
        docs = sorted(procedures, key=_static_key)
        self._docs: tuple[Procedure, ...] = tuple(docs)
        # Folding is most of the build time: fold each name once.
        vi_keys = [folded_key(p.name.vi) for p in docs]
        en_keys = [folded_key(p.name.en) for p in docs]
        # For the phrase check inside a tier; the newline keeps a phrase from spanning both names.
        self._padded_names = [f" {vi} \n {en} " for vi, en in zip(vi_keys, en_keys, strict=True)]
        name_postings: dict[str, set[int]] = {}
        all_postings: dict[str, set[int]] = {}
        exact: dict[str, set[int]] = {}
        prefix_pairs: list[tuple[str, int]] = []
        for doc, procedure in enumerate(docs):
            keys = self._name_keys(procedure, vi_keys[doc], en_keys[doc])
            for key in keys:
                exact.setdefault(key, set()).add(doc)
                prefix_pairs.append((key, doc))
                for token in key.split(" "):
                    name_postings.setdefault(token, set()).add(doc)
            for token in self._other_tokens(procedure):
                all_postings.setdefault(token, set()).add(doc)
        for token, docs_with in name_postings.items():
            all_postings.setdefault(token, set()).update(docs_with)
        self._exact = {k: _postings(v) for k, v in exact.items()}
        prefix_pairs.sort()
        self._prefix_keys = [k for k, _ in prefix_pairs]
        self._prefix_docs = [d for _, d in prefix_pairs]
        self._name_postings = {k: _postings(v) for k, v in name_postings.items()}
        self._all_postings = {k: _postings(v) for k, v in all_postings.items()}
        self._name_vocab = sorted(self._name_postings)
        self._all_vocab = sorted(self._all_postings)
        self._prefix_union = lru_cache(maxsize=4096)(self._prefix_union_uncached)

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
            "name:en": _ranks(len(docs), lambda d: (en_keys[d], d)),
            "processing_time": _ranks(len(docs), lambda d: (_or(docs[d].fastest_working_days, unknown), d)),
            "fee": _ranks(len(docs), lambda d: (_or(docs[d].lowest_fee_vnd, unknown), d)),
        }

    def __len__(self) -> int:
        return len(self._docs)

    @property
    def catalog(self) -> Catalog | None:
        return self._catalog

    # --- building ------------------------------------------------------------------------------

    @staticmethod
    def _name_keys(procedure: Procedure, *folded_names: str) -> set[str]:
        keys: set[str] = set()
        for key in folded_names:
            if key:
                keys.add(key)
                keys.add(_stripped(key))
        code = fold(procedure.code)
        keys.add(code)
        keys.add(code.split(".", 1)[-1])  # "001193": the part people copy from a letter
        return keys

    def _other_tokens(self, procedure: Procedure) -> set[str]:
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
        return {token for text in texts for token in tokenize(text)}

    # --- matching ------------------------------------------------------------------------------

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

    def _match(self, tokens: list[str], allowed: frozenset[int] | None) -> list[tuple[MatchTier, set[int]]]:
        """Each step only when the one before matches nothing:

        1. every word, the last one possibly unfinished ("cấp hộ ch");
        2. every word, any of them possibly unfinished ("dang k khai sinh");
        3. the same without filler words ("how to …", "… như thế nào");
        4. the most words (:meth:`_some_words`).
        Finished words matched whole keep result sets small and relevant: "cấp hộ ch" must not
        also match every "hoạt động … chính".
        """
        content = [t for t in tokens if t not in _FILLER_WORDS]
        attempts = [(tokens, False), (tokens, True)]
        if content and len(content) < len(tokens):
            attempts += [(content, False), (content, True)]
        for words, prefix_all in attempts:
            if prefix_all and all(len(w) < 2 for w in words[:-1]):
                continue  # the same as the strict attempt
            tiers = self._tiers(words, allowed, prefix_all=prefix_all)
            if tiers:
                return tiers
        return self._some_words(content or tokens, allowed)

    @staticmethod
    def _prefix_flags(words: list[str], last: str, prefix_all: bool) -> list[bool]:
        # One-letter words other than the last are always whole: as prefixes they match everything.
        return [w == last or (prefix_all and len(w) > 1) for w in words]

    def _words(self, tokens: list[str], prefix_all: bool) -> tuple[list[str], list[bool], list[Postings]]:
        """Distinct words (at most MAX_QUERY_WORDS), whether each may be a prefix, and their documents."""
        words = list(dict.fromkeys(tokens))[:MAX_QUERY_WORDS]
        prefix_ok = self._prefix_flags(words, tokens[-1], prefix_all)
        return words, prefix_ok, [self._word_docs("all", w, p) for w, p in zip(words, prefix_ok, strict=True)]

    def _tiers(
        self, tokens: list[str], allowed: frozenset[int] | None, *, prefix_all: bool = False
    ) -> list[tuple[MatchTier, set[int]]]:
        """Documents matching every word, grouped by tier, best first, each in one tier only."""
        words, prefix_ok, everywhere = self._words(tokens, prefix_all)
        ordered = sorted(everywhere, key=len)
        matched = set(ordered[0]).intersection(*ordered[1:])
        if allowed is not None:
            matched &= allowed
        if not matched:
            return []
        in_name = [self._word_docs("name", w, p) for w, p in zip(words, prefix_ok, strict=True)]
        all_in_name = matched.intersection(*in_name)
        key = " ".join(tokens)
        exact = matched.intersection(self._exact.get(key, _EMPTY))
        name_prefix = (matched & self._name_prefix_docs(key)) - exact
        all_in_name -= exact
        all_in_name -= name_prefix
        matched -= exact
        matched -= name_prefix
        matched -= all_in_name
        # Within a tier, entries holding every word whole ("tạm trú") come before those where a
        # word only starts another ("tạm … trước"): prefixes are for words still being typed.
        whole = (matched | all_in_name).intersection(*(self._all_postings.get(w, _EMPTY) for w in words))
        return [
            (MatchTier.EXACT, exact),
            (MatchTier.NAME_PREFIX, name_prefix),
            (MatchTier.NAME_ALL_WORDS, all_in_name & whole),
            (MatchTier.NAME_ALL_WORDS, all_in_name - whole),
            (MatchTier.OTHER_TEXT, matched & whole),
            (MatchTier.OTHER_TEXT, matched - whole),
        ]

    def _some_words(
        self, tokens: list[str], allowed: frozenset[int] | None
    ) -> list[tuple[MatchTier, set[int]]]:
        """Entries matching the most words, if that is at least half of them.

        One-letter words do not count here: as a prefix "x" matches half the catalogue, which
        would turn junk such as "drop table x" into hundreds of meaningless hits.
        """
        words, _prefix_ok, everywhere = self._words(tokens, prefix_all=True)
        if len(words) < 2:
            return []
        counts: Counter[int] = Counter()
        for word, docs in zip(words, everywhere, strict=True):
            if len(word) > 1 or word.isdigit():
                counts.update(docs if allowed is None else allowed.intersection(docs))
        if not counts:
            return []
        best = max(counts.values())
        if best * 2 < len(words):
            return []
        return [(MatchTier.SOME_WORDS, {doc for doc, count in counts.items() if count == best})]

    # --- the public entry point ----------------------------------------------------------------

    def search(
        self,
        query: str | None,
        *,
        filters: SearchFilters | None = None,
        sort: SortOrder = "relevance",
        locale: str = "vi",
        limit: int = DEFAULT_LIMIT,
        offset: int = 0,
    ) -> SearchResults:
        """Never raises on any query text; see the module doc for matching and ranking."""
        text = (query if isinstance(query, str) else "").strip()[:MAX_QUERY_LENGTH]
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

        tokens = [word for token in tokenize(text) for word in _ABBREVIATIONS.get(token, (token,))]
        if not tokens:
            return self._results(text, 0, [], offset, limit)
        tiers = self._match(tokens, allowed)
        total = sum(len(docs) for _, docs in tiers)
        end = offset + limit
        chosen: list[tuple[int, MatchTier]] = []
        if sort == "relevance":
            seen = 0
            for tier, docs in tiers:
                if seen >= end:
                    break
                if seen + len(docs) > offset:
                    ranked = self._rank_group(tier, docs, " " + " ".join(tokens))
                    chosen.extend((doc, tier) for doc in ranked[max(offset - seen, 0) : end - seen])
                seen += len(docs)
        else:
            tier_of = {doc: tier for tier, docs in tiers for doc in docs}
            rank = self._sort_rank(sort, locale)
            chosen = [(doc, tier_of[doc]) for doc in sorted(tier_of, key=rank.__getitem__)[offset:end]]
        return self._results(text, total, chosen, offset, limit)

    def _rank_group(self, tier: MatchTier, docs: set[int], phrase: str) -> list[int]:
        """Documents of one group in order: names holding the query as typed come first.

        "thường trú" should list "Đăng ký thường trú" before "Khấu trừ … bồi thường": both hold
        the two words, only one as typed. Checked only for groups that reach the page asked for,
        and not for huge groups (one-letter queries) where it would cost more than it tells.
        """
        if tier not in (MatchTier.NAME_ALL_WORDS, MatchTier.OTHER_TEXT) or len(docs) > 3000:
            return sorted(docs)
        names, docs_ = self._padded_names, self._docs
        # Curated entries still come first: the phrase only reorders within each half.
        return sorted(docs, key=lambda d: (docs_[d].information_only, phrase not in names[d], d))

    def _sort_rank(self, sort: SortOrder, locale: str) -> list[int]:
        if sort == "name":
            return self._sort_ranks["name:en" if locale == "en" else "name:vi"]
        return self._sort_ranks[sort]

    def _results(
        self, text: str, total: int, chosen: list[tuple[int, MatchTier]], offset: int, limit: int
    ) -> SearchResults:
        hits = tuple(SearchHit(self._docs[d].code, tier, self._docs[d]) for d, tier in chosen)
        return SearchResults(query=text, total=total, hits=hits, offset=offset, limit=limit)


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
) -> SearchResults:
    """Search the app's catalogue (see :class:`SearchIndex`)."""
    return get_index().search(query, filters=filters, sort=sort, locale=locale, limit=limit, offset=offset)
