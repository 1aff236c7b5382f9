"""View models of the catalogue screens: search parameters, result cards and the service page.

Plain Python (no Reflex), so the wording and formatting are unit-tested. Every text here is
already in the reader's language; the states copy these objects into their vars. Business
facts (can this be applied for online? what is the cheapest channel?) come from the core.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date, datetime
from urllib.parse import urlencode

from citizen_app.core.catalog import Catalog, Procedure
from citizen_app.core.catalog.labels import (
    FREE,
    channel_label,
    information_only_label,
    level_label,
    online_level_label,
    time_limit_label,
)
from citizen_app.core.catalog.model import LEVELS, ONLINE_LEVELS, Fee
from citizen_app.core.catalog.online import applies_elsewhere
from citizen_app.core.fees import fee_for_display
from citizen_app.core.i18n import N_, NP_, VIETNAM_TZ, Msg, Translator
from citizen_app.core.life_events.groups import groups_with_component, linked_groups
from citizen_app.core.search import MAX_QUERY_LENGTH, SORT_ORDERS, SearchFilters, SearchResults, search
from citizen_app.ui.life_event_view import GroupLink, group_links, groups_for

# The filters people can choose on the results page; "other agency" only tags index entries.
LEVEL_CHOICES: tuple[str, ...] = tuple(level for level in LEVELS if level != "other")
ONLINE_CHOICES: tuple[str, ...] = ONLINE_LEVELS
SORT_LABELS: dict[str, str] = {
    "relevance": N_("Best match"),
    "name": N_("Name (A to Z)"),
    "processing_time": N_("Quickest first"),
    "fee": N_("Cheapest first"),
}
PAGE_SIZE = 20
# The tag of an online level (ResultCard/ServiceView.status_kind) on the page and in the server's first paint.
STATUS_TAG_CLASSES: dict[str, str] = {"full": "tag tag-success", "info": "tag tag-warning"}
STATUS_TAG_DEFAULT = "tag"
# A linked group is suggested for a procedure among this many first results: further down, it is not what was asked for.
GROUPS_FROM_FIRST_RESULTS = 5

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")

# Wording of the summaries (both .po files).
TIME_RANGES = {"working": N_("{low}–{high} working days"), "calendar": N_("{low}–{high} calendar days")}
TIME_UP_TO = N_("Up to {time}")
FEE_FROM = N_("From {amount}")
PER_UNIT = N_("{amount} for each: {unit}")
FEE_FREE_OR_UP_TO = N_("Free or up to {amount}")
ORIGINALS = NP_("{count} original", "{count} originals")
COPIES = NP_("{count} copy", "{count} copies")
REQUIRED = N_("Required")
IF_IT_APPLIES = N_("If it applies")
RESULTS = NP_("{count} service found", "{count} services found")
NO_RESULTS_FOR = N_("No services match “{query}”.")
NO_RESULTS = N_("No services match these filters.")
REASON_INFORMATION_ONLY = N_(
    "You cannot apply for this online: we only have its name and level. Apply at the agency that handles it."
)
REASON_NO_FORM = N_("This service has no online form yet. Apply at the agency.")
REASON_ELSEWHERE = N_(
    "You cannot apply for this here: a ministry or a central agency handles it, not your commune or province."
)
# Facts the national index does not give, for the generic partial-online form.
TIME_NOT_STATED = N_("Not stated in the national list: the agency gives you the date when it receives your application")
FEE_AT_COUNTER = N_("Set by the agency, if there is one: you pay it at the counter")
# What "partial" means (Decree 42/2022), and where the application goes.
PARTIAL_MEANS = N_(
    "This is a partial online service: you send your request and photos or scans of your documents "
    "online, and the agency checks them and tells you if anything is missing. You then show the "
    "original documents, pay any fee and collect the result at the counter."
)
PARTIAL_GOES_TO = {
    "commune": N_(
        "Your application goes to the People's Committee of the commune or ward where you live, "
        "from the address in your VNeID identity or the one you give."
    ),
    "province": N_(
        "Your application goes to the Public Administration Service Centre of the province or city "
        "where you live, from the address in your VNeID identity or the one you give."
    ),
}
APPLY_ELSEWHERE = {
    "ministry": N_(
        "A ministry or a central agency handles this procedure, not your commune or province, so you "
        "cannot apply for it here. Apply to the ministry in charge of this field, or find it on the "
        "National Public Service Portal, dichvucong.gov.vn, which says where and how."
    ),
    "other": N_(
        "An agency outside the communes and provinces handles this procedure (a court, a customs "
        "office or a similar body), so you cannot apply for it here. Apply to that agency, or find it "
        "on the National Public Service Portal, dichvucong.gov.vn, which says where and how."
    ),
}
NEEDS_LEVEL_2 = N_(
    "To apply online you need a level 2 VNeID account: one activated with your chip-based citizen ID card."
)
# English names of national-index entries (core/catalog/glossary.py): say how far to trust them.
NAME_VIETNAMESE_ONLY = N_("Name in Vietnamese only")
NAME_TRANSLATED = N_("Name translated automatically")
NAME_VIETNAMESE_ONLY_LONG = N_("This procedure's name has no English translation yet: it is shown in Vietnamese.")
NAME_TRANSLATED_LONG = N_(
    "This English name was translated automatically from the official Vietnamese name with a glossary "
    "of administrative terms, and has not been reviewed yet."
)
OFFICIAL_NAME = N_("Official name (Vietnamese): {name}")


# --- search parameters ----------------------------------------------------------------------------


def clean_query(text: object) -> str:
    """What goes into the search box and the URL: at most 200 characters, no control characters."""
    if not isinstance(text, str):
        return ""
    return _CONTROL_CHARACTERS.sub(" ", text)[:MAX_QUERY_LENGTH]


@dataclass(frozen=True)
class SearchParams:
    """The results page's state in its URL: ``/vi/search?q=…&level=…&online=…&field=…&event=…&sort=…``.

    Empty strings mean "any"; values that are not known choices are dropped when parsed, so a
    hand-edited or stale link still shows a page.
    """

    q: str = ""
    level: str = ""
    online: str = ""
    field: str = ""
    event: str = ""
    sort: str = "relevance"

    @classmethod
    def from_query(cls, query: Mapping[str, str], catalog: Catalog | None = None) -> SearchParams:
        def choice(name: str, allowed: tuple[str, ...]) -> str:
            value = query.get(name, "")
            return value if value in allowed else ""

        field_slug = query.get("field", "")
        event_slug = query.get("event", "")
        if catalog is not None:
            field_slug = field_slug if catalog.field(field_slug) is not None else ""
            event_slug = event_slug if catalog.life_event(event_slug) is not None else ""
        return cls(
            q=clean_query(query.get("q", "")),
            level=choice("level", LEVEL_CHOICES),
            online=choice("online", ONLINE_CHOICES),
            field=field_slug,
            event=event_slug,
            sort=choice("sort", SORT_ORDERS) or "relevance",
        )

    def filters(self) -> SearchFilters:
        return SearchFilters(
            level=self.level or None,
            online_level=self.online or None,
            field=self.field or None,
            life_event=self.event or None,
        )

    @property
    def active_filters(self) -> int:
        """How many of the collapsible filters (level, online level, field) are set."""
        return sum(1 for value in (self.level, self.online, self.field) if value)

    def query_string(self) -> str:
        """``?q=…&level=…`` with only the parameters that differ from the defaults ("" when none)."""
        pairs = [
            (name, value)
            for name, value in (
                ("q", self.q),
                ("level", self.level),
                ("online", self.online),
                ("field", self.field),
                ("event", self.event),
                ("sort", "" if self.sort == "relevance" else self.sort),
            )
            if value
        ]
        return "?" + urlencode(pairs) if pairs else ""

    def href(self, locale: str) -> str:
        return f"/{locale}/search{self.query_string()}"


# --- result cards ---------------------------------------------------------------------------------


@dataclass
class ResultCard:
    code: str = ""
    name: str = ""
    href: str = ""
    level: str = ""
    status: str = ""  # online level, or "information only"
    status_kind: str = ""  # full | partial | info: picks the tag colour
    time: str = ""  # "" when the catalogue does not say
    fee: str = ""
    name_note: str = ""  # English pages: the name is Vietnamese only, or translated automatically


def status_tag_class(status_kind: str) -> str:
    return STATUS_TAG_CLASSES.get(status_kind, STATUS_TAG_DEFAULT)


def service_href(locale: str, code: str) -> str:
    return f"/{locale}/services/{code}"


def time_summary(procedure: Procedure, t: Translator) -> str:
    """One phrase for every channel: "7 working days", "15–20 working days", "Up to 3 working days",
    "10 calendar days"; limits in both units are listed each in its own."""
    units = {p.unit for p in procedure.processing_time}
    if not units:
        return ""
    if len(units) > 1:
        limits = sorted({(p.in_working_days, p.days, p.unit) for p in procedure.processing_time})
        return ", ".join(t.render(time_limit_label(days, unit)) for _, days, unit in limits)
    (unit,) = units
    days = [p.days for p in procedure.processing_time]
    low, high = min(days), max(days)
    if low == high:
        return t.render(time_limit_label(low, unit))
    if low == 0:
        return t.render(Msg(TIME_UP_TO, {"time": t.render(time_limit_label(high, unit))}))
    return t.render(Msg(TIME_RANGES[unit], {"low": low, "high": high}))


def money(amount_vnd: int, t: Translator) -> str:
    """"Free" for nothing to pay, else the one money format of the language: "20.000 đ" / "VND 20,000"."""
    return t.render(Msg(FREE)) if amount_vnd == 0 else t.format_money(amount_vnd)


def _today() -> date:
    return datetime.now(VIETNAM_TZ).date()


def fee_today(procedure: Procedure, channel: str) -> int:
    """What a channel costs today, reductions of the day included (issue 11: ID cards at half rate)."""
    return fee_for_display(procedure.fee_schedule, channel, _today())


def _fee_note(fee: Fee, t: Translator) -> str:
    """The note of a fee row, after the per-unit fee when there is one ("8.000 đ for each copy …")."""
    note = _text(fee.note, t)
    if fee.per_unit is None:
        return note
    unit = t.render(Msg(PER_UNIT, {"amount": t.format_money(fee.per_unit.amount_vnd), "unit": t.pick(fee.per_unit.label)}))
    return f"{unit}. {note}" if note else unit


def fee_summary(procedure: Procedure, t: Translator) -> str:
    """One phrase for every channel: "Free", "20.000 đ", "From 7.000 đ", "Free or up to 35.000 đ"."""
    amounts = [fee_today(procedure, f.channel) for f in procedure.fees if f.valid_on(_today())]
    if not amounts:
        return "" if procedure.information_only else money(0, t)
    low, high = min(amounts), max(amounts)
    if low == high:
        return money(low, t)
    if low == 0:
        return t.render(Msg(FEE_FREE_OR_UP_TO, {"amount": t.format_money(high)}))
    return t.render(Msg(FEE_FROM, {"amount": t.format_money(low)}))


def status_of(procedure: Procedure, t: Translator) -> tuple[str, str]:
    label = online_level_label(procedure.online_level) if procedure.can_apply_online else None
    if label is not None:
        return t.render(label), procedure.online_level or ""
    if procedure.information_only:
        return t.render(information_only_label()), "info"
    return "", ""


def name_note(procedure: Procedure, t: Translator, *, long: bool = False) -> str:
    """On English pages, whether the name is still Vietnamese only or was translated automatically."""
    if t.locale == "vi" or procedure.english_name_source in ("curated", "reviewed"):
        return ""
    if procedure.english_name_source == "none":
        return t.render(Msg(NAME_VIETNAMESE_ONLY_LONG if long else NAME_VIETNAMESE_ONLY))
    return t.render(Msg(NAME_TRANSLATED_LONG if long else NAME_TRANSLATED))


def official_name(procedure: Procedure, t: Translator) -> str:
    """On English pages, the legal (Vietnamese) name when the page shows a translation of it."""
    if t.locale == "vi" or procedure.name.en == procedure.name.vi:
        return ""
    return t.render(Msg(OFFICIAL_NAME, {"name": procedure.name.vi}))


def result_card(procedure: Procedure, t: Translator) -> ResultCard:
    status, kind = status_of(procedure, t)
    return ResultCard(
        code=procedure.code,
        name=t.pick(procedure.name),
        href=service_href(t.locale, procedure.code),
        level=t.render(level_label(procedure.level)),
        status=status,
        status_kind=kind,
        time=time_summary(procedure, t),
        fee=fee_summary(procedure, t),
        name_note=name_note(procedure, t),
    )


def result_count(results: SearchResults, t: Translator) -> str:
    if results.total == 0:
        return t.render(Msg(NO_RESULTS_FOR, {"query": results.query}) if results.query else Msg(NO_RESULTS))
    return t.plural(RESULTS, results.total)


@dataclass
class ResultsPage:
    """One page of results as the results page shows it (the first HTML response and the state alike)."""

    cards: list[ResultCard]
    total: int
    count_text: str
    has_more: bool
    # Linked groups (issue 12) the search points to, "apply for all of it at once"; first page only.
    groups: list[GroupLink] = dc_field(default_factory=list)


def results_page(params: SearchParams, t: Translator, *, offset: int = 0) -> ResultsPage:
    """Up to ``PAGE_SIZE`` results from ``offset``, in the reader's language (the core ranks them)."""
    results = search(
        params.q, filters=params.filters(), sort=params.sort, locale=t.locale, limit=PAGE_SIZE, offset=offset
    )
    cards = [result_card(hit.procedure, t) for hit in results.hits]
    return ResultsPage(
        cards=cards,
        total=results.total,
        count_text=result_count(results, t),
        has_more=results.has_more,
        groups=search_groups(cards, params.event, t) if offset == 0 else [],
    )


def search_groups(cards: Iterable[ResultCard], event_slug: str, t: Translator) -> list[GroupLink]:
    """The linked groups the life event searched for, or one of the first few results, belongs to."""
    first = [card.code for card in itertools.islice(cards, GROUPS_FROM_FIRST_RESULTS)]
    return group_links(groups_for(first, event_slug, linked_groups().values()), t)


# --- the service page -----------------------------------------------------------------------------


@dataclass
class ChannelRow:
    channel: str = ""
    value: str = ""
    note: str = ""


@dataclass
class DocumentRow:
    name: str = ""
    quantity: str = ""
    required: bool = False
    requirement: str = ""
    note: str = ""


@dataclass
class LegalRow:
    number: str = ""
    title: str = ""


@dataclass
class ServiceView:
    """Everything the service page shows, in the reader's language."""

    code: str = ""
    name: str = ""
    summary: str = ""
    field_name: str = ""
    field_href: str = ""
    level: str = ""
    agency: str = ""
    status: str = ""
    status_kind: str = ""
    information_only: bool = False
    can_apply: bool = False
    apply_href: str = ""
    apply_blocked_reason: str = ""
    # The generic partial-online form: what "partial" means, and where the application goes.
    partial_means: str = ""
    partial_goes_to: str = ""
    # A ministry's or another central agency's procedure: where to apply instead.
    apply_elsewhere: str = ""
    needs_level_2: bool = False
    applicants: str = ""
    conditions: str = ""
    documents: list[DocumentRow] = dc_field(default_factory=list)
    fees: list[ChannelRow] = dc_field(default_factory=list)
    fee_exemptions: str = ""
    times: list[ChannelRow] = dc_field(default_factory=list)
    results: list[str] = dc_field(default_factory=list)
    legal_basis: list[LegalRow] = dc_field(default_factory=list)
    steps: list[str] = dc_field(default_factory=list)
    official_name: str = ""  # English pages: the Vietnamese legal name
    name_note: str = ""  # English pages: the name is Vietnamese only, or translated automatically
    # Linked groups this procedure is part of (issue 12): apply for the whole life event at once.
    groups: list[GroupLink] = dc_field(default_factory=list)


def quantity(originals: int, copies: int, t: Translator) -> str:
    """"1 original, 2 copies"; either part left out when it is zero."""
    parts = []
    if originals:
        parts.append(t.plural(ORIGINALS, originals))
    if copies:
        parts.append(t.plural(COPIES, copies))
    return ", ".join(parts)


def _text(value: Mapping[str, str] | None, t: Translator) -> str:
    return t.pick(value) if value else ""


def apply_blocked_reason(procedure: Procedure, t: Translator) -> str:
    """Why the Apply online button is disabled; "" when it is not."""
    if procedure.can_apply_online:
        return ""
    if applies_elsewhere(procedure):
        return t.gettext(REASON_ELSEWHERE)
    if procedure.information_only:
        return t.render(Msg(REASON_INFORMATION_ONLY))
    return t.render(Msg(REASON_NO_FORM))


def partial_online_texts(procedure: Procedure, t: Translator) -> tuple[str, str]:
    """(what "partial" means, where the application goes) for the generic form; ("", "") otherwise."""
    if not procedure.generic_form:
        return "", ""
    return t.gettext(PARTIAL_MEANS), t.gettext(PARTIAL_GOES_TO.get(procedure.level, PARTIAL_GOES_TO["province"]))


def apply_elsewhere_text(procedure: Procedure, t: Translator) -> str:
    if not applies_elsewhere(procedure):
        return ""
    return t.gettext(APPLY_ELSEWHERE.get(procedure.level, APPLY_ELSEWHERE["other"]))


def service_view(procedure: Procedure, catalog: Catalog, t: Translator) -> ServiceView:
    view = _service_view(procedure, catalog, t)
    view.groups = group_links(groups_with_component(procedure.code), t)
    return view


def _service_view(procedure: Procedure, catalog: Catalog, t: Translator) -> ServiceView:
    status, kind = status_of(procedure, t)
    field_ = catalog.field(procedure.field)
    partial_means, partial_goes_to = partial_online_texts(procedure, t)
    return ServiceView(
        code=procedure.code,
        name=t.pick(procedure.name),
        summary=_text(procedure.summary, t),
        field_name=t.pick(field_.name) if field_ else "",
        field_href=SearchParams(field=procedure.field).href(t.locale) if field_ else "",
        level=t.render(level_label(procedure.level)),
        agency=_text(procedure.agency, t),
        status=status,
        status_kind=kind,
        information_only=procedure.information_only,
        can_apply=procedure.can_apply_online,
        apply_href=f"{service_href(t.locale, procedure.code)}/apply",
        apply_blocked_reason=apply_blocked_reason(procedure, t),
        partial_means=partial_means,
        partial_goes_to=partial_goes_to,
        apply_elsewhere=apply_elsewhere_text(procedure, t),
        needs_level_2=procedure.needs_level_2_online,
        applicants=_text(procedure.applicants, t),
        conditions=_text(procedure.conditions, t),
        documents=[
            DocumentRow(
                name=t.pick(d.name),
                quantity=quantity(d.originals, d.copies, t),
                required=d.required,
                requirement=t.render(Msg(REQUIRED if d.required else IF_IT_APPLIES)),
                note=_text(d.note, t),
            )
            for d in procedure.documents
        ],
        fees=[
            ChannelRow(
                channel=t.render(channel_label(f.channel)),
                value=money(fee_today(procedure, f.channel), t),
                note=_fee_note(f, t),
            )
            for f in procedure.fees
            if f.valid_on(_today())
        ],
        fee_exemptions=_text(procedure.fee_exemptions, t),
        times=[
            ChannelRow(
                channel=t.render(channel_label(p.channel)),
                value=t.render(time_limit_label(p.days, p.unit)),
                note=_text(p.note, t),
            )
            for p in procedure.processing_time
        ],
        results=[t.pick(r) for r in procedure.results],
        legal_basis=[LegalRow(number=b.number, title=t.pick(b.title)) for b in procedure.legal_basis],
        steps=[t.pick(s) for s in procedure.steps],
        official_name=official_name(procedure, t),
        name_note=name_note(procedure, t, long=True),
    )


def code_from_path(path: str) -> str:
    """``/vi/services/1.001193`` → ``1.001193`` (the route's ``[code]``); "" when absent."""
    parts = [part for part in path.split("?", 1)[0].split("/") if part]
    return parts[2] if len(parts) >= 3 and parts[1] == "services" else ""
