"""``db upgrade|downgrade`` and ``setup`` (migrate, then load demo data)."""

from __future__ import annotations

import argparse
import logging

from citizen_app.db import migrate

log = logging.getLogger(__name__)


def register(groups: argparse._SubParsersAction) -> None:
    db = groups.add_parser("db", help="database migrations")
    commands = db.add_subparsers(dest="command", required=True)
    up = commands.add_parser("upgrade", help="migrate to the latest schema")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(handler=lambda args: migrate.upgrade(revision=args.revision))
    down = commands.add_parser("downgrade", help="migrate down (default: everything)")
    down.add_argument("revision", nargs="?", default="base")
    down.set_defaults(handler=lambda args: migrate.downgrade(revision=args.revision))

    setup = groups.add_parser("setup", help="migrate the database and load demo data")
    setup.set_defaults(handler=_setup)


def _setup(_args: argparse.Namespace) -> int:
    from citizen_app.cli import seeders

    migrate.upgrade()
    for seed in seeders():
        log.info("seeding: %s", seed.__module__)
        seed()
    return 0
