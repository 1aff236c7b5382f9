"""The life-event page of a linked group (issue 12), in the reader's language: plain Python, unit-tested."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from citizen_app.core.catalog.labels import time_limit_label
from citizen_app.core.i18n import N_, Msg, Translator
from citizen_app.core.life_events.groups import LinkedGroup

AGENCY_KINDS = {
    "commune_committee": N_("Commune People's Committee"),
    "commune_police": N_("Commune police"),
    "social_insurance": N_("Social insurance agency"),
}
PART_TIME = N_("Part {position}: {time}")
WITH_VERIFICATION = N_("{time}, or {longer} if something must be checked")
AFTER_CUTOFF = N_("Sent after 3 pm, it counts from the next working day.")


@dataclass
class GroupPart:
    position: int = 0
    name: str = ""
    agency: str = ""
    time: str = ""
    service_href: str = ""


@dataclass
class GroupPage:
    slug: str = ""
    name: str = ""
    summary: str = ""
    time: str = ""
    cutoff: str = ""
    parts: list[GroupPart] = field(default_factory=list)


@dataclass
class GroupLink:
    """A pointer to a linked group from the search or a service page."""

    slug: str = ""
    name: str = ""
    href: str = ""


def group_links(groups: Iterable[LinkedGroup], t: Translator) -> list[GroupLink]:
    return [GroupLink(slug=g.slug, name=t.pick(g.name), href=life_event_href(t.locale, g.slug)) for g in groups]


def groups_for(codes: Iterable[str], event_slug: str, groups: Iterable[LinkedGroup]) -> list[LinkedGroup]:
    """The groups a search points to: the life event asked about, or a group a found procedure is part of."""
    wanted = set(codes)
    return [
        g for g in groups
        if (event_slug and g.life_event == event_slug) or any(c.code in wanted for c in g.components)
    ]


def life_event_href(locale: str, slug: str) -> str:
    return f"/{locale}/life-events/{slug}"


def slug_from_path(path: str) -> str:
    """``/vi/life-events/birth`` → ``birth``."""
    parts = [part for part in path.split("?", 1)[0].split("/") if part]
    return parts[2] if len(parts) >= 3 and parts[1] == "life-events" else ""


def group_page(group: LinkedGroup, t: Translator) -> GroupPage:
    total = t.render(time_limit_label(group.working_days, "working"))
    longer = t.render(time_limit_label(group.verification_days, "working"))
    return GroupPage(
        slug=group.slug,
        name=t.pick(group.name),
        summary=t.pick(group.summary),
        time=t.render(Msg(WITH_VERIFICATION, {"time": total, "longer": longer})),
        cutoff=t.gettext(AFTER_CUTOFF),
        parts=[
            GroupPart(
                position=index,
                name=t.pick(component.name),
                agency=t.gettext(AGENCY_KINDS[component.agency_kind]),
                time=t.render(
                    Msg(PART_TIME, {"position": index, "time": t.render(time_limit_label(component.working_days, "working"))})
                ),
                service_href=f"/{t.locale}/services/{component.code}",
            )
            for index, component in enumerate(group.components, start=1)
        ],
    )
