"""``catalog check|import-index|synth|stats``: the services catalogue from the command line."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from citizen_app.core.catalog import check_catalog, reset_catalog
from citizen_app.core.catalog.index_import import INDEX_FILE, import_index
from citizen_app.core.catalog.loader import TAXONOMY_FILE, load_catalog
from citizen_app.core.catalog.synthetic import generate, write_directory
from citizen_app.settings import get_settings

log = logging.getLogger(__name__)


def register(groups: argparse._SubParsersAction) -> None:
    catalog = groups.add_parser("catalog", help="the services catalogue")
    commands = catalog.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="validate every catalogue file; print each problem")
    check.add_argument("--dir", type=Path, default=None, help="catalogue directory (default: CATALOG_DIR)")
    check.set_defaults(handler=_check)

    index = commands.add_parser("import-index", help="load the national procedure index into the database")
    index.add_argument("--path", type=Path, default=None, help=f"CSV (default: SHARED_DATA_DIR/{INDEX_FILE})")
    index.set_defaults(handler=_import_index)

    synth = commands.add_parser("synth", help="write synthetic procedures (scale tests)")
    synth.add_argument("--count", type=int, default=1000)
    synth.add_argument("--seed", type=int, default=2025)
    synth.add_argument("--out", type=Path, required=True, help="directory to write (taxonomy copied too)")
    synth.set_defaults(handler=_synth)

    stats = commands.add_parser("stats", help="count entries per field and life event")
    stats.set_defaults(handler=_stats)

    coverage = commands.add_parser("coverage", help="how much of the catalogue can be applied for online")
    coverage.set_defaults(handler=_coverage)


def _check(args: argparse.Namespace) -> int:
    directory = args.dir.resolve() if args.dir else get_settings().catalog_dir
    loaded = check_catalog(directory)
    for problem in loaded.problems:
        print(problem)
    if loaded.problems:
        print(f"{len(loaded.problems)} problem(s) in {loaded.files} file(s) of {directory}")
        return 1
    with_form = sum(1 for p in loaded.procedures if p.form is not None)
    print(
        f"OK: {len(loaded.procedures)} procedures, {with_form} with an online form (forms checked), "
        f"{len(loaded.taxonomy.fields)} fields, {len(loaded.taxonomy.life_events)} life events in {directory}"
    )
    return 0


def _index_path(args: argparse.Namespace) -> Path:
    return args.path.resolve() if args.path else get_settings().shared_data_dir / INDEX_FILE


def _import_index(args: argparse.Namespace) -> int:
    path = _index_path(args)
    if not path.exists():
        print(f"not found: {path}")
        return 1
    print(run_index_import(path))
    return 0


def run_index_import(path: Path) -> str:
    from citizen_app.db.engine import unit_of_work

    with unit_of_work() as session:
        result = import_index(session, path)
    for note in result.skipped:
        log.warning("%s: %s", path.name, note)
    reset_catalog()
    return f"national index {path}: {result.summary()}"


def _synth(args: argparse.Namespace) -> int:
    catalog_dir = get_settings().catalog_dir
    taxonomy = load_catalog(catalog_dir).taxonomy
    written = write_directory(list(generate(args.count, taxonomy, seed=args.seed)), args.out,
                              catalog_dir / TAXONOMY_FILE)
    print(f"wrote {written} synthetic procedures (seed {args.seed}) to {args.out}")
    return 0


def _stats(_args: argparse.Namespace) -> int:
    from citizen_app.core.catalog import get_catalog

    catalog = get_catalog()
    curated = len(catalog.curated())
    print(f"{len(catalog)} procedures: {curated} curated, {len(catalog) - curated} information only")
    for count in catalog.fields():
        print(f"  field {count.slug:40} {count.count:5}  (curated {count.curated_count})")
    for event in catalog.life_events(include_empty=True):
        print(f"  life event {event.slug:35} {event.count:5}")
    return 0


def seed() -> None:
    """``setup``: load the national index when the shared data is there (idempotent)."""
    path = get_settings().shared_data_dir / INDEX_FILE
    if path.exists():
        log.info(run_index_import(path))
    else:
        log.info("national index not loaded: %s not found", path)


def _coverage(_args: argparse.Namespace) -> int:
    """The curated YAML and the national index CSV, as the app serves them (no database needed)."""
    from citizen_app.core.catalog import Catalog
    from citizen_app.core.catalog.index_import import procedures_from_rows, read_index
    from citizen_app.core.catalog.online import online_coverage

    settings = get_settings()
    loaded = load_catalog(settings.catalog_dir)
    path = settings.shared_data_dir / INDEX_FILE
    rows = read_index(path)[0] if path.exists() else []
    catalog = Catalog(loaded.taxonomy, loaded.procedures, procedures_from_rows(rows, loaded.taxonomy))
    print(f"{len(loaded.procedures)} curated entries, {len(rows)} index rows ({path})")
    for line in online_coverage(catalog.all()).lines():
        print(line)
    return 0
