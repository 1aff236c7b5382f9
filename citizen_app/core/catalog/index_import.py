"""The national procedure index (../shared/data/procedure_index.csv) as information-only entries.

The index gives code, name, implementing level and field for about 2,600 procedures. We do not
curate them: they are listed so a citizen can find the procedure, learn where to go and apply
at the agency. Rows live in the database (``catalog_index_procedures``), imported idempotently.

English names come from the glossary (:mod:`citizen_app.core.catalog.glossary`): reviewed for
the most used entries, composed from the glossary's terms for the others. An entry whose name
the glossary cannot fully translate keeps its Vietnamese name in both languages and says so
(``Procedure.english_name_source == "none"``). The audience (citizens, organisations, both)
comes from the taxonomy's audience rules.

Levels. The index lists every level a procedure exists at ("Cấp bộ, Cấp tỉnh, Cấp xã"). A citizen
goes to the nearest office that handles it, so a multi-level value maps to the *lowest* level
present: commune < province < ministry; "Cơ quan khác" (courts, customs offices, other agencies)
counts only when it is the sole value (``other``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from citizen_app.core.catalog.loader import CODE
from citizen_app.core.catalog.model import Level, Localized, Procedure
from citizen_app.core.catalog.taxonomy import Taxonomy
from citizen_app.core.text import fold
from citizen_app.db.models.catalog import IndexedProcedure

INDEX_FILE = "procedure_index.csv"
COLUMNS = ("ministry_folder", "code", "name", "level", "field")

# Folded so "Cấp Xã", "cap xa" and the published spelling all count.
_LEVEL_WORDS: dict[str, Level] = {"cap xa": "commune", "cap tinh": "province", "cap bo": "ministry"}
_LEVEL_ORDER: tuple[Level, ...] = ("commune", "province", "ministry", "other")
_SPACES = re.compile(r"\s+")


def map_level(published: str) -> Level:
    """``"Cấp bộ, Cấp xã"`` → ``commune``: the lowest level a citizen would go to (see the module doc)."""
    found = {_LEVEL_WORDS.get(fold(part)) for part in published.split(",")}
    return next((level for level in _LEVEL_ORDER if level in found), "other")


@dataclass(frozen=True)
class IndexRow:
    code: str
    name: str
    level: Level
    level_source: str
    field_name: str
    ministry: str


@dataclass(frozen=True)
class IndexImportResult:
    read: int
    inserted: int
    updated: int
    unchanged: int
    removed: int
    skipped: tuple[str, ...] = field(default=())  # "line 12: …" for rows that could not be used

    def summary(self) -> str:
        return (
            f"{self.read} rows: {self.inserted} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.removed} removed, {len(self.skipped)} skipped"
        )


def _clean(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip()


def read_index(path: Path) -> tuple[list[IndexRow], list[str]]:
    """Rows of the CSV, and a note for each row skipped (bad code, no name, repeated code)."""
    rows: list[IndexRow] = []
    skipped: list[str] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
        for line, record in enumerate(reader, start=2):
            code, name = _clean(record["code"]), _clean(record["name"])
            if not CODE.match(code):
                skipped.append(f"line {line}: {code!r} is not a procedure code")
            elif not name:
                skipped.append(f"line {line}: {code} has no name")
            elif code in seen:
                skipped.append(f"line {line}: {code} repeats an earlier row")
            else:
                seen.add(code)
                level_source = _clean(record["level"])
                rows.append(
                    IndexRow(
                        code=code,
                        name=name,
                        level=map_level(level_source),
                        level_source=level_source,
                        field_name=_clean(record["field"]),
                        ministry=_clean(record["ministry_folder"]),
                    )
                )
    return rows, skipped


def import_index(session: Session, path: Path) -> IndexImportResult:
    """Make ``catalog_index_procedures`` mirror the CSV: insert, update, remove. Does not commit.

    Idempotent: a second run with the same file changes nothing. Rows no longer in the file are
    removed, since the table only ever holds what the index publishes.
    """
    rows, skipped = read_index(path)
    existing = {p.code: p for p in session.scalars(select(IndexedProcedure))}
    inserted = updated = unchanged = 0
    for row in rows:
        values = {
            "name": row.name,
            "level": row.level,
            "level_source": row.level_source,
            "field_name": row.field_name,
            "ministry": row.ministry,
        }
        current = existing.pop(row.code, None)
        if current is None:
            session.add(IndexedProcedure(code=row.code, **values))
            inserted += 1
        elif any(getattr(current, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(current, key, value)
            updated += 1
        else:
            unchanged += 1
    for gone in existing.values():
        session.delete(gone)
    session.flush()
    return IndexImportResult(len(rows), inserted, updated, unchanged, len(existing), tuple(skipped))


def index_procedure(row: IndexedProcedure | IndexRow, taxonomy: Taxonomy) -> Procedure:
    english = taxonomy.glossary.english_name(row.code, row.name)
    field_slug = taxonomy.index_field(row.field_name).slug
    return Procedure(
        code=row.code,
        name=Localized(vi=row.name, en=english.text) if english.text else Localized.same(row.name),
        field=field_slug,
        level=row.level if row.level in _LEVEL_ORDER else "other",  # type: ignore[arg-type]
        information_only=True,
        source_field=row.field_name or None,
        audience=taxonomy.audience_of(row.code, row.name, field_slug),
        english_name_source=english.source,
    )


def index_table_exists(session: Session) -> bool:
    return inspect(session.connection()).has_table(IndexedProcedure.__tablename__)


def load_index_procedures(session: Session, taxonomy: Taxonomy) -> list[Procedure]:
    """Imported entries as information-only procedures; empty when the table is missing or empty."""
    if not index_table_exists(session):
        return []
    return [index_procedure(row, taxonomy) for row in session.scalars(select(IndexedProcedure))]


def procedures_from_rows(rows: Iterable[IndexRow], taxonomy: Taxonomy) -> list[Procedure]:
    """Entries straight from the CSV, without a database (the search benchmark uses this)."""
    return [index_procedure(row, taxonomy) for row in rows]
