"""``python -m citizen_app <group> <command>``: operator commands.

Each module in :mod:`citizen_app.commands` adds its own group through
``register(subparsers)``, and may offer ``seed()``, which ``setup`` runs to load
demo data after migrating. Adding a command never means editing this file.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
from collections.abc import Callable, Sequence
from types import ModuleType

import citizen_app.commands
from citizen_app.core import transaction_hooks


def command_modules() -> list[ModuleType]:
    return [
        importlib.import_module(f"{citizen_app.commands.__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(citizen_app.commands.__path__), key=lambda i: i.name)
    ]


def seeders() -> list[Callable[[], None]]:
    return [module.seed for module in command_modules() if hasattr(module, "seed")]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m citizen_app")
    groups = parser.add_subparsers(dest="group", required=True)
    for module in command_modules():
        module.register(groups)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # Commands delete drafts with their files and move dossiers (with their emails): same hooks as the app.
    transaction_hooks.install()
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)
