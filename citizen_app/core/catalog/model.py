"""The typed shape of a procedure, as described in docs/catalogue-schema.md.

Everything is frozen: the catalogue is read once per process and shared by every
request, so nothing downstream may change it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

# A channel's fee (fixed, per unit of a form field, with its validity period) and the reductions
# that follow from the date and the answers live in core/fees (issue 11); re-exported here.
from citizen_app.core.fees.compute import fee_for_display
from citizen_app.core.fees.model import Fee, FeeReduction, FeeSchedule

_VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

Channel = Literal["online", "counter", "post"]
# Curated entries are commune or province; the national index also names ministries and
# "other agencies" (courts, customs offices…), which only appear on information-only entries.
Level = Literal["commune", "province", "ministry", "other"]
OnlineLevel = Literal["full", "partial"]
# How a time limit counts: working days skip weekends and public holidays; calendar days do not
# (a calendar-day limit that ends on a day off ends on the next working day, core/calendar.py).
DayUnit = Literal["working", "calendar"]
# Who a procedure is for: people and households, organisations, or both (core/catalog/audience.py).
Audience = Literal["citizen", "organisation", "both"]
# Where the English name comes from, best first: the curated YAML; a person's review of the
# glossary's name; the glossary alone (core/catalog/glossary.py); none (Vietnamese only).
EnglishNameSource = Literal["curated", "reviewed", "glossary", "none"]

CHANNELS: tuple[Channel, ...] = ("online", "counter", "post")
CURATED_LEVELS: tuple[Level, ...] = ("commune", "province")
LEVELS: tuple[Level, ...] = ("commune", "province", "ministry", "other")
ONLINE_LEVELS: tuple[OnlineLevel, ...] = ("full", "partial")
DAY_UNITS: tuple[DayUnit, ...] = ("working", "calendar")
AUDIENCES: tuple[Audience, ...] = ("citizen", "organisation", "both")
# Working days in a calendar week, to compare a calendar-day limit with working-day ones.
_WORKING_DAYS_PER_WEEK = 5


@dataclass(frozen=True)
class Localized(Mapping[str, str]):
    """A text in both languages. A read-only mapping, so ``Translator.pick`` takes it as is."""

    vi: str
    en: str

    def __getitem__(self, key: str) -> str:
        if key == "vi":
            return self.vi
        if key == "en":
            return self.en
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(("vi", "en"))

    def __len__(self) -> int:
        return 2

    def as_dict(self) -> dict[str, str]:
        return {"vi": self.vi, "en": self.en}

    @classmethod
    def same(cls, text: str) -> Localized:
        """Untranslated data (national-index names): the Vietnamese text in both languages."""
        return cls(vi=text, en=text)


@dataclass(frozen=True)
class ProcessingTime:
    """The time limit of one channel: ``days`` counted as ``unit`` says (0 means the same day)."""

    channel: Channel
    days: int
    unit: DayUnit = "working"
    note: Localized | None = None

    @property
    def in_working_days(self) -> int:
        """About how many working days it takes, so limits in either unit can be compared (sorting)."""
        if self.unit == "working":
            return self.days
        return -(-self.days * _WORKING_DAYS_PER_WEEK // 7)




@dataclass(frozen=True)
class Document:
    name: Localized
    originals: int
    copies: int
    required: bool
    note: Localized | None = None


@dataclass(frozen=True)
class LegalBasis:
    number: str
    title: Localized


@dataclass(frozen=True)
class Procedure:
    """One administrative procedure: a curated YAML entry or an information-only index entry."""

    code: str
    name: Localized
    field: str
    level: Level
    summary: Localized | None = None
    life_events: tuple[str, ...] = ()
    agency: Localized | None = None
    online_level: OnlineLevel | None = None
    assurance_level: int = 1
    popular: int | None = None
    processing_time: tuple[ProcessingTime, ...] = ()
    fees: tuple[Fee, ...] = ()
    fee_exemptions: Localized | None = None
    fee_reductions: tuple[FeeReduction, ...] = ()
    # The fee is paid online right after sending (issue 11): the dossier waits in "awaiting payment".
    online_payment: bool = False
    documents: tuple[Document, ...] = ()
    results: tuple[Localized, ...] = ()
    applicants: Localized | None = None
    conditions: Localized | None = None
    legal_basis: tuple[LegalBasis, ...] = ()
    steps: tuple[Localized, ...] = ()
    # The online form (citizen_app.core.forms.schema.FormSchema): the curated one, or the generic
    # partial-online form (core/catalog/online.py). None: the service cannot be applied for here.
    form: Any = None
    # Imported from the national index: name, level and field only; no curated facts (documents,
    # fees, time). Commune- and province-level ones for citizens are applied for with the generic form.
    information_only: bool = False
    # The national index's own Vietnamese field name (information-only entries).
    source_field: str | None = None
    # Extra hidden words for search (unused by the YAML loader; the synthetic generator may set them).
    keywords: tuple[str, ...] = ()
    audience: Audience = "both"
    english_name_source: EnglishNameSource = "curated"
    # Served with the generic partial-online form (core/catalog/online.py), not a curated one.
    generic_form: bool = False

    @property
    def has_english_name(self) -> bool:
        return self.english_name_source != "none"

    @property
    def can_apply_online(self) -> bool:
        return self.form is not None

    @property
    def needs_level_2_online(self) -> bool:
        """Applying online here takes a VNeID level-2 identity."""
        return self.can_apply_online and self.assurance_level >= 2

    @property
    def fastest_working_days(self) -> int | None:
        """The shortest processing time over all channels in working days (calendar-day limits
        converted, :attr:`ProcessingTime.in_working_days`), or None when the catalogue does not say."""
        return min((p.in_working_days for p in self.processing_time), default=None)

    @property
    def lowest_fee_vnd(self) -> int | None:
        """The cheapest way to apply; 0 when a channel is free; None when the catalogue does not say."""
        if self.fees:
            # Today's rates, reductions of the day included (issue 11: a temporary half rate ends on its own).
            today = datetime.now(_VIETNAM).date()
            amounts = [fee_for_display(self.fee_schedule, f.channel, today) for f in self.fees if f.valid_on(today)]
            return min(amounts, default=min(f.amount_vnd for f in self.fees))
        return None if self.information_only else 0

    def processing_time_for(self, channel: Channel) -> ProcessingTime | None:
        return next((p for p in self.processing_time if p.channel == channel), None)

    @property
    def fee_schedule(self) -> FeeSchedule:
        return FeeSchedule(fees=self.fees, reductions=self.fee_reductions)

    def fee_for(self, channel: Channel) -> Fee | None:
        return next((f for f in self.fees if f.channel == channel), None)


@dataclass(frozen=True)
class Field:
    """A sector (lĩnh vực). ``from_index`` marks one made up for a national-index field we do not name."""

    slug: str
    name: Localized
    index_names: tuple[str, ...] = ()
    from_index: bool = False


@dataclass(frozen=True)
class LifeEvent:
    slug: str
    name: Localized
    summary: Localized | None = None
    # How people say it happened: each cue is a tuple of parts, each part the phrases of which
    # one must be in the question ("bố|mẹ + mất|qua đời").
    cues: tuple[tuple[tuple[str, ...], ...], ...] = ()
    # What answers a question about it, best first: procedure codes today; a linked group of
    # procedures ("group:<id>") once groups exist.
    answers: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldCount:
    """A field with how many procedures it holds, for the browse pages."""

    field: Field
    count: int
    curated_count: int

    @property
    def slug(self) -> str:
        return self.field.slug

    @property
    def name(self) -> Localized:
        return self.field.name


@dataclass(frozen=True)
class LifeEventCount:
    life_event: LifeEvent
    count: int

    @property
    def slug(self) -> str:
        return self.life_event.slug

    @property
    def name(self) -> Localized:
        return self.life_event.name

