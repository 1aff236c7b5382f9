"""Provinces and communes in force since 1 July 2025 (two-level local government), for address pickers.

The units are imported from ../shared/data/admin_units_2025.csv into ``admin_provinces`` and
``admin_communes`` (``python -m citizen_app units import``; ``setup`` does it too). Lookups read
them once per process and keep them in memory: the data is read-only and small (3,355 rows).
If the tables are missing or empty (a fresh checkout before ``setup``), the lookups read the CSV
directly instead, so address pickers work in development either way.

Ordering follows how people look for a place: by folded name without the kind word, so
"Thành phố Hà Nội" sorts under H and "Phường Ba Đình" under B.
"""

from __future__ import annotations

import csv
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy import inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from citizen_app.core.i18n import N_, Msg
from citizen_app.core.text import sort_key
from citizen_app.db.models.catalog import Commune, Province

log = logging.getLogger(__name__)

UNITS_FILE = "admin_units_2025.csv"
COLUMNS = ("province_code", "province_name", "commune_code", "commune_name", "commune_type")
CommuneKind = Literal["xa", "phuong", "dac_khu"]
COMMUNE_KINDS: tuple[CommuneKind, ...] = ("xa", "phuong", "dac_khu")

_KIND_LABELS: dict[str, str] = {
    "xa": N_("Commune"),
    "phuong": N_("Ward"),
    "dac_khu": N_("Special zone"),
}


@dataclass(frozen=True)
class ProvinceUnit:
    code: str  # 2 digits
    name: str  # official Vietnamese name, e.g. "Thành phố Hà Nội"


@dataclass(frozen=True)
class CommuneUnit:
    code: str  # 5 digits, unique nationally
    name: str  # e.g. "Phường Ba Đình"
    province_code: str
    kind: str  # xa | phuong | dac_khu


def kind_label(kind: str) -> Msg:
    """What a commune-level unit is called, for the reader's language."""
    return Msg(_KIND_LABELS.get(kind, N_("Commune")))


# --- reading the CSV -----------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRows:
    provinces: tuple[ProvinceUnit, ...]
    communes: tuple[CommuneUnit, ...]
    skipped: tuple[str, ...] = field(default=())


def read_units_csv(path: Path) -> UnitRows:
    """Provinces and communes of the CSV; rows with a malformed code or an unknown kind are skipped."""
    provinces: dict[str, ProvinceUnit] = {}
    communes: dict[str, CommuneUnit] = {}
    skipped: list[str] = []
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
        for line, row in enumerate(reader, start=2):
            province_code = (row["province_code"] or "").strip()
            commune_code = (row["commune_code"] or "").strip()
            kind = (row["commune_type"] or "").strip()
            province_name = " ".join((row["province_name"] or "").split())
            commune_name = " ".join((row["commune_name"] or "").split())
            if not (len(province_code) == 2 and province_code.isdigit() and province_name):
                skipped.append(f"line {line}: bad province {province_code!r}")
                continue
            if not (len(commune_code) == 5 and commune_code.isdigit() and commune_name):
                skipped.append(f"line {line}: bad commune {commune_code!r}")
                continue
            if kind not in COMMUNE_KINDS:
                skipped.append(f"line {line}: unknown commune type {kind!r}")
                continue
            if commune_code in communes:
                skipped.append(f"line {line}: commune {commune_code} repeats an earlier row")
                continue
            provinces.setdefault(province_code, ProvinceUnit(province_code, province_name))
            communes[commune_code] = CommuneUnit(commune_code, commune_name, province_code, kind)
    return UnitRows(tuple(provinces.values()), tuple(communes.values()), tuple(skipped))


# --- importing into the database -----------------------------------------------------------------


@dataclass(frozen=True)
class UnitsImportResult:
    provinces: int
    communes: int
    inserted: int
    updated: int
    unchanged: int
    skipped: tuple[str, ...] = field(default=())

    def summary(self) -> str:
        return (
            f"{self.provinces} provinces, {self.communes} communes: {self.inserted} new, "
            f"{self.updated} updated, {self.unchanged} unchanged, {len(self.skipped)} skipped"
        )


def import_units(session: Session, path: Path) -> UnitsImportResult:
    """Insert or update every unit of the CSV. Idempotent; does not commit.

    Units missing from the file are kept: addresses already saved may still name them, and
    a boundary change is a new official list to review, not something to apply silently.
    """
    rows = read_units_csv(path)
    inserted = updated = unchanged = 0
    known_provinces = {p.code: p for p in session.scalars(select(Province))}
    for unit in rows.provinces:
        current = known_provinces.get(unit.code)
        if current is None:
            session.add(Province(code=unit.code, name=unit.name))
            inserted += 1
        elif current.name != unit.name:
            current.name = unit.name
            updated += 1
        else:
            unchanged += 1
    # Communes reference provinces; PostgreSQL checks the key at flush, so provinces go first.
    session.flush()
    known_communes = {c.code: c for c in session.scalars(select(Commune))}
    for unit in rows.communes:
        current_commune = known_communes.get(unit.code)
        values = {"name": unit.name, "province_code": unit.province_code, "kind": unit.kind}
        if current_commune is None:
            session.add(Commune(code=unit.code, **values))
            inserted += 1
        elif any(getattr(current_commune, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(current_commune, key, value)
            updated += 1
        else:
            unchanged += 1
    session.flush()
    return UnitsImportResult(
        len(rows.provinces), len(rows.communes), inserted, updated, unchanged, rows.skipped
    )


# --- lookups -------------------------------------------------------------------------------------


class AdminUnits:
    """Read-only lookups over one set of units."""

    def __init__(self, provinces: Iterable[ProvinceUnit], communes: Iterable[CommuneUnit]) -> None:
        self._provinces = tuple(sorted(provinces, key=lambda p: (sort_key(p.name), p.code)))
        self._province_by_code = {p.code: p for p in self._provinces}
        by_province: dict[str, list[CommuneUnit]] = {}
        self._commune_by_code: dict[str, CommuneUnit] = {}
        for commune in communes:
            self._commune_by_code[commune.code] = commune
            by_province.setdefault(commune.province_code, []).append(commune)
        self._communes_of = {
            code: tuple(sorted(items, key=lambda c: (sort_key(c.name), c.code)))
            for code, items in by_province.items()
        }

    def __bool__(self) -> bool:
        return bool(self._provinces)

    def provinces(self) -> Sequence[ProvinceUnit]:
        return self._provinces

    def communes(self, province_code: str | None) -> Sequence[CommuneUnit]:
        """The communes of a province, sorted for a picker; empty for an unknown code."""
        return self._communes_of.get((province_code or "").strip(), ())

    def province(self, code: str | None) -> ProvinceUnit | None:
        return self._province_by_code.get((code or "").strip())

    def commune(self, code: str | None) -> CommuneUnit | None:
        return self._commune_by_code.get((code or "").strip())

    def province_name(self, code: str | None) -> str | None:
        province = self.province(code)
        return province.name if province else None

    def commune_name(self, code: str | None) -> str | None:
        commune = self.commune(code)
        return commune.name if commune else None

    def is_commune_in_province(self, province_code: str | None, commune_code: str | None) -> bool:
        commune = self.commune(commune_code)
        return commune is not None and commune.province_code == (province_code or "").strip()

    def describe(self, commune_code: str | None) -> str | None:
        """``"Phường Ba Đình, Thành phố Hà Nội"``, as written on Vietnamese documents."""
        commune = self.commune(commune_code)
        if commune is None:
            return None
        province = self.province(commune.province_code)
        return f"{commune.name}, {province.name}" if province else commune.name


def load_units(session: Session) -> AdminUnits:
    """Units from the database; empty when the tables are missing or empty."""
    if not inspect(session.connection()).has_table(Commune.__tablename__):
        return AdminUnits((), ())
    return AdminUnits(
        [ProvinceUnit(p.code, p.name) for p in session.scalars(select(Province))],
        [CommuneUnit(c.code, c.name, c.province_code, c.kind) for c in session.scalars(select(Commune))],
    )


_lock = threading.Lock()
_units: AdminUnits | None = None


def _load_for_process() -> AdminUnits:
    from citizen_app.db.engine import session_factory
    from citizen_app.settings import get_settings

    try:
        with session_factory()() as session:
            units = load_units(session)
        if units:
            return units
    except SQLAlchemyError as error:
        log.warning("administrative units not read from the database: %s", str(error).splitlines()[0])
    path = get_settings().shared_data_dir / UNITS_FILE
    if path.exists():
        rows = read_units_csv(path)
        return AdminUnits(rows.provinces, rows.communes)
    log.warning("no administrative units: run `python -m citizen_app units import`")
    return AdminUnits((), ())


def get_admin_units() -> AdminUnits:
    """This process's units, read on first use (database, else the shared CSV)."""
    global _units
    units = _units
    if units is None:
        with _lock:
            if _units is None:
                _units = _load_for_process()
            units = _units
    return units


def reset_admin_units() -> None:
    global _units
    with _lock:
        _units = None


# Module-level shortcuts for pages and validators.


def provinces() -> Sequence[ProvinceUnit]:
    return get_admin_units().provinces()


def communes(province_code: str | None) -> Sequence[CommuneUnit]:
    return get_admin_units().communes(province_code)


def province_name(code: str | None) -> str | None:
    return get_admin_units().province_name(code)


def commune_name(code: str | None) -> str | None:
    return get_admin_units().commune_name(code)


def is_commune_in_province(province_code: str | None, commune_code: str | None) -> bool:
    return get_admin_units().is_commune_in_province(province_code, commune_code)


def describe(commune_code: str | None) -> str | None:
    return get_admin_units().describe(commune_code)
