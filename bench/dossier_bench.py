"""Dossiers at scale: a million dossiers in PostgreSQL, then p50/p95 of the queries people wait for.

Run from the project root (PostgreSQL on 127.0.0.1:5432, user postgres, trust)::

    python bench/dossier_bench.py                       # 1,000,000 dossiers, 200 samples per query
    python bench/dossier_bench.py --dossiers 200000 --samples 100

What it does, on a fresh database (``citizen_bench_<random>``, dropped at the end unless --keep):

1. migrates to revision 0005 (every table, the indexes of 0004), untimed;
2. bulk-loads, in the server with ``INSERT … SELECT … FROM generate_series`` (no round trip per row):
   200,000 citizens and 3,400 staff; ``--dossiers`` dossiers over the last two years, with the real
   post-2025 communes (34 provinces, 3,321 communes from the shared CSV), 80 % received by a
   commune's People's Committee and 20 % by a province centre, one in ten more sent to Hà Nội's
   communes (the busiest province: ~12 % of all), every status in a live office's proportions
   (two thirds finished), channel online 60 %, realistic appointments, delays and finish times;
   a rating for a quarter of the finished ones;
3. upgrades to head (migration 0006: the queue, dashboard and audit indexes), timed, then
   ``VACUUM ANALYZE`` as autovacuum would;
4. measures, through the app's own core functions and one session per call as the pages do:
   * "My applications" — ``core.dossiers.applicant_dossiers`` for random citizens;
   * the staff queue — ``core.dossiers.staff_queue.staff_queue`` (first page and its count) for
     random commune desks, and for the Hà Nội service centre (the largest single queue), with the
     default view and each filter;
   * the dashboard — ``core.dashboard.compute_dashboard`` for Hà Nội and Hồ Chí Minh City over 30,
     90 and 365 days, by week or month.

Targets (issue 6): p95 ≤ 50 ms for "My applications" and the queue, ≤ 500 ms for the dashboard.
Figures go to docs/performance.md ("Dossiers at scale").
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

DEFAULT_PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CITIZENS = 200_000
HA_NOI, HCM = "01", "79"
# (code, level, online working days): a mix of the catalogue's commune and province procedures.
PROCEDURES = [
    ("1.004222", "commune", 7), ("1.004194", "commune", 3), ("1.001193", "commune", 1), ("1.000894", "commune", 1),
    ("1.014063", "commune", 7), ("1.001612", "commune", 3), ("1.004873", "commune", 3), ("1.002755", "commune", 3),
    ("1.013225", "commune", 20), ("1.012753", "commune", 17), ("3.000333", "province", 10),
    ("1.001456", "province", 8), ("3.000348", "province", 5), ("3.000347", "province", 5),
]
# status, share (per mille), of a live office: two thirds finished.
STATUSES = [
    ("draft", 50), ("submitted", 30), ("received", 30), ("processing", 60), ("supplement_requested", 20),
    ("approved", 20), ("result_ready", 40), ("returned", 650), ("rejected", 60), ("withdrawn", 40),
]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def communes_csv() -> list[tuple[str, str]]:
    from citizen_app.core.admin_units import UNITS_FILE
    from citizen_app.settings import get_settings

    with (get_settings().shared_data_dir / UNITS_FILE).open(encoding="utf-8") as source:
        return [(row["province_code"], row["commune_code"]) for row in csv.DictReader(source)]


def load(url: str, dossiers: int, seed: float) -> None:
    """Everything in the server: small lookup tables, then INSERT … SELECT over generate_series."""
    engine = create_engine(url)
    units = communes_csv()
    with engine.begin() as db:
        db.execute(text("SELECT setseed(:s)"), {"s": seed})
        db.execute(text("CREATE TEMP TABLE b_communes (n int PRIMARY KEY, province text, commune text)"))
        db.execute(
            text("INSERT INTO b_communes VALUES (:n, :p, :c)"),
            [{"n": i, "p": p, "c": c} for i, (p, c) in enumerate(units)],
        )
        db.execute(text("CREATE TEMP TABLE b_hanoi AS SELECT row_number() OVER (ORDER BY commune) - 1 AS n, "
                        "province, commune FROM b_communes WHERE province = '01'"))
        db.execute(text("CREATE TEMP TABLE b_provinces AS SELECT row_number() OVER (ORDER BY province) - 1 AS n, "
                        "province FROM (SELECT DISTINCT province FROM b_communes) p"))
        db.execute(text("CREATE TEMP TABLE b_procedures (n int, code text, level text, days int)"))
        db.execute(
            text("INSERT INTO b_procedures VALUES (:n, :c, :l, :d)"),
            [{"n": i, "c": c, "l": lv, "d": d} for i, (c, lv, d) in enumerate(PROCEDURES)],
        )
        db.execute(text("CREATE TEMP TABLE b_statuses (lo int, hi int, status text)"))
        edge, rows = 0, []
        for status, share in STATUSES:
            rows.append({"lo": edge, "hi": edge + share, "s": status})
            edge += share
        db.execute(text("INSERT INTO b_statuses VALUES (:lo, :hi, :s)"), rows)
        counts = {
            "communes": len(units),
            "hanoi": db.scalar(text("SELECT count(*) FROM b_hanoi")),
            "provinces": db.scalar(text("SELECT count(*) FROM b_provinces")),
            "procedures": len(PROCEDURES),
        }

        log(f"users: {CITIZENS:,} citizens and one counter officer per commune and province")
        db.execute(text(f"""
            INSERT INTO users (issuer, subject, created_at, display_name, roles, assurance_level, personal_id)
            SELECT 'urn:bench', 'c' || g, now(), 'Công dân ' || g, '["citizen"]'::jsonb, 2,
                   lpad((1000000000 + g)::text, 12, '0')
            FROM generate_series(1, {CITIZENS}) g"""))
        db.execute(text("""
            INSERT INTO users (issuer, subject, created_at, display_name, roles, unit_level, unit_code, assurance_level)
            SELECT 'urn:bench', 's' || commune, now(), 'Cán bộ ' || commune, '["counter_officer"]'::jsonb,
                   'commune', commune, 2 FROM b_communes
            UNION ALL
            SELECT 'urn:bench', 'p' || province, now(), 'Cán bộ ' || province,
                   '["counter_officer","supervisor"]'::jsonb, 'province', province, 2 FROM b_provinces"""))
        first_citizen = db.scalar(text("SELECT min(id) FROM users WHERE subject = 'c1'"))

        log(f"dossiers: {dossiers:,}")
        batch = 250_000
        for start in range(0, dossiers, batch):
            stop = min(dossiers, start + batch)
            db.execute(text(f"""
                WITH base AS (
                    SELECT g,
                           random() AS r_place, random() AS r_proc, random() AS r_status, random() AS r_chan,
                           random() AS r_when, random() AS r_done, random() AS r_late, random() AS r_pick
                    FROM generate_series({start + 1}, {stop}) g
                ), placed AS (
                    SELECT b.*,
                           CASE WHEN b.r_place < 0.10 THEN 'hanoi' WHEN b.r_place < 0.82 THEN 'commune'
                                ELSE 'province' END AS kind,
                           (SELECT s.status FROM b_statuses s
                             WHERE floor(b.r_status * 1000) >= s.lo AND floor(b.r_status * 1000) < s.hi) AS status,
                           now() - (b.r_when * interval '730 days') AS received
                    FROM base b
                ), located AS (
                    SELECT p.*,
                           CASE p.kind WHEN 'hanoi' THEN h.province WHEN 'commune' THEN c.province
                                ELSE pr.province END AS province,
                           CASE p.kind WHEN 'hanoi' THEN h.commune WHEN 'commune' THEN c.commune END AS commune,
                           proc.code, proc.level, proc.days
                    FROM placed p
                    LEFT JOIN b_hanoi h ON p.kind = 'hanoi'
                         AND h.n = floor(p.r_pick * {counts['hanoi']})::int
                    LEFT JOIN b_communes c ON p.kind = 'commune'
                         AND c.n = floor(p.r_pick * {counts['communes']})::int
                    LEFT JOIN b_provinces pr ON p.kind = 'province'
                         AND pr.n = floor(p.r_pick * {counts['provinces']})::int
                    JOIN b_procedures proc ON proc.n = CASE WHEN p.kind = 'province'
                         THEN 10 + floor(p.r_proc * 4)::int ELSE floor(p.r_proc * 10)::int END
                ), timed AS (
                    SELECT l.*,
                           CASE WHEN l.commune IS NULL THEN '000.00.00.H' || l.province
                                ELSE substr(l.commune, 3, 3) || '.' || substr(l.commune, 1, 2) || '.20.H' || l.province
                           END AS agency,
                           l.received + make_interval(days => l.days + l.days / 5 * 2) AS appointment,
                           l.received + make_interval(days => greatest(1, floor((l.days + l.days / 5 * 2)
                                * (0.3 + l.r_done * (CASE WHEN l.r_late < 0.12 THEN 1.6 ELSE 0.9 END)))::int)) AS done
                    FROM located l
                )
                INSERT INTO dossiers (
                    applicant_id, procedure_code, procedure_name, procedure_level, form_version, status, channel,
                    answers, locked_values, provenance, code, agency_code, province_code, commune_code,
                    receiving_unit, applicant, applicant_pid_last4, documents, processing_days, fee_due_vnd,
                    created_at, last_touched_at, received_at, appointment_at, original_appointment_at,
                    status_changed_at, finished_at, supplement_request)
                SELECT
                    {first_citizen} + (g::bigint * 7919) % {CITIZENS},
                    code, jsonb_build_object('vi', 'Thủ tục ' || code, 'en', 'Procedure ' || code), level, 1,
                    status, CASE WHEN r_chan < 0.6 THEN 'online' ELSE 'counter' END,
                    '{{}}'::jsonb, '{{}}'::jsonb, '{{}}'::jsonb,
                    CASE WHEN status = 'draft' THEN NULL
                         ELSE agency || '-' || to_char(received, 'YYMMDD') || '-' || lpad(g::text, 7, '0') END,
                    CASE WHEN status = 'draft' THEN NULL ELSE agency END,
                    CASE WHEN status = 'draft' THEN NULL ELSE province END,
                    CASE WHEN status = 'draft' THEN NULL ELSE commune END,
                    CASE WHEN status = 'draft' THEN NULL
                         ELSE jsonb_build_object('vi', 'Cơ quan ' || agency, 'en', 'Agency ' || agency) END,
                    CASE WHEN status = 'draft' THEN NULL
                         ELSE jsonb_build_object('full_name', 'Công dân ' || g, 'phone', '0912345678') END,
                    CASE WHEN status = 'draft' THEN NULL ELSE lpad((g % 10000)::text, 4, '0') END,
                    '[]'::jsonb, days, 0,
                    received - interval '1 hour',
                    CASE WHEN status IN ('returned', 'rejected', 'withdrawn', 'result_ready')
                         THEN least(done, now()) ELSE received END,
                    CASE WHEN status = 'draft' THEN NULL ELSE received END,
                    CASE WHEN status = 'draft' THEN NULL
                         WHEN r_late < 0.03 AND status IN ('processing', 'received') THEN appointment + interval '5 days'
                         ELSE appointment END,
                    CASE WHEN status = 'draft' THEN NULL ELSE appointment END,
                    received,
                    CASE WHEN status IN ('returned', 'rejected', 'withdrawn', 'result_ready')
                         THEN least(done, now()) END,
                    CASE WHEN status = 'supplement_requested'
                         THEN '{{"fields": ["phone"], "attachments": [], "message": "x"}}'::jsonb END
                FROM timed
                -- A citizen has one open draft per procedure (uq_dossiers_one_draft): a random clash is skipped.
                ON CONFLICT DO NOTHING"""))
            log(f"  {stop:,}")

        log("ratings: a quarter of the finished dossiers")
        db.execute(text("""
            INSERT INTO dossier_ratings (dossier_id, user_id, score, comment, created_at)
            SELECT id, applicant_id, 1 + floor(power(random(), 0.45) * 5)::int % 5, NULL,
                   finished_at + interval '3 hours'
            FROM dossiers WHERE status IN ('returned', 'result_ready', 'rejected') AND random() < 0.25"""))
        made = db.execute(text("SELECT (SELECT count(*) FROM dossiers), (SELECT count(*) FROM dossier_ratings)")).one()
        log(f"loaded {made[0]:,} dossiers and {made[1]:,} ratings")
    engine.dispose()


def vacuum(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as db:
        db.execute(text("VACUUM ANALYZE"))
    engine.dispose()


# --- measuring ---------------------------------------------------------------------------------------


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return p50, p95, ordered[-1]


def timed(engine: Any, call: Callable[[Session], Any], rounds: int) -> list[float]:
    from sqlalchemy.orm import sessionmaker

    factory = sessionmaker(bind=engine, expire_on_commit=False)
    for _ in range(2):  # warm the pool and the plan cache
        with factory() as db, db.begin():
            call(db)
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        with factory() as db, db.begin():
            call(db)
        times.append((time.perf_counter() - began) * 1000)
    return times


def measure(url: str, samples: int, seed: int) -> list[tuple[str, float, float, float, str]]:
    from citizen_app.core.dashboard import DashboardScope, compute_dashboard
    from citizen_app.core.dossiers import Actor, applicant_dossiers
    from citizen_app.core.dossiers.staff_queue import QueueFilters, staff_queue

    rng = random.Random(seed)
    engine = create_engine(url, pool_size=2)
    units = communes_csv()
    province_of = dict((c, p) for p, c in units).get
    with engine.connect() as db:
        citizens = [r[0] for r in db.execute(text("SELECT id FROM users WHERE subject LIKE 'c%' ORDER BY random() LIMIT :n"),
                                             {"n": samples})]
        sizes = db.execute(text(
            "SELECT count(*) FILTER (WHERE agency_code = '004.00.20.H01'), "
            "count(*) FILTER (WHERE agency_code = '000.00.00.H01'), "
            "count(*) FILTER (WHERE province_code = '01'), count(*) FILTER (WHERE province_code = '79') FROM dossiers"
        )).one()
    now = datetime.now(UTC)
    results: list[tuple[str, float, float, float, str]] = []

    def record(name: str, times: list[float], note: str = "") -> None:
        p50, p95, worst = percentiles(times)
        results.append((name, p50, p95, worst, note))
        log(f"{name:<58} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  max {worst:7.2f} ms  {note}")

    mine = iter(citizens * 3)
    record("My applications (applicant_dossiers)",
           timed(engine, lambda db: applicant_dossiers(db, Actor.citizen(next(mine))), samples),
           f"{samples} random citizens")

    communes = rng.sample([c for _p, c in units], min(samples, len(units)))
    desks = iter(communes * 3)

    def desk(level: str, code: str) -> Actor:
        return Actor(role="counter_officer", user_id=1, unit_level=level, unit_code=code)

    record("Queue, first page + count: random commune desks",
           timed(engine, lambda db: staff_queue(db, desk("commune", next(desks)), QueueFilters(), now=now,
                                                province_of=province_of), samples),
           f"{len(communes)} communes")
    centre = desk("province", HA_NOI)
    ba_dinh = desk("commune", "00004")
    for label, actor, filters in (
        ("Queue: Phường Ba Đình, open", ba_dinh, QueueFilters()),
        ("Queue: Hà Nội centre, open", centre, QueueFilters()),
        ("Queue: Hà Nội centre, overdue", centre, QueueFilters(overdue=True)),
        ("Queue: Hà Nội centre, one procedure", centre, QueueFilters(procedure="3.000333")),
        ("Queue: Hà Nội centre, counter channel", centre, QueueFilters(channel="counter")),
        ("Queue: Hà Nội centre, one status (received)", centre, QueueFilters(status="received")),
        ("Queue: Hà Nội centre, all statuses", centre, QueueFilters(status="all")),
    ):
        record(label, timed(engine, lambda db, a=actor, f=filters: staff_queue(db, a, f, now=now,
                                                                              province_of=province_of), samples))
    centre_page_10 = lambda db: staff_queue(db, centre, QueueFilters(), now=now, page=10)  # noqa: E731
    record("Queue: Hà Nội centre, open, page 10", timed(engine, centre_page_10, samples))

    rounds = max(10, samples // 10)
    for province, name in ((HA_NOI, "Hà Nội"), (HCM, "Hồ Chí Minh")):
        for days, granularity in ((30, "week"), (90, "week"), (365, "month")):
            scope = DashboardScope(province)
            start = now - timedelta(days=days)
            record(
                f"Dashboard {name}, {days} days by {granularity}",
                timed(engine, lambda db, s=scope, b=start, g=granularity: compute_dashboard(
                    db, s, start=b, end=now, now=now, granularity=g), rounds),
                f"{rounds} runs",
            )
    engine.dispose()
    log(f"sizes: Ba Đình agency {sizes[0]:,} dossiers, Hà Nội centre {sizes[1]:,}, "
        f"Hà Nội province {sizes[2]:,}, Hồ Chí Minh {sizes[3]:,}")
    return results


def explain(url: str) -> None:
    """The plans behind the figures (the busiest queue's first page; a province's year of dashboard)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session as OrmSession

    from citizen_app.core.dashboard import DashboardScope, compute_dashboard
    from citizen_app.core.dossiers import Actor
    from citizen_app.core.dossiers.staff_queue import QueueFilters, staff_queue

    engine = create_engine(url)
    statements: list[tuple[str, Any]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _capture(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append((statement, parameters))

    now = datetime.now(UTC)
    centre = Actor(role="counter_officer", user_id=1, unit_level="province", unit_code=HA_NOI)
    with OrmSession(engine) as db:
        staff_queue(db, centre, QueueFilters(), now=now)
        compute_dashboard(db, DashboardScope(HA_NOI), start=now - timedelta(days=365), end=now, now=now)
    event.remove(engine, "before_cursor_execute", _capture)
    chosen = [
        ("queue page", next(s for s in statements if "LIMIT" in s[0])),
        ("dashboard resolved", next(s for s in statements if "dossier_ratings" in s[0])),
    ]
    with engine.connect() as db:
        db.exec_driver_sql("SET work_mem = '32MB'")
        for label, (statement, parameters) in chosen:
            log(f"plan: {label}")
            for row in db.exec_driver_sql("EXPLAIN (ANALYZE, COSTS OFF) " + statement, parameters):
                log(f"  {row[0]}")
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg-admin", default=DEFAULT_PG_ADMIN, help="URL of a database to create ours from")
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (its URL is printed)")
    args = parser.parse_args()

    from citizen_app.db.migrate import upgrade

    name = f"citizen_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(args.pg_admin, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(text(f'CREATE DATABASE "{name}"'))
        version = db.scalar(text("SHOW server_version"))
    url = args.pg_admin.rsplit("/", 1)[0] + f"/{name}"
    log(f"database {name} (PostgreSQL {version})")
    try:
        upgrade(url, "0005")
        began = time.perf_counter()
        load(url, args.dossiers, seed=(args.seed % 1000) / 1000)
        log(f"loaded in {time.perf_counter() - began:.0f} s")
        began = time.perf_counter()
        upgrade(url, "head")
        log(f"migration 0006 (indexes) on the loaded table: {time.perf_counter() - began:.1f} s")
        began = time.perf_counter()
        vacuum(url)
        log(f"VACUUM ANALYZE: {time.perf_counter() - began:.0f} s")
        results = measure(url, args.samples, args.seed)
        explain(url)
        targets = {"My applications": 50.0, "Queue": 50.0, "Dashboard": 500.0}
        failed = [
            (name_, p95) for name_, _p50, p95, _worst, _note in results
            if any(name_.startswith(prefix) and p95 > limit for prefix, limit in targets.items())
        ]
        print()
        print("| query | p50 | p95 | max | notes |")
        print("|---|---|---|---|---|")
        for name_, p50, p95, worst, note in results:
            print(f"| {name_} | {p50:.1f} ms | {p95:.1f} ms | {worst:.1f} ms | {note} |")
        if failed:
            print(f"\nover target: {failed}")
        return 1 if failed else 0
    finally:
        from citizen_app.db.engine import reset_engines

        reset_engines()
        if args.keep:
            log(f"kept: {url}")
        else:
            with admin.connect() as db:
                db.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            log(f"dropped {name}")
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
