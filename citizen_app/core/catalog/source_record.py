"""A procedure's record on the National Public Service Portal (``procedures_raw/<code>.json``), read as a person would.

The crawler flattened the portal's tables into text: a row of the channels table reads
``Trực tuyến8 Ngày làm việc160,000 Việt Nam Đồng(+ 160.000/hộ chiếu …)``, a document reads
``Tờ khai … (Mẫu CT01 …)1 bản chính,1 bản sao``. This module reads those cells back into facts:

* per channel, each time limit: days and unit. "8 Ngày làm việc" is 8 working days, "10 Ngày"
  10 calendar days; a bare "3" has lost its unit (either is possible); "Không có thông tin" says
  nothing. A channel may have several rows (cases with different limits). Where the table's cell
  is terse, a careful reader checks the steps: "Không quá 02 ngày làm việc, kể từ khi nhận đủ hồ
  sơ" there states the limit too (:attr:`SourceRecord.limits_in_steps`).
* per channel, the fees a reader finds: the fee cell ("Miễn phí" is 0; another currency is not
  dong) and every amount of dong its description names (a "free" cell whose description says
  "135.000 đồng/lần" has a fee after all).
* the documents, each with its originals and copies; entries counted "0 bản chính" are notes
  between documents, not documents.

:func:`compare` lists where a curated procedure says something else than its record:
``tests/unit/catalog/test_curated_facts.py`` runs it over the whole catalogue.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from citizen_app.core.catalog.model import Channel, DayUnit, Procedure
from citizen_app.core.text import fold

CHANNEL_WORDS: dict[str, Channel] = {"Trực tuyến": "online", "Dịch vụ bưu chính": "post", "Trực tiếp": "counter"}
_TABLE_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_NOT_STATED = "Không có thông tin"
# One row of the channels table: the channel, the time cell, the fee cell; the description runs
# to the next row. A channel word inside a description ("Nộp hồ sơ Trực tuyến qua …") is not a row:
# a row's channel is followed at once by a time cell and a fee cell.
_ROW = re.compile(
    r"(?P<channel>Trực tuyến|Dịch vụ bưu chính|Trực tiếp)"
    r"(?P<time>\d+(?: Ngày làm việc| Ngày)?|Không có thông tin)"
    r"(?P<fee>Miễn phí|Không có thông tin|[\d.,]+ (?:Việt Nam Đồng|VNĐ|Đồng|USD))"
)
_FEE_CELL = re.compile(r"(?P<amount>[\d.,]+) (?P<currency>Việt Nam Đồng|VNĐ|Đồng|USD)")
# Dong in a description: "135.000 đồng/lần", "320.000đ", "7.000 VNĐ". Thousands in groups of three.
_DONG = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d{3})+|\d+)\s?(?:đồng|đ|VNĐ|VND)(?!\w)", re.IGNORECASE)
# A time limit stated in the steps: "trong thời hạn 05 ngày làm việc", "không quá 02 ngày làm việc".
_LIMIT_IN_STEPS = re.compile(
    r"(?:trong thời hạn|không quá|trong vòng|trong thời gian|thời hạn giải quyết:?)\s*(\d+)\s*ngày( làm việc)?",
    re.IGNORECASE,
)
_COUNT = re.compile(r"(?P<originals>\d+) bản chính(?:,\s*(?P<copies>\d+) bản sao)?")
_DOCUMENT_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
# A section's label ("* Giấy tờ phải nộp:", "* Giấy tờ phải xuất trình:") is not part of a name.
_SECTION = re.compile(r"\*\s*[^*:]{1,80}:")
_WORD = re.compile(r"[a-z0-9]+")
# How much of a curated document's name must be in a record entry's for them to be the same one.
MATCH_SHARE = 0.6


@dataclass(frozen=True)
class SourceTime:
    days: int
    unit: DayUnit | None  # None: the record gives a number without its unit


@dataclass(frozen=True)
class SourceRow:
    channel: Channel
    time: SourceTime | None  # None: not stated
    fee_cell_vnd: int | None  # None: not stated, or not in dong
    described_vnd: frozenset[int] = frozenset()

    @property
    def fees_vnd(self) -> frozenset[int]:
        """Every amount of dong a reader finds for this row."""
        return self.described_vnd | ({self.fee_cell_vnd} if self.fee_cell_vnd is not None else set())


@dataclass(frozen=True)
class SourceDocument:
    name: str
    originals: int
    copies: int


@dataclass(frozen=True)
class SourceRecord:
    code: str
    rows: tuple[SourceRow, ...]
    documents: tuple[SourceDocument, ...]
    limits_in_steps: frozenset[SourceTime] = frozenset()

    def rows_for(self, channel: Channel) -> tuple[SourceRow, ...]:
        return tuple(row for row in self.rows if row.channel == channel)


@dataclass(frozen=True)
class Drift:
    """One curated fact that says something else than the record."""

    code: str
    fact: str  # "time.online", "fee.counter", "document[2]"
    curated: str
    source: str

    def __str__(self) -> str:
        return f"{self.code} {self.fact}: curated {self.curated}, source {self.source}"


# --- reading ----------------------------------------------------------------------------------------------


def _dong(written: str) -> int:
    return int(re.sub(r"[.,]", "", written))


def _time(cell: str) -> SourceTime | None:
    if cell == _NOT_STATED:
        return None
    number, _, unit = cell.partition(" ")
    if unit == "Ngày làm việc":
        return SourceTime(int(number), "working")
    if unit == "Ngày":
        return SourceTime(int(number), "calendar")
    return SourceTime(int(number), None)


def _fee_cell(cell: str) -> int | None:
    if cell == "Miễn phí":
        return 0
    match = _FEE_CELL.fullmatch(cell)
    if match is None or match.group("currency") == "USD":
        return None
    return _dong(match.group("amount"))


def read_rows(text: str) -> tuple[SourceRow, ...]:
    """The channels table (``cach_thuc_thuc_hien``)."""
    body = text[len(_TABLE_HEADER):] if text.startswith(_TABLE_HEADER) else text
    matches = list(_ROW.finditer(body))
    rows = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(body)
        description = body[match.end():end]
        rows.append(
            SourceRow(
                channel=CHANNEL_WORDS[match.group("channel")],
                time=_time(match.group("time")),
                fee_cell_vnd=_fee_cell(match.group("fee")),
                described_vnd=frozenset(_dong(m.group(1)) for m in _DONG.finditer(description)),
            )
        )
    return tuple(rows)


def read_documents(text: str) -> tuple[SourceDocument, ...]:
    """The documents (``thanh_phan_ho_so``): each name runs from the previous count to its own."""
    documents = []
    start = 0
    for match in _COUNT.finditer(text):
        name = _SECTION.sub(" ", text[start:match.start()].replace(_DOCUMENT_HEADER, " ")).strip(" -+*:;.\n")
        start = match.end()
        originals, copies = int(match.group("originals")), int(match.group("copies") or 0)
        if originals or copies:
            documents.append(SourceDocument(name=name, originals=originals, copies=copies))
    return tuple(documents)


def read_limits_in_steps(text: str) -> frozenset[SourceTime]:
    """Time limits the steps (``trinh_tu_thuc_hien``) state in words."""
    return frozenset(
        SourceTime(int(m.group(1)), "working" if m.group(2) else "calendar") for m in _LIMIT_IN_STEPS.finditer(text)
    )


def read_record(raw: dict[str, object]) -> SourceRecord:
    return SourceRecord(
        code=str(raw.get("ma_thu_tuc", "")),
        rows=read_rows(str(raw.get("cach_thuc_thuc_hien") or "")),
        documents=read_documents(str(raw.get("thanh_phan_ho_so") or "")),
        # The steps, and the descriptions in the channels table ("Thời hạn giải quyết: …").
        limits_in_steps=read_limits_in_steps(
            f"{raw.get('trinh_tu_thuc_hien') or ''}\n{raw.get('cach_thuc_thuc_hien') or ''}"
        ),
    )


def load_record(directory: Path, code: str) -> SourceRecord | None:
    """``<directory>/<code>.json``, or None when the crawl has no record of it."""
    path = directory / f"{code}.json"
    if not path.is_file():
        return None
    return read_record(json.loads(path.read_text(encoding="utf-8")))


# --- comparing ----------------------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    """Pairs of neighbouring syllables: Vietnamese words are mostly two syllables ("cam kết",
    "công trình"), and single syllables ("an", "kế") match nearly any long text."""
    syllables = [w for w in _WORD.findall(fold(text)) if not w.isdigit()]
    return frozenset(f"{a} {b}" for a, b in itertools.pairwise(syllables))


def _time_text(days: int, unit: str | None) -> str:
    return f"{days} {unit or 'unit not given'} days"


def matches(name_vi: str, documents: Iterable[SourceDocument]) -> list[SourceDocument]:
    """The record's documents whose names hold most of ``name_vi``'s words (at least :data:`MATCH_SHARE`
    of its pairs of syllables).

    The record often lists a document once per case (a house, a road, a religious building…),
    so one curated document may match several entries.
    """
    wanted = _words(name_vi)
    if not wanted:
        return []
    return [d for d in documents if len(wanted & _words(d.name)) / len(wanted) >= MATCH_SHARE]


def compare(procedure: Procedure, record: SourceRecord) -> list[Drift]:
    """Every curated time limit, fee and document quantity the record contradicts.

    A channel the record has no row for, and a cell it leaves empty, contradict nothing. A time
    limit agrees with the record when a row of its channel gives it (a cell without a unit agrees
    with either), or when the steps state it in words, in the same unit.
    """
    drifts: list[Drift] = []
    for limit in procedure.processing_time:
        stated = [row.time for row in record.rows_for(limit.channel) if row.time is not None]
        if not stated or SourceTime(limit.days, limit.unit) in record.limits_in_steps:
            continue
        if not any(t.days == limit.days and t.unit in (limit.unit, None) for t in stated):
            source = " or ".join(sorted({_time_text(t.days, t.unit) for t in stated}))
            drifts.append(Drift(procedure.code, f"time.{limit.channel}", _time_text(limit.days, limit.unit), source))
    for fee in procedure.fees:
        rows = [row for row in record.rows_for(fee.channel) if row.fees_vnd]
        if not rows:
            continue
        found = frozenset().union(*(row.fees_vnd for row in rows))
        if fee.amount_vnd not in found:
            source = ", ".join(str(amount) for amount in sorted(found))
            drifts.append(Drift(procedure.code, f"fee.{fee.channel}", str(fee.amount_vnd), f"one of {source}"))
    for position, document in enumerate(procedure.documents):
        found = matches(document.name.vi, record.documents)
        quantities = {(d.originals, d.copies) for d in found}
        if found and (document.originals, document.copies) not in quantities:
            source = " or ".join(f"{o} originals, {c} copies" for o, c in sorted(quantities))
            drifts.append(
                Drift(
                    procedure.code,
                    f"documents[{position}]",
                    f"{document.originals} originals, {document.copies} copies",
                    f"{source} ({found[0].name[:50]}…)",
                )
            )
    return drifts


@dataclass
class Comparison:
    """The whole catalogue against the records: what was compared, and every drift."""

    compared: list[str] = field(default_factory=list)
    without_record: list[str] = field(default_factory=list)
    drifts: list[Drift] = field(default_factory=list)


def compare_catalogue(procedures: Iterable[Procedure], directory: Path) -> Comparison:
    result = Comparison()
    for procedure in procedures:
        record = load_record(directory, procedure.code)
        if record is None:
            result.without_record.append(procedure.code)
            continue
        result.compared.append(procedure.code)
        result.drifts.extend(compare(procedure, record))
    return result
