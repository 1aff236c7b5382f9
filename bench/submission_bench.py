"""Submissions per second and p95 latency with concurrent submitters, on PostgreSQL and SQLite.

Run from the project root (PostgreSQL on 127.0.0.1:5432, user postgres, trust)::

    python bench/submission_bench.py                 # 50 submitters × 40 each, both backends
    python bench/submission_bench.py --backends postgresql --submitters 50 --per-submitter 100

For each backend: a fresh database (a new PostgreSQL database, dropped afterwards
unless --keep; a new SQLite file), migrated with Alembic; then
``submitters × per-submitter`` complete drafts (one citizen each, prefilled, one
JPEG attached) are prepared, untimed. The timed part releases all submitters at
once: ``--processes`` worker processes (like app workers), each running its share
of the submitters as threads, each thread with its own database connection,
submitting its drafts one after another with ``core.dossiers.submit`` in its own
``unit_of_work`` transaction (server-side validation, claim, code allocation,
appointment, events, audit, commit). Latency is per submission, begin to commit.

By default every dossier goes to the same commune (--agencies 1): the worst case
for the per-agency daily sequence, whose row lock serialises those submissions.
Afterwards the bench checks that every code is unique and that each agency's
numbers run 0001..N without gaps. Figures go to docs/performance.md ("Submissions").
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.orm import Session

DEFAULT_PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# Real commune codes of Hà Nội (admin_units_2025.csv), so the real admin-units check accepts them.
COMMUNES = ["00004", "00008", "00025", "00070", "00082", "00091", "00097", "00103", "00118", "00127",
            "00136", "00145", "00160", "00166", "00175", "00190", "00199", "00226", "00229", "00235"]


def L(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


# A typical residence-registration form: prefilled identity, contact, an address, choices, a group.
RAW_FORM: dict[str, Any] = {
    "version": 1,
    "steps": [
        {"id": "applicant", "title": L("Người yêu cầu", "Applicant"), "fields": [
            {"id": "full_name", "type": "text", "label": L("Họ tên", "Name"), "required": True,
             "prefill": "identity.full_name"},
            {"id": "personal_id", "type": "personal_id", "label": L("Số định danh", "ID"), "required": True,
             "prefill": "identity.personal_id"},
            {"id": "birth_date", "type": "date", "label": L("Ngày sinh", "Born"), "required": True,
             "prefill": "identity.date_of_birth", "validation": {"not_future": True}},
            {"id": "phone", "type": "phone", "label": L("Điện thoại", "Phone"), "required": True,
             "prefill": "contact.phone"},
            {"id": "email", "type": "email", "label": L("Email", "Email"), "prefill": "contact.email"},
        ]},
        {"id": "residence", "title": L("Nơi thường trú", "Residence"), "fields": [
            {"id": "new_address", "type": "address", "label": L("Địa chỉ", "Address"), "required": True,
             "prefill": "contact.current_address"},
            {"id": "reason", "type": "select", "label": L("Lý do", "Reason"), "required": True,
             "options": [{"value": "family", "label": L("Gia đình", "Family")},
                         {"value": "other", "label": L("Khác", "Other")}]},
            {"id": "reason_other", "type": "textarea", "label": L("Ghi rõ", "Details"), "required": True,
             "show_if": {"field": "reason", "equals": "other"}},
            {"id": "members", "type": "group", "label": L("Người cùng chuyển", "Members"), "max_items": 5,
             "fields": [{"id": "name", "type": "text", "label": L("Họ tên", "Name"), "required": True},
                        {"id": "birth_year", "type": "number", "label": L("Năm sinh", "Born"),
                         "validation": {"min": 1900, "max": 2100}}]},
            {"id": "declaration", "type": "checkbox", "label": L("Cam đoan", "Declaration"),
             "required": True},
        ]},
    ],
    "attachments": [{"id": "proof", "label": L("Giấy tờ chỗ ở", "Proof of residence"), "required": True,
                     "max_files": 2}],
}


def _terms() -> Any:
    from citizen_app.core.dossiers import ProcedureTerms
    from citizen_app.core.forms import parse_form

    form, errors = parse_form(RAW_FORM)
    assert form is not None, errors
    return ProcedureTerms(
        code="1.004859", name=L("Đăng ký thường trú", "Permanent residence registration"),
        level="commune", form=form, processing_days={"online": 7, "counter": 7},
        fees_vnd={"online": 10_000, "counter": 20_000},
    )


def _profile(index: int, commune: str) -> Any:
    from citizen_app.core.identity.profile_view import Address, ProfileView

    return ProfileView(
        personal_id=f"0010{90 + index % 10:02d}{index:06d}", full_name=f"Nguyễn Văn Thử {index}",
        date_of_birth=date(1990 + index % 10, 1 + index % 12, 1 + index % 28), sex="male",
        place_of_origin="Hà Nội", permanent_address=None, assurance_level=2, phone="0912345678",
        email=f"thu{index}@example.vn", current_address=Address("01", commune, f"{index} Phố Đội Cấn"),
    )


def bench_engine(url: str, pool_size: int) -> Engine:
    """Like ``db.engine.make_engine`` but with one pooled connection per submitter thread."""
    if url.startswith("sqlite"):
        engine = create_engine(url, pool_size=pool_size, max_overflow=0,
                               connect_args={"check_same_thread": False, "timeout": 60})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.close()

        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=0)


def prepare(url: str, count: int, agencies: int) -> list[tuple[int, int, int]]:
    """``count`` complete drafts (draft id, applicant id, profile index), each with one JPEG attached."""
    import io

    from PIL import Image

    from citizen_app.core import attachments, dossiers, transaction_hooks
    from citizen_app.core.dossiers import Actor
    from citizen_app.db.models.identity import User

    transaction_hooks.install()  # the attached files follow the transaction, as in the app
    image = io.BytesIO()
    Image.new("RGB", (320, 240), "teal").save(image, "JPEG")
    photo = image.getvalue()
    terms = _terms()
    engine = bench_engine(url, 2)
    now = datetime.now(UTC)
    drafts: list[tuple[int, int, int]] = []
    batch = 200
    for start in range(0, count, batch):
        with Session(engine) as db, db.begin():
            for index in range(start, min(start + batch, count)):
                user = User(issuer="https://bench.invalid", subject=uuid.uuid4().hex, display_name="Bench",
                            roles=["citizen"])
                db.add(user)
                db.flush()
                actor = Actor.citizen(user.id)
                commune = COMMUNES[index % agencies]
                view = dossiers.start_draft(db, actor, terms, _profile(index, commune), now=now)
                dossiers.save_draft(db, view.dossier_id, actor, {
                    "reason": "family", "declaration": True,
                    "members": [{"name": "Nguyễn Thị Thử", "birth_year": 2015}],
                }, 1, now=now)
                attachments.add_attachment(db, view.dossier_id, actor, slot_id="proof", filename="so-do.jpg",
                                           data=photo, slot_max_files=2, now=now)
                drafts.append((view.dossier_id, user.id, index))
    engine.dispose()
    return drafts


def _worker(url: str, shares: list[list[tuple[int, int, int]]], agencies: int, barrier: Any,
            results: Any) -> None:
    """One process: a thread per submitter share, all released together with the other processes."""
    from citizen_app.core import admin_units, dossiers
    from citizen_app.core.dossiers import Actor

    terms = _terms()
    engine = bench_engine(url, len(shares))
    names = (admin_units.province_name, admin_units.commune_name)
    checker = admin_units.is_commune_in_province
    checker("01", "00004")  # load the units before the clock starts
    # Open every connection before the start, as running app workers would have them.
    with engine.connect() as warm:
        warm.execute(text("select 1"))
    local_barrier = threading.Barrier(len(shares))
    out: list[dict[str, Any]] = [{} for _ in shares]

    def run(slot: int) -> None:
        latencies: list[float] = []
        codes: list[str] = []
        errors: list[str] = []
        if slot == 0:
            barrier.wait()
        local_barrier.wait()
        started = time.time()
        for draft_id, applicant_id, index in shares[slot]:
            commune = COMMUNES[index % agencies]
            begin = time.perf_counter()
            try:
                with Session(engine, expire_on_commit=False) as db, db.begin():
                    result = dossiers.submit(
                        db, draft_id, Actor.citizen(applicant_id), submission_key=str(uuid.uuid4()),
                        terms=terms, profile=_profile(index, commune), now=datetime.now(UTC),
                        communes=checker, names=names,
                    )
                    code = result.dossier.code
            except Exception as problem:  # counted and reported; the bench goes on
                errors.append(f"{type(problem).__name__}: {problem}"[:300])
                continue
            latencies.append(time.perf_counter() - begin)
            codes.append(str(code))
        out[slot] = {"latencies": latencies, "codes": codes, "errors": errors, "started": started,
                     "ended": time.time()}

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(len(shares))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    results.put(out)


def run_backend(name: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    from citizen_app.db.migrate import upgrade
    from citizen_app.db.models.dossiers import Dossier

    upgrade(url)
    total = args.submitters * args.per_submitter
    t0 = time.perf_counter()
    drafts = prepare(url, total, args.agencies)
    prep_seconds = time.perf_counter() - t0
    # Submitter s gets drafts s, s + S, s + 2S…; submitters are dealt round-robin to processes.
    shares = [drafts[s::args.submitters] for s in range(args.submitters)]
    per_process = [shares[p::args.processes] for p in range(args.processes)]
    context = mp.get_context("fork")
    barrier = context.Barrier(args.processes)
    results = context.Queue()
    processes = [context.Process(target=_worker, args=(url, share, args.agencies, barrier, results))
                 for share in per_process]
    for process in processes:
        process.start()
    outcomes = [item for _ in processes for item in results.get()]
    for process in processes:
        process.join()

    latencies = sorted(x for o in outcomes for x in o["latencies"])
    codes = [c for o in outcomes for c in o["codes"]]
    errors = [e for o in outcomes for e in o["errors"]]
    wall = max(o["ended"] for o in outcomes) - min(o["started"] for o in outcomes)

    engine = bench_engine(url, 1)
    with Session(engine) as db:
        stored = list(db.scalars(select(Dossier.code).where(Dossier.code.is_not(None))))
        distinct = db.scalar(select(func.count(func.distinct(Dossier.code))))
    engine.dispose()
    by_agency: dict[str, list[int]] = defaultdict(list)
    for code in stored:
        agency, day, sequence = code.rsplit("-", 2)
        by_agency[f"{agency}-{day}"].append(int(sequence))
    gapless = all(sorted(numbers) == list(range(1, len(numbers) + 1)) for numbers in by_agency.values())

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "backend": name,
        "submissions": len(codes),
        "errors": len(errors),
        "error_samples": errors[:3],
        "wall_s": wall,
        "per_second": len(codes) / wall if wall else 0.0,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": latencies[-1] * 1000 if latencies else float("nan"),
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
        "stored_codes": len(stored),
        "duplicates": len(stored) - (distinct or 0),
        "gapless": gapless,
        "agencies": len(by_agency),
        "prep_s": prep_seconds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submitters", type=int, default=50)
    parser.add_argument("--per-submitter", type=int, default=40)
    parser.add_argument("--processes", type=int, default=2, help="worker processes sharing the submitters")
    parser.add_argument("--agencies", type=int, default=1, help="receiving communes (1 = worst case)")
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--pg-admin-url", default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_PG_ADMIN))
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards")
    args = parser.parse_args()
    args.agencies = max(1, min(args.agencies, len(COMMUNES)))

    workdir = Path(tempfile.mkdtemp(prefix="submission-bench-"))
    os.environ["DATA_DIR"] = str(workdir / "data")  # attachments and keys of the run, not ./var
    from citizen_app.settings import reset_settings_cache

    reset_settings_cache()
    reports = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        if backend == "postgresql":
            admin = create_engine(args.pg_admin_url, isolation_level="AUTOCOMMIT")
            name = f"bench_submissions_{uuid.uuid4().hex[:8]}"
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            url = args.pg_admin_url.rsplit("/", 1)[0] + f"/{name}"
            try:
                reports.append(run_backend("PostgreSQL", url, args))
            finally:
                from citizen_app.db.engine import reset_engines

                reset_engines()
                if not args.keep:
                    with admin.connect() as connection:
                        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
        elif backend == "sqlite":
            url = f"sqlite:///{workdir / 'bench.db'}"
            reports.append(run_backend("SQLite", url, args))
        else:
            parser.error(f"unknown backend {backend!r}")

    print(f"\n{args.submitters} concurrent submitters in {args.processes} processes, "
          f"{args.per_submitter} submissions each, {args.agencies} receiving agency(ies); "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print("| backend | submissions | errors | wall | submissions/s | p50 | p95 | p99 | max | duplicates "
          "| gapless |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in reports:
        print(f"| {r['backend']} | {r['submissions']} | {r['errors']} | {r['wall_s']:.2f} s | "
              f"{r['per_second']:.0f} | {r['p50_ms']:.1f} ms | {r['p95_ms']:.1f} ms | {r['p99_ms']:.1f} ms | "
              f"{r['max_ms']:.0f} ms | {r['duplicates']} | {'yes' if r['gapless'] else 'NO'} |")
        for sample in r["error_samples"]:
            print(f"  error: {sample}")
    preparation = ", ".join(f"{r['backend']} {r['prep_s']:.0f} s" for r in reports)
    print(f"(preparation, untimed: {preparation})")
    failed = any(r["duplicates"] or not r["gapless"] or r["errors"] for r in reports)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
