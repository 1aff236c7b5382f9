"""Payment notifications per second on PostgreSQL, with duplicates, and zero double credits (issue 11).

Run from the project root (PostgreSQL on 127.0.0.1:5432, user postgres, trust)::

    python bench/payment_bench.py                          # 6,000 orders, 10 % duplicates, 4 × 4 workers
    python bench/payment_bench.py --orders 20000 --duplicates 0.1 --processes 4 --threads 8

On a fresh database (``bench_payments_<random>``, dropped afterwards unless --keep), migrated with
Alembic: ``--orders`` dossiers awaiting payment, each with a pending gateway order, spread over
``--agencies`` receiving communes (each agency has its own fee receipt series). Untimed.

The timed part: every order's signed IPN (the VNPAY v2.1.0 fields, HMAC-SHA512) plus
``--duplicates`` × orders replays of random ones, shuffled so a replay may race its original,
handled through the app's own endpoint function (``core.payments.service.vnpay_ipn``, one
``unit_of_work`` transaction each: signature, order, amount, dossier row lock, conditional
credit, fee receipt number, status change with its event, audit and notification) by
``--processes`` processes × ``--threads`` threads, each with its own connection.

Checks afterwards: every order paid exactly once, one ``paid`` payment per dossier, every dossier
out of "awaiting payment", every replay answered ``02`` (already confirmed), fee receipt numbers
unique and gapless per agency. Target: ≥ 300 notifications/s. Figures: docs/performance.md.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

DEFAULT_PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FEE = 16_000
COMMUNES = ["00004", "00008", "00025", "00031", "00070", "00082", "00091", "00103"]


def prepare(url: str, orders: int, agencies: int) -> list[dict[str, str]]:
    """Dossiers awaiting payment with one pending order each; returns each order's signed IPN."""
    from citizen_app.core.agencies import receiving_agency
    from citizen_app.core.payments import vnpay
    from citizen_app.db.models.dossiers import Dossier
    from citizen_app.db.models.identity import User
    from citizen_app.db.models.payments import Payment
    from citizen_app.settings import get_settings

    settings = get_settings()
    engine = create_engine(url)
    now = datetime.now(UTC) - timedelta(minutes=1)
    ipns: list[dict[str, str]] = []
    batch = 500
    for start in range(0, orders, batch):
        with Session(engine) as db, db.begin():
            users = [User(issuer="https://bench.invalid", subject=uuid.uuid4().hex, display_name="Bench",
                          roles=["citizen"]) for _ in range(start, min(start + batch, orders))]
            db.add_all(users)
            db.flush()
            for offset, user in enumerate(users):
                index = start + offset
                agency = receiving_agency("commune", "01", COMMUNES[index % agencies])
                dossier = Dossier(
                    applicant_id=user.id, procedure_code="1.001193", procedure_name={"vi": "Khai sinh", "en": "Birth"},
                    procedure_level="commune", form_version=1, status="awaiting_payment", channel="online",
                    answers={"copies": 2}, locked_values={}, provenance={}, code=f"{agency.code}-261204-{index:04d}"
                    if index < 10_000 else f"{agency.code}-261205-{index - 10_000:04d}",
                    agency_code=agency.code, province_code="01", commune_code=COMMUNES[index % agencies],
                    processing_days=1, fee_due_vnd=FEE, received_at=now, appointment_at=now + timedelta(days=1),
                    original_appointment_at=now + timedelta(days=1), status_changed_at=now, last_touched_at=now,
                    created_at=now, fee_breakdown={"channel": "online", "lines": [], "total_vnd": FEE},
                )
                db.add(dossier)
                db.flush()
                order = f"HS{dossier.id}XBENCH"
                db.add(Payment(dossier_id=dossier.id, order_ref=order, provider="vnpay", amount_vnd=FEE,
                               currency="VND", status="pending", created_at=now))
                answer = {
                    "vnp_Amount": str(FEE * 100), "vnp_BankCode": "NCB", "vnp_OrderInfo": f"Le phi {dossier.code}",
                    "vnp_PayDate": vnpay.vnp_time(now), "vnp_ResponseCode": "00", "vnp_TmnCode": settings.vnpay_tmn_code,
                    "vnp_TransactionNo": str(10_000_000 + index), "vnp_TransactionStatus": "00", "vnp_TxnRef": order,
                }
                answer["vnp_SecureHash"] = vnpay.sign(answer, settings.vnpay_hash_secret)
                ipns.append(answer)
    engine.dispose()
    return ipns


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _backend_cpu_seconds(url: str, database: str) -> float | None:
    """CPU time of the PostgreSQL server processes serving ``database`` (their whole life), when they run on
    this machine and /proc can be read; None otherwise."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            pids = connection.execute(
                text("select pid from pg_stat_activity where datname = :name and pid <> pg_backend_pid()"),
                {"name": database},
            ).scalars().all()
        total = 0.0
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total
    except (OSError, IndexError, ValueError):
        return None
    finally:
        engine.dispose()


def _worker(url: str, shares: list[list[dict[str, str]]], barrier: Any, results: Any, done: Any) -> None:
    from citizen_app.core import transaction_hooks
    from citizen_app.core.payments import service
    from citizen_app.db.engine import reset_engines, unit_of_work
    from citizen_app.settings import get_settings, reset_settings_cache

    os.environ["DATABASE_URL"] = url
    os.environ["DB_POOL_SIZE"] = str(len(shares) + 2)
    reset_settings_cache()
    reset_engines()
    transaction_hooks.install()
    settings = get_settings()
    with unit_of_work() as db:  # open a connection before the clock starts, as a running app has
        db.execute(text("select 1"))
    local = threading.Barrier(len(shares))
    out: list[dict[str, Any]] = [{} for _ in shares]

    def run(slot: int) -> None:
        latencies: list[float] = []
        codes: Counter[str] = Counter()
        errors: list[str] = []
        if slot == 0:
            barrier.wait()
        local.wait()
        for params in shares[slot]:
            begin = time.perf_counter()
            try:
                with unit_of_work() as db:
                    answer = service.vnpay_ipn(db, settings, params, datetime.now(UTC))
                codes[answer["RspCode"]] += 1
            except Exception as problem:  # counted and shown: the bench must finish
                errors.append(repr(problem)[:200])
            latencies.append(time.perf_counter() - begin)
        out[slot] = {"latencies": latencies, "codes": dict(codes), "errors": errors, "end": time.time()}

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(shares))]
    cpu_before = _cpu_seconds()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out[0]["cpu"] = _cpu_seconds() - cpu_before  # this process's CPU time while handling its share
    results.put(out)
    done.wait()  # keep the connections (and their server processes) until the main process has read their CPU time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=6000)
    parser.add_argument("--duplicates", type=float, default=0.10, help="replays, as a share of the orders")
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4, help="per process")
    parser.add_argument("--agencies", type=int, default=4)
    parser.add_argument("--pg-admin-url", default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_PG_ADMIN))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    args.agencies = max(1, min(args.agencies, len(COMMUNES)))

    workdir = Path(tempfile.mkdtemp(prefix="payment-bench-"))
    os.environ["DATA_DIR"] = str(workdir / "data")
    from citizen_app.db.migrate import upgrade
    from citizen_app.settings import reset_settings_cache

    reset_settings_cache()
    admin = create_engine(args.pg_admin_url, isolation_level="AUTOCOMMIT")
    name = f"bench_payments_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = args.pg_admin_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        upgrade(url)
        ipns = prepare(url, args.orders, args.agencies)
        rng = random.Random(11)
        replays = [dict(rng.choice(ipns)) for _ in range(int(len(ipns) * args.duplicates))]
        stream = ipns + replays
        rng.shuffle(stream)
        workers = args.processes * args.threads
        shares = [stream[i::workers] for i in range(workers)]
        ctx = mp.get_context("spawn")
        barrier, results, done = ctx.Barrier(args.processes + 1), ctx.Queue(), ctx.Event()
        procs = [
            ctx.Process(
                target=_worker, args=(url, shares[p * args.threads:(p + 1) * args.threads], barrier, results, done)
            )
            for p in range(args.processes)
        ]
        for proc in procs:
            proc.start()
        load_before = os.getloadavg()
        barrier.wait()
        started = time.time()
        outs = [results.get() for _ in procs]
        backend_cpu = _backend_cpu_seconds(url, name)
        done.set()
        for proc in procs:
            proc.join()
        app_cpu = sum(out[0].get("cpu", 0.0) for out in outs)
        slots = [slot for out in outs for slot in out]
        wall = max(slot["end"] for slot in slots) - started
        latencies = sorted(x for slot in slots for x in slot["latencies"])
        codes: Counter[str] = Counter()
        for slot in slots:
            codes.update(slot["codes"])
        errors = [e for slot in slots for e in slot["errors"]]

        engine = create_engine(url)
        with engine.connect() as connection:
            paid = connection.execute(text("select count(*) from payments where status = 'paid'")).scalar_one()
            double = connection.execute(text(
                "select count(*) from (select dossier_id from payments where status = 'paid' "
                "group by dossier_id having count(*) > 1) x")).scalar_one()
            waiting = connection.execute(text(
                "select count(*) from dossiers where status = 'awaiting_payment'")).scalar_one()
            receipts = connection.execute(text(
                "select count(distinct receipt_number), count(receipt_number) from payments")).one()
            gapless = all(
                last == count for last, count in connection.execute(text(
                    "select max(cast(right(receipt_number, 6) as integer)), count(*) from payments "
                    "where receipt_number is not null group by substr(receipt_number, 1, 18)"))
            )
            credited_events = connection.execute(text(
                "select count(*) from dossier_events where action = 'pay'")).scalar_one()
        engine.dispose()

        def pct(p: float) -> float:
            return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

        print(f"\n{len(stream)} notifications ({len(ipns)} orders + {len(replays)} replays), "
              f"{args.processes} processes × {args.threads} threads, {args.agencies} agencies; "
              f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}; load average (1, 5, 15 min) "
              f"{' '.join(f'{x:.2f}' for x in load_before)} before, {' '.join(f'{x:.2f}' for x in os.getloadavg())} after")
        print("| notifications | wall | notifications/s | p50 | p95 | p99 | RspCode 00 | RspCode 02 | other | errors "
              "| paid | double credits | still awaiting | pay events | receipt numbers unique, gapless |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        other = sum(v for k, v in codes.items() if k not in ("00", "02"))
        print(f"| {len(stream)} | {wall:.2f} s | {len(stream) / wall:.0f} | {pct(0.5):.1f} ms | {pct(0.95):.1f} ms | "
              f"{pct(0.99):.1f} ms | {codes['00']} | {codes['02']} | {other} | {len(errors)} | {paid} | {double} | "
              f"{waiting} | {credited_events} | {receipts[0] == receipts[1] == paid and gapless} |")
        if errors:
            print("first errors:", errors[:3])
        print(f"median latency {statistics.median(latencies) * 1000:.1f} ms")
        # What the machine's load does not change much: CPU time per notification, and the rate it allows.
        per_app = app_cpu / len(stream) * 1000
        line = f"CPU per notification: app processes {per_app:.2f} ms"
        if backend_cpu is not None:
            per_db = backend_cpu / len(stream) * 1000
            line += (f" + PostgreSQL server processes {per_db:.2f} ms = {per_app + per_db:.2f} ms"
                     f" → at most {(os.cpu_count() or 1) * 1000 / (per_app + per_db):.0f}/s on {os.cpu_count()} free CPUs"
                     " (WAL writer and checkpoints not counted)")
        print(line)
        ok = paid == len(ipns) and double == 0 and waiting == 0 and codes["02"] == len(replays) and not errors
        return 0 if ok else 1
    finally:
        from citizen_app.db.engine import reset_engines

        reset_engines()
        if not args.keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
