"""Which procedures a citizen's situation is about: the assistant's retrieval model.

Two rankers, fused:

- the catalogue search (:mod:`citizen_app.core.search`): the question as understood by
  :mod:`citizen_app.core.search_query` (i/y, stop words, synonyms and former names, life events,
  typing mistakes), matched word by word;
- a **BM25 model over character n-grams** of the catalogue's own names, in both languages, built
  in memory from the catalogue when the process starts. It reads the question's content words
  (stop words gone, synonyms added as alternatives) as overlapping 3-letter pieces of folded
  words, so a word the search cannot place ("khai sihn", "pasport", "registering") still shares
  most of its pieces with the right name, and a long story keeps the pieces its key words share
  with a name.

Why not a neural embedding model: the packages that run one on the CPU (fastembed, model2vec,
sentence-transformers) fetch their weights from the Hugging Face hub at run time, which this
app must not need; the one that ships weights in its wheel (wordllama) has an English-only
vocabulary. The n-gram model needs no download, no weights, and understands unaccented
Vietnamese and typos, which is what the questions need (docs/assistant.md).

Fusion is a weighted reciprocal-rank sum: the search counts more when its best hit is a strong
match (the event's answer, the name, every word in the name), the n-gram model more when the
search only matched some words or nothing. Weights were set on the search's own question set
(tests/unit/search/questions.yaml), not on the assistant's (tests/unit/assistant/questions.yaml).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from citizen_app.core.catalog.model import Procedure
from citizen_app.core.search import MatchTier, SearchIndex
from citizen_app.core.text import search_tokens

NGRAM = 3
_K1 = 1.2
_B = 0.75
# A piece in more than this share of the names says nothing ("dan", "ng "): skipped, for speed.
_COMMON_SHARE = 0.25
_RRF_K = 2.0
# Reciprocal-rank weights: (search, n-grams), by how the search matched.
_WEIGHTS_STRONG = (1.0, 0.35)
_WEIGHTS_WEAK = (1.0, 1.0)
_STRONG_TIERS = frozenset({MatchTier.EVENT, MatchTier.EXACT, MatchTier.NAME_PREFIX, MatchTier.NAME_ALL_WORDS})
DEPTH = 20  # how many of each ranker's hits are fused
MAX_TEXT_WORDS = 60  # a longer story is read as its first words: enough to say what it is about


def ngrams(words: Iterable[str]) -> Counter[str]:
    """Overlapping 3-letter pieces of each word, padded: "sinh" → " si", "sin", "inh", "nh "."""
    pieces: Counter[str] = Counter()
    for word in words:
        if not word:
            continue
        padded = f" {word} "
        if len(padded) <= NGRAM:
            pieces[padded] += 1
            continue
        for start in range(len(padded) - NGRAM + 1):
            pieces[padded[start : start + NGRAM]] += 1
    return pieces


class NgramModel:
    """BM25 over character n-grams; documents are numbered in the order given."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._count = len(texts)
        postings: dict[str, list[tuple[int, int]]] = {}
        lengths: list[int] = []
        for doc, text in enumerate(texts):
            pieces = ngrams(search_tokens(text))
            lengths.append(sum(pieces.values()))
            for piece, tf in pieces.items():
                postings.setdefault(piece, []).append((doc, tf))
        average = (sum(lengths) / len(lengths)) if lengths else 1.0
        self._norm = [_K1 * (1 - _B + _B * length / average) for length in lengths]
        common = max(1, int(self._count * _COMMON_SHARE))
        self._postings = {piece: tuple(docs) for piece, docs in postings.items() if len(docs) <= common}
        self._idf = {
            piece: math.log(1 + (self._count - len(docs) + 0.5) / (len(docs) + 0.5))
            for piece, docs in self._postings.items()
        }

    def __len__(self) -> int:
        return self._count

    def rank(self, words: Sequence[str], limit: int = DEPTH) -> list[tuple[int, float]]:
        """The best documents for the question's words, best first, with their scores."""
        scores: dict[int, float] = {}
        norm = self._norm
        for piece, query_tf in ngrams(words).items():
            docs = self._postings.get(piece)
            if docs is None:
                continue
            weight = self._idf[piece] * min(query_tf, 2)
            for doc, tf in docs:
                scores[doc] = scores.get(doc, 0.0) + weight * tf * (_K1 + 1) / (tf + norm[doc])
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return best[:limit]


@dataclass(frozen=True)
class Candidate:
    code: str
    score: float
    procedure: Procedure


@dataclass(frozen=True)
class Retrieved:
    candidates: tuple[Candidate, ...]
    events: tuple[str, ...]  # life events the question describes (taxonomy slugs)
    strong: bool  # the search matched the question's words in a name (or its life event)

    @property
    def codes(self) -> list[str]:
        return [candidate.code for candidate in self.candidates]


def _document_text(procedure: Procedure) -> str:
    # The names carry the meaning; the English one only when it differs (index entries without
    # an English name repeat the Vietnamese). Curated summaries add the everyday wording.
    parts = [procedure.name.vi]
    if procedure.name.en != procedure.name.vi:
        parts.append(procedure.name.en)
    if procedure.summary is not None:
        parts.extend((procedure.summary.vi, procedure.summary.en))
    return " ".join(parts)


class Retriever:
    """The search index and the n-gram model over the same procedures."""

    def __init__(self, index: SearchIndex, procedures: Sequence[Procedure]) -> None:
        self._index = index
        # Citizens ask the assistant: procedures only for organisations never come first.
        self._procedures = tuple(procedures)
        self._model = NgramModel([_document_text(p) for p in self._procedures])
        self._organisation_only = frozenset(i for i, p in enumerate(self._procedures) if p.audience == "organisation")

    @property
    def index(self) -> SearchIndex:
        return self._index

    def retrieve(self, question: str, locale: str = "vi", limit: int = 5) -> Retrieved:
        text = " ".join(question.split()[:MAX_TEXT_WORDS])
        results = self._index.search(text, locale=locale, limit=DEPTH)
        analysed = self._index.analyse(text, locale)
        strong = bool(results.hits) and results.hits[0].tier in _STRONG_TIERS
        words: list[str] = []
        for concept in analysed.concepts:
            for alternative in concept.alternatives[:3]:
                words.extend(alternative)
        search_weight, ngram_weight = _WEIGHTS_STRONG if strong else _WEIGHTS_WEAK
        fused: dict[str, float] = {}
        procedure_of: dict[str, Procedure] = {}
        for rank, hit in enumerate(results.hits):
            fused[hit.code] = fused.get(hit.code, 0.0) + search_weight / (_RRF_K + rank)
            procedure_of[hit.code] = hit.procedure
        if words and not analysed.only_event:
            ranked = [(doc, score) for doc, score in self._model.rank(words, DEPTH * 2)]
            ranked.sort(key=lambda item: (item[0] in self._organisation_only, -item[1]))
            for rank, (doc, _score) in enumerate(ranked[:DEPTH]):
                procedure = self._procedures[doc]
                fused[procedure.code] = fused.get(procedure.code, 0.0) + ngram_weight / (_RRF_K + rank)
                procedure_of[procedure.code] = procedure
        if results.events and not strong and self._index.catalog is not None:
            # A life event told with more words than its cue ("ba tôi mới mất hôm qua, gia đình
            # phải làm gì"): the words around it matched nothing strongly, the event did.
            top = max(fused.values(), default=0.0) + 1.0
            for slug in reversed(results.events):
                event = self._index.catalog.life_event(slug)
                for position, code in enumerate(reversed(event.answers if event is not None else ())):
                    procedure = self._index.catalog.get(code)
                    if procedure is not None:
                        fused[code] = top + position
                        procedure_of[code] = procedure
        order = sorted(fused.items(), key=lambda item: -item[1])[:limit]
        return Retrieved(
            tuple(Candidate(code, score, procedure_of[code]) for code, score in order),
            tuple(results.events),
            strong,
        )
