"""``dossiers purge-drafts|holidays``: operator commands for drafts and the working-day calendar.

``purge-drafts`` is meant for a daily cron (or systemd timer); it deletes drafts
untouched for ``DRAFT_RETENTION_DAYS`` (30 by default) together with their files.
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from citizen_app.settings import get_settings


def register(groups: argparse._SubParsersAction) -> None:
    group = groups.add_parser("dossiers", help="drafts, dossiers and the working-day calendar")
    commands = group.add_subparsers(dest="command", required=True)

    purge = commands.add_parser("purge-drafts", help="delete drafts untouched for N days, with their files")
    purge.add_argument("--days", type=int, default=None, help="retention (default: DRAFT_RETENTION_DAYS)")
    purge.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    purge.set_defaults(handler=_purge)

    holidays = commands.add_parser("holidays", help="list the days off and make-up Saturdays of a year")
    holidays.add_argument("year", nargs="?", type=int, default=None, help="default: this year")
    holidays.set_defaults(handler=_holidays)


def _purge(args: argparse.Namespace) -> int:
    from citizen_app.core.dossiers import purge_stale_drafts
    from citizen_app.db.engine import session_factory, unit_of_work
    from citizen_app.db.models.dossiers import Dossier

    days = args.days if args.days is not None else get_settings().draft_retention_days
    if days < 1:
        print("--days must be at least 1")
        return 2
    now = datetime.now(UTC)
    if args.dry_run:
        with session_factory()() as session:
            count = session.scalar(
                select(func.count(Dossier.id)).where(
                    Dossier.status == "draft", Dossier.last_touched_at < now - timedelta(days=days)
                )
            )
        print(f"{count} drafts untouched for {days} days would be deleted")
        return 0
    with unit_of_work() as session:
        report = purge_stale_drafts(session, now, days)
    # Files are unlinked by the commit at the end of the block above.
    print(f"deleted {report.drafts} drafts untouched for {days} days and {report.files} files")
    return 0


def _holidays(args: argparse.Namespace) -> int:
    from citizen_app.core.calendar import DATA_DIR, default_calendar

    year = args.year or date.today().year
    data = default_calendar().year(year)
    print(f"{year} ({data.status})")
    if data.status == "computed":
        print(f"  no curated file: computed from the holidays package; add {DATA_DIR / f'{year}.toml'}")
    for day in sorted(data.days_off):
        entry = data.days_off[day]
        mark = " (provisional)" if entry.provisional else ""
        print(f"  {day:%a %d/%m/%Y}  off      {entry.kind:<10} {entry.name['vi']}{mark}")
    for day in sorted(data.working_saturdays):
        print(f"  {day:%a %d/%m/%Y}  working  make-up Saturday")
    return 0
