"""Fields (sectors) and life events: ``services_catalog/_taxonomy.yaml``.

National-index fields. The index (../shared/data/procedure_index.csv) names about 140 fields in
Vietnamese. A taxonomy field claims index fields through ``index_names``; an index field that no
taxonomy field claims is not an error: it becomes a field of its own whose slug is the folded
Vietnamese name (``"Thi đua – Khen thưởng"`` → ``thi-dua-khen-thuong``) and whose name is the
Vietnamese text in both languages (``Field.from_index`` is true). Slugs stay stable as long as
the index spells the field the same way, and adding the name to ``index_names`` later moves
those entries under a curated, translated field without touching the database.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from citizen_app.core.catalog.audience import EMPTY_AUDIENCE_RULES, AudienceRules, parse_audience
from citizen_app.core.catalog.glossary import EMPTY_GLOSSARY, Glossary, parse_english_names, parse_glossary
from citizen_app.core.catalog.model import Audience, Field, LifeEvent, Localized
from citizen_app.core.catalog.validate import Reader
from citizen_app.core.catalog.vocabulary import EMPTY_VOCABULARY, SearchVocabulary, parse_vocabulary, phrase
from citizen_app.core.schema_errors import SchemaError, join_path
from citizen_app.core.text import folded_key, slugify

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE = re.compile(r"^\d\.\d{6}$")  # a national procedure code (as in loader.py, which imports this module)
# A life event may be answered by a linked group of procedures (issue 12) once groups exist.
GROUP_ANSWER = re.compile(r"^group:[a-z0-9]+(?:-[a-z0-9]+)*$")
# Index entries with an empty field still need a home on the browse pages.
UNSPECIFIED_FIELD = Field(slug="other", name=Localized(vi="Lĩnh vực khác", en="Other"), from_index=True)


@dataclass(frozen=True)
class Taxonomy:
    fields: Mapping[str, Field]  # in file order
    life_events: Mapping[str, LifeEvent]
    glossary: Glossary = EMPTY_GLOSSARY
    vocabulary: SearchVocabulary = EMPTY_VOCABULARY
    audience: AudienceRules = EMPTY_AUDIENCE_RULES

    def audience_of(self, code: str, name_vi: str, field_slug: str) -> Audience:
        return self.audience.audience_of(code, name_vi, field_slug)

    def index_field(self, index_name: str) -> Field:
        """The field an index entry with this Vietnamese field name belongs to (see the module doc)."""
        key = folded_key(index_name)
        claimed = self._claims().get(key)
        if claimed is not None:
            return self.fields[claimed]
        slug = slugify(index_name)
        if not slug:
            return UNSPECIFIED_FIELD
        if slug in self.fields:
            return self.fields[slug]
        return Field(slug=slug, name=Localized.same(index_name.strip()), from_index=True)

    def _claims(self) -> dict[str, str]:
        claims: dict[str, str] | None = self.__dict__.get("_claims_cache")
        if claims is None:
            claims = {folded_key(name): f.slug for f in self.fields.values() for name in f.index_names}
            # Frozen dataclass: cache through __dict__, the value is derived and never changes.
            object.__setattr__(self, "_claims_cache", claims)
        return claims


EMPTY_TAXONOMY = Taxonomy(fields={}, life_events={})


def parse_taxonomy(raw: object) -> tuple[Taxonomy, list[SchemaError]]:
    reader = Reader()
    data = reader.mapping(raw, "", required=("fields", "life_events"))
    fields: dict[str, Field] = {}
    events: dict[str, LifeEvent] = {}
    if data is None:
        return EMPTY_TAXONOMY, reader.errors
    claimed_by: dict[str, str] = {}
    raw_fields = data.get("fields")
    if "fields" in data and reader.mapping(raw_fields, "fields", any_keys=True) is not None:
        for slug, entry in raw_fields.items():
            field = _parse_field(reader, slug, entry, claimed_by)
            if field is not None:
                fields[field.slug] = field
    raw_events = data.get("life_events")
    if "life_events" in data and reader.mapping(raw_events, "life_events", any_keys=True) is not None:
        for slug, entry in raw_events.items():
            event = _parse_life_event(reader, slug, entry)
            if event is not None:
                events[event.slug] = event
    return Taxonomy(fields=fields, life_events=events), reader.errors


def _slug_ok(reader: Reader, slug: object, path: str) -> bool:
    if not isinstance(slug, str) or not SLUG.match(slug):
        reader.error(path, f"{slug!r} is not a slug (lowercase letters, digits and hyphens)")
        return False
    return True


def _parse_field(reader: Reader, slug: object, entry: Any, claimed_by: dict[str, str]) -> Field | None:
    path = join_path("fields", str(slug))
    if not _slug_ok(reader, slug, path):
        return None
    data = reader.mapping(entry, path, required=("name",), optional=("index_names",))
    if data is None:
        return None
    name = reader.localized(data["name"], join_path(path, "name")) if "name" in data else None
    index_names: list[str] = []
    if "index_names" in data:
        names = reader.items(data["index_names"], join_path(path, "index_names"), reader.string) or []
        for position, index_name in enumerate(names):
            key = folded_key(index_name)
            if key in claimed_by and claimed_by[key] != slug:
                reader.error(
                    join_path(join_path(path, "index_names"), position),
                    f"{index_name!r} is already grouped under {claimed_by[key]!r}",
                )
                continue
            claimed_by[key] = str(slug)
            index_names.append(index_name)
    if name is None:
        return None
    return Field(slug=str(slug), name=name, index_names=tuple(index_names))


def _parse_life_event(reader: Reader, slug: object, entry: Any) -> LifeEvent | None:
    path = join_path("life_events", str(slug))
    if not _slug_ok(reader, slug, path):
        return None
    data = reader.mapping(entry, path, required=("name",), optional=("summary", "cues", "answers"))
    if data is None:
        return None
    name = reader.localized(data["name"], join_path(path, "name")) if "name" in data else None
    summary = reader.localized(data["summary"], join_path(path, "summary")) if "summary" in data else None
    cues = tuple(
        cue
        for position, text in enumerate(
            reader.items(data.get("cues", []), join_path(path, "cues"), reader.string) or ()
        )
        if (cue := _cue(reader, text, join_path(join_path(path, "cues"), position)))
    )
    answers = reader.items(data.get("answers", []), join_path(path, "answers"), reader.string) or []
    for position, answer in enumerate(answers):
        if not (CODE.match(answer) or GROUP_ANSWER.match(answer)):
            where = join_path(join_path(path, "answers"), position)
            reader.error(where, f"{answer!r} is neither a procedure code nor a group (group:<slug>)")
    if cues and not answers:
        reader.error(
            join_path(path, "answers"), "is required with cues: what answers a question about this event"
        )
    if name is None:
        return None
    return LifeEvent(slug=str(slug), name=name, summary=summary, cues=cues, answers=tuple(answers))


def _cue(reader: Reader, text: str, path: str) -> tuple[tuple[str, ...], ...]:
    """``"bố|mẹ + mất|qua đời"`` → each part (split at "+") a tuple of phrases (split at "|")."""
    parts: list[tuple[str, ...]] = []
    for part in text.split("+"):
        phrases = tuple(p.strip().lower() for p in part.split("|") if phrase(p))
        if not phrases:
            reader.error(path, f"{text!r} has an empty part")
            return ()
        parts.append(phrases)
    return tuple(parts)


# --- the other shared data files -------------------------------------------------------------------


def _with_glossary(taxonomy: Taxonomy, raw: object) -> tuple[Taxonomy, list[SchemaError]]:
    glossary, errors = parse_glossary(raw)
    # Reviewed names may have been read first; keep them.
    glossary = dataclasses.replace(glossary, kept=taxonomy.glossary.kept, names=taxonomy.glossary.names)
    return dataclasses.replace(taxonomy, glossary=glossary), errors


def _with_english_names(taxonomy: Taxonomy, raw: object) -> tuple[Taxonomy, list[SchemaError]]:
    glossary, errors = parse_english_names(taxonomy.glossary, raw)
    return dataclasses.replace(taxonomy, glossary=glossary), errors


def _with_vocabulary(taxonomy: Taxonomy, raw: object) -> tuple[Taxonomy, list[SchemaError]]:
    vocabulary, errors = parse_vocabulary(raw)
    return dataclasses.replace(taxonomy, vocabulary=vocabulary), errors


def _with_audience(taxonomy: Taxonomy, raw: object) -> tuple[Taxonomy, list[SchemaError]]:
    rules, errors = parse_audience(raw)
    for slug in rules.fields:
        if slug not in taxonomy.fields:
            errors.append(SchemaError(join_path("fields", slug), "is not a field of _taxonomy.yaml"))
    return dataclasses.replace(taxonomy, audience=rules), errors


# File name → how it extends the taxonomy; read in this order, each only when present.
LANGUAGE_FILES: dict[str, Callable[[Taxonomy, object], tuple[Taxonomy, list[SchemaError]]]] = {
    "_glossary.yaml": _with_glossary,
    "_english_names.yaml": _with_english_names,
    "_synonyms.yaml": _with_vocabulary,
    "_audience.yaml": _with_audience,
}


def merged_fields(taxonomy: Taxonomy, extra: Iterable[Field]) -> dict[str, Field]:
    """Taxonomy fields in file order, then fields made up for the index, by folded name."""
    fields = dict(taxonomy.fields)
    for field in sorted(extra, key=lambda f: folded_key(f.name.vi)):
        fields.setdefault(field.slug, field)
    return fields
