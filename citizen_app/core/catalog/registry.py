"""The catalogue the app serves: curated YAML entries plus imported national-index entries.

Built once per process by :func:`get_catalog` and never changed afterwards (several worker
processes each hold their own read-only copy). Tests and the importer call
:func:`reset_catalog` so the next read sees new data.

Only a whole catalogue is kept. When the database cannot be read, the national index is tried
again a few times with back-off (:data:`INDEX_RETRY_DELAYS`); if it still fails, the curated
catalogue is served on its own, logged as an error, and the index is tried again on a later
request (:data:`RELOAD_BACKOFF`), until it loads. An invalid YAML catalogue is never served:
:class:`CatalogError` stops the app.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from citizen_app.core.catalog.index_import import load_index_procedures
from citizen_app.core.catalog.loader import LoadedCatalog, load_catalog
from citizen_app.core.catalog.model import Field, FieldCount, LifeEvent, LifeEventCount, Procedure
from citizen_app.core.catalog.online import with_online_form
from citizen_app.core.catalog.taxonomy import Taxonomy, merged_fields
from citizen_app.core.text import folded_key
from citizen_app.db.engine import session_factory
from citizen_app.settings import get_settings

log = logging.getLogger(__name__)


def _browse_key(procedure: Procedure) -> tuple[bool, bool, int, str, str]:
    """Curated before information-only; the home page's ``popular`` order first; then by name."""
    return (
        procedure.information_only,
        procedure.popular is None,
        procedure.popular or 0,
        folded_key(procedure.name.vi),
        procedure.code,
    )


class Catalog:
    """Read-only lookups for pages. Every list it returns is in browse order (:func:`_browse_key`)."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        curated: Iterable[Procedure],
        index_entries: Iterable[Procedure] = (),
    ) -> None:
        self.taxonomy = taxonomy
        by_code: dict[str, Procedure] = {p.code: p for p in index_entries}
        # The curated YAML is our checked, translated version of the same procedure: it wins.
        by_code.update({p.code: p for p in curated})
        # Whatever has no form of its own but a citizen can use gets the generic partial-online one.
        by_code = {code: with_online_form(p) for code, p in by_code.items()}
        self._procedures: tuple[Procedure, ...] = tuple(sorted(by_code.values(), key=_browse_key))
        self._by_code = {p.code: p for p in self._procedures}
        made_up = {
            taxonomy.index_field(p.source_field or "").slug: taxonomy.index_field(p.source_field or "")
            for p in self._procedures
            if p.information_only and p.field not in taxonomy.fields
        }
        self._fields: dict[str, Field] = merged_fields(taxonomy, made_up.values())
        self._by_field: dict[str, list[Procedure]] = {}
        self._by_event: dict[str, list[Procedure]] = {}
        for procedure in self._procedures:
            self._by_field.setdefault(procedure.field, []).append(procedure)
            for event in procedure.life_events:
                self._by_event.setdefault(event, []).append(procedure)

    def __len__(self) -> int:
        return len(self._procedures)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> Procedure | None:
        return self._by_code.get(code.strip()) if isinstance(code, str) else None

    def all(self, *, include_information_only: bool = True) -> Sequence[Procedure]:
        if include_information_only:
            return self._procedures
        return tuple(p for p in self._procedures if not p.information_only)

    def curated(self) -> Sequence[Procedure]:
        return self.all(include_information_only=False)

    def field(self, slug: str) -> Field | None:
        return self._fields.get(slug)

    def life_event(self, slug: str) -> LifeEvent | None:
        return self.taxonomy.life_events.get(slug)

    def fields(
        self, *, include_empty: bool = False, include_information_only: bool = True
    ) -> list[FieldCount]:
        """Fields with their procedure counts: taxonomy order, then fields made up for the index."""
        counts: list[FieldCount] = []
        for slug, field in self._fields.items():
            members = self._by_field.get(slug, [])
            curated = sum(1 for p in members if not p.information_only)
            count = len(members) if include_information_only else curated
            if count or include_empty:
                counts.append(FieldCount(field=field, count=count, curated_count=curated))
        return counts

    def life_events(self, *, include_empty: bool = False) -> list[LifeEventCount]:
        counts = [
            LifeEventCount(life_event=event, count=len(self._by_event.get(slug, [])))
            for slug, event in self.taxonomy.life_events.items()
        ]
        return [c for c in counts if c.count or include_empty]

    def by_field(self, slug: str, *, include_information_only: bool = True) -> list[Procedure]:
        members = self._by_field.get(slug, [])
        return list(members) if include_information_only else [p for p in members if not p.information_only]

    def by_life_event(self, slug: str) -> list[Procedure]:
        return list(self._by_event.get(slug, []))

    def popular(self, limit: int = 8) -> list[Procedure]:
        """Curated entries, those with ``popular:`` first in that order, then by name."""
        return [p for p in self._procedures if not p.information_only][: max(limit, 0)]


# --- the process-wide catalogue ------------------------------------------------------------------

# Seconds between the attempts of one load: a database restarting or a pool reconnecting.
INDEX_RETRY_DELAYS = (0.2, 0.5)
# Seconds before a request tries the index again after a load failed, growing with each failure.
RELOAD_BACKOFF = (5.0, 15.0, 60.0, 300.0)


class IndexUnavailable(RuntimeError):
    """The national index could not be read from the database, after every attempt."""


def _read_index(taxonomy: Taxonomy) -> list[Procedure]:
    with session_factory()() as session:
        return load_index_procedures(session, taxonomy)


def _index_from_database(taxonomy: Taxonomy) -> list[Procedure]:
    """The imported entries (empty when none were imported); :class:`IndexUnavailable` when unreadable."""
    attempts = len(INDEX_RETRY_DELAYS) + 1
    for attempt in range(1, attempts + 1):
        try:
            return _read_index(taxonomy)
        except SQLAlchemyError as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            log.warning("national index not read (attempt %d of %d): %s", attempt, attempts, reason)
            if attempt == attempts:
                raise IndexUnavailable(f"national index unreadable after {attempts} attempts: {reason}") from error
            _sleep(INDEX_RETRY_DELAYS[attempt - 1])
    raise AssertionError("unreachable")


def build_catalog(catalog_dir: Path, *, with_index: bool = True) -> Catalog:
    """Load and validate the YAML (raises CatalogError), then add the imported index entries
    (raises :class:`IndexUnavailable` when the database cannot be read)."""
    loaded = load_catalog(catalog_dir)
    index_entries = _index_from_database(loaded.taxonomy) if with_index else []
    return Catalog(loaded.taxonomy, loaded.procedures, index_entries)


@dataclass(frozen=True)
class _Incomplete:
    """The curated catalogue served while the index cannot be read, and when to try again."""

    loaded: LoadedCatalog
    catalog: Catalog
    failures: int
    retry_at: float


_lock = threading.Lock()
_catalog: Catalog | None = None
_incomplete: _Incomplete | None = None
# Replaced by tests (no real waiting, a clock they move).
_sleep = time.sleep
_clock = time.monotonic


def get_catalog() -> Catalog:
    """The catalogue of this process, loaded on first use from Settings.catalog_dir and the database."""
    catalog = _catalog
    if catalog is not None:
        return catalog
    with _lock:
        if _catalog is not None:
            return _catalog
        if _incomplete is not None and _clock() < _incomplete.retry_at:
            return _incomplete.catalog
        return _load()


def _load() -> Catalog:
    """Called with the lock held: a whole catalogue is kept; a curated-only one is served until a retry."""
    global _catalog, _incomplete
    previous = _incomplete
    loaded = previous.loaded if previous else load_catalog(get_settings().catalog_dir)
    try:
        index_entries = _index_from_database(loaded.taxonomy)
    except IndexUnavailable as problem:
        failures = previous.failures + 1 if previous else 1
        wait = RELOAD_BACKOFF[min(failures, len(RELOAD_BACKOFF)) - 1]
        log.error("serving the curated catalogue without the national index, next try in %.0f s: %s", wait, problem)
        # The same object while it lasts, so the search index built on it is not rebuilt on each retry.
        catalog = previous.catalog if previous else Catalog(loaded.taxonomy, loaded.procedures)
        _incomplete = _Incomplete(loaded, catalog, failures, _clock() + wait)
        return catalog
    if previous is not None:
        log.info("national index loaded after %d failed attempt(s)", previous.failures)
    _catalog = Catalog(loaded.taxonomy, loaded.procedures, index_entries)
    _incomplete = None
    return _catalog


def catalog_complete() -> bool:
    """Whether this process serves the national index too (False while the database cannot be read)."""
    return _catalog is not None


def set_catalog(catalog: Catalog | None) -> None:
    """Install a catalogue (tests, the benchmark); ``None`` means load again on next use."""
    global _catalog, _incomplete
    with _lock:
        _catalog = catalog
        _incomplete = None


def reset_catalog() -> None:
    """Forget the loaded catalogue; the search index follows (it is keyed on the catalogue)."""
    set_catalog(None)
