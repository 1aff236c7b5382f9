"""Linked procedure groups: ``services_catalog/groups/<slug>.yaml``.

A group (Decision 296/QĐ-VPCP, 2024) is sent as one application with one form; its component
procedures are handled in turn by their own agencies. A component starts when the one before it
is approved, and may hand a value of its result to the next (``produces`` / ``needs``: the birth
certificate number flows into the residence registration). The whole chain is due within
``working_days`` (online), or ``verification_days`` when the answers say the agency must verify
something (``verification_when``); each component's share is its own ``working_days`` /
``verification_days``, counted one after the other from the receipt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from citizen_app.core.forms.schema import Condition, FormSchema, parse_form

AGENCY_KINDS = ("commune_committee", "commune_police", "social_insurance")
GROUP_CODE_PREFIX = "group:"


class GroupError(ValueError):
    """A group file that cannot be used (the app refuses to start on it, like a procedure file)."""


@dataclass(frozen=True)
class AgeLimit:
    """The component applies only while the person the field dates is younger than ``under_years``."""

    field: str
    under_years: int


@dataclass(frozen=True)
class Component:
    code: str  # the national code of the component procedure
    name: Mapping[str, str]
    agency_kind: str  # commune_committee | commune_police | social_insurance
    working_days: int
    verification_days: int
    produces: str | None = None  # the result value handed on ("birth_certificate_number")
    produces_label: Mapping[str, str] | None = None
    needs: str | None = None
    age_limit: AgeLimit | None = None


@dataclass(frozen=True)
class LinkedGroup:
    slug: str
    index_code: str  # the national index's own entry for the linked procedure ("" when it has none)
    life_event: str  # taxonomy slug of the life event it answers
    name: Mapping[str, str]
    summary: Mapping[str, str]
    components: tuple[Component, ...]
    working_days: int
    verification_days: int
    verification_when: Condition | None
    form: FormSchema
    # The answer holding the address the parts are about (the child's or the deceased's residence).
    address_field: str
    # The answer choosing another commune of the province as the receiving office (optional).
    receiving_field: str | None = None

    @property
    def code(self) -> str:
        """What the umbrella dossier carries as its procedure code."""
        return GROUP_CODE_PREFIX + self.slug

    def needs_verification(self, answers: Mapping[str, Any]) -> bool:
        if self.verification_when is None:
            return False
        return self.verification_when.holds(answers.get(self.verification_when.field))

    def days(self, answers: Mapping[str, Any]) -> int:
        return self.verification_days if self.needs_verification(answers) else self.working_days

    def component_days(self, component: Component, answers: Mapping[str, Any]) -> int:
        return component.verification_days if self.needs_verification(answers) else component.working_days


def slug_of(procedure_code: str) -> str | None:
    return procedure_code[len(GROUP_CODE_PREFIX):] if procedure_code.startswith(GROUP_CODE_PREFIX) else None


def _localized(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not all(isinstance(raw.get(k), str) and raw.get(k) for k in ("vi", "en")):
        raise GroupError(f"{where}: needs {{vi: …, en: …}}")
    return {"vi": str(raw["vi"]), "en": str(raw["en"])}


def _int(raw: Any, where: str) -> int:
    if not isinstance(raw, int) or raw < 0 or raw > 60:
        raise GroupError(f"{where}: a number of working days (0 to 60)")
    return raw


def parse_group(raw: Any, source: str) -> LinkedGroup:
    if not isinstance(raw, Mapping):
        raise GroupError(f"{source}: not a mapping")
    form, errors = parse_form(raw.get("form"), f"{source}: form")
    if form is None:
        raise GroupError("; ".join(str(e) for e in errors))
    components = []
    for index, item in enumerate(raw.get("components") or ()):
        where = f"{source}: components[{index}]"
        if not isinstance(item, Mapping) or item.get("agency") not in AGENCY_KINDS:
            raise GroupError(f"{where}: agency must be one of {AGENCY_KINDS}")
        age = item.get("age_limit")
        components.append(
            Component(
                code=str(item["code"]),
                name=_localized(item.get("name"), f"{where}.name"),
                agency_kind=str(item["agency"]),
                working_days=_int(item.get("working_days"), f"{where}.working_days"),
                verification_days=_int(item.get("verification_days"), f"{where}.verification_days"),
                produces=item.get("produces"),
                produces_label=_localized(item["produces_label"], f"{where}.produces_label")
                if item.get("produces") else None,
                needs=item.get("needs"),
                age_limit=AgeLimit(str(age["field"]), int(age["under_years"])) if age else None,
            )
        )
    if len(components) < 2:
        raise GroupError(f"{source}: a linked group has at least two components")
    produced = set()
    for component in components:
        if component.needs and component.needs not in produced:
            raise GroupError(f"{source}: {component.code} needs {component.needs!r}, which no earlier part produces")
        if component.produces:
            produced.add(component.produces)
        if component.age_limit and form.field(component.age_limit.field) is None:
            raise GroupError(f"{source}: age_limit names no field {component.age_limit.field!r}")
    group = LinkedGroup(
        slug=str(raw["slug"]),
        index_code=str(raw.get("index_code") or ""),
        life_event=str(raw["life_event"]),
        name=_localized(raw.get("name"), f"{source}: name"),
        summary=_localized(raw.get("summary"), f"{source}: summary"),
        components=tuple(components),
        working_days=_int(raw.get("working_days"), f"{source}: working_days"),
        verification_days=_int(raw.get("verification_days"), f"{source}: verification_days"),
        verification_when=_condition(raw.get("verification_when"), source),
        form=form,
        address_field=str(raw["address_field"]),
        receiving_field=raw.get("receiving_field"),
    )
    for name in (group.address_field, group.receiving_field):
        if name and (form.field(name) is None or form.field(name).type != "address"):  # type: ignore[union-attr]
            raise GroupError(f"{source}: {name!r} must be an address field of the form")
    shares = sum(c.working_days for c in components), sum(c.verification_days for c in components)
    if shares != (group.working_days, group.verification_days):
        raise GroupError(f"{source}: the parts' days {shares} do not add up to the group's")
    return group


def _condition(raw: Any, source: str) -> Condition | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or "field" not in raw or not ("equals" in raw or "in" in raw):
        raise GroupError(f"{source}: verification_when needs field and equals (or in)")
    if "in" in raw:
        return Condition(field=str(raw["field"]), one_of=tuple(raw["in"]))
    return Condition(field=str(raw["field"]), equals=raw["equals"])


def load_groups(directory: Path) -> dict[str, LinkedGroup]:
    groups: dict[str, LinkedGroup] = {}
    folder = directory / "groups"
    if not folder.is_dir():
        return groups
    for path in sorted(folder.glob("*.yaml")):
        group = parse_group(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
        if group.slug in groups:
            raise GroupError(f"{path.name}: group {group.slug!r} twice")
        groups[group.slug] = group
    return groups


@lru_cache(maxsize=4)
def _cached(directory: str) -> dict[str, LinkedGroup]:
    return load_groups(Path(directory))


def linked_groups() -> dict[str, LinkedGroup]:
    """The groups of this process's catalogue (``Settings.catalog_dir``), read once."""
    from citizen_app.settings import get_settings

    return _cached(str(get_settings().catalog_dir))


def linked_group(slug: str) -> LinkedGroup | None:
    return linked_groups().get(slug)


def group_of_code(procedure_code: str) -> LinkedGroup | None:
    slug = slug_of(procedure_code)
    return linked_group(slug) if slug else None


def groups_with_component(code: str) -> list[LinkedGroup]:
    """The groups a procedure is part of (its service page points to them)."""
    return [g for g in linked_groups().values() if any(c.code == code for c in g.components)]
