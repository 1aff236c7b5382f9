"""``units import|show``: provinces and communes (post-2025) from the shared national data."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from citizen_app.core.admin_units import UNITS_FILE, import_units, load_units, reset_admin_units
from citizen_app.settings import get_settings

log = logging.getLogger(__name__)


def register(groups: argparse._SubParsersAction) -> None:
    units = groups.add_parser("units", help="administrative units (provinces and communes)")
    commands = units.add_subparsers(dest="command", required=True)
    load = commands.add_parser("import", help="load the provinces and communes CSV into the database")
    load.add_argument("--path", type=Path, default=None, help=f"CSV (default: SHARED_DATA_DIR/{UNITS_FILE})")
    load.set_defaults(handler=_import)
    show = commands.add_parser("show", help="list the provinces, or the communes of one province")
    show.add_argument("province_code", nargs="?", default=None)
    show.set_defaults(handler=_show)


def run_import(path: Path) -> str:
    from citizen_app.db.engine import unit_of_work

    with unit_of_work() as session:
        result = import_units(session, path)
    for note in result.skipped:
        log.warning("%s: %s", path.name, note)
    reset_admin_units()
    return f"administrative units {path}: {result.summary()}"


def _import(args: argparse.Namespace) -> int:
    path = args.path.resolve() if args.path else get_settings().shared_data_dir / UNITS_FILE
    if not path.exists():
        print(f"not found: {path}")
        return 1
    print(run_import(path))
    return 0


def _show(args: argparse.Namespace) -> int:
    from citizen_app.db.engine import session_factory

    with session_factory()() as session:
        units = load_units(session)
    if not units:
        print("no units in the database: run `python -m citizen_app units import`")
        return 1
    if args.province_code is None:
        for province in units.provinces():
            print(f"{province.code}  {province.name}  ({len(units.communes(province.code))} communes)")
        return 0
    province = units.province(args.province_code)
    if province is None:
        print(f"unknown province code {args.province_code!r}")
        return 1
    print(f"{province.code}  {province.name}")
    for commune in units.communes(province.code):
        print(f"  {commune.code}  {commune.name}  [{commune.kind}]")
    return 0


def seed() -> None:
    """``setup``: load the units when the shared data is there (idempotent)."""
    path = get_settings().shared_data_dir / UNITS_FILE
    if path.exists():
        log.info(run_import(path))
    else:
        log.info("administrative units not loaded: %s not found", path)
