"""Signed results per second (generation plus PAdES signing), and the public check's p95 (issue 13).

Run from the project root::

    python bench/signing_bench.py                        # 10 s of signing per mode, 500 page requests
    python bench/signing_bench.py --seconds 20 --processes 2 --requests 1000

1. **Signed results per second.** A birth certificate made from a dossier's data exactly as
   ``core.documents.issuing.issue_result`` makes it (bilingual PDF/A-2b with its QR, fonts embedded,
   ``render_certificate``), then signed by the agency (``signing.seal``: PAdES B-LT, chain and CRL
   embedded), for ``--seconds``: first in one process, then in ``--processes`` processes at once
   (as the app's workers would), each counting what it finished. The first document of each process
   (font cut, keys loaded) is made before the clock starts.
2. **The public check (``GET /d/{serial}``) p50/p95.** A fresh SQLite database with the app's
   tables and ``--documents`` results on the register; ``--requests`` requests for random serials
   (nine in ten issued, one in ten unknown) through the app's own route, in process (Starlette's
   test client), each timed from request to full response.

Targets: at least 20 signed results per second on this machine; the check's p95 ≤ 50 ms.
Figures go to docs/performance.md ("Signed results").
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ANSWERS = {
    "child_full_name": "Trần Minh Khôi", "child_sex": "male", "child_birth_date": "2026-11-02",
    "place_of_birth": "Bệnh viện Phụ sản Hà Nội", "ethnicity": "Kinh", "home_town": "Xã Vũ Thư, Hưng Yên",
    "mother_full_name": "Trần Thị Bình", "father_full_name": "Nguyễn Văn Đức",
}


def _dossier(index: int) -> SimpleNamespace:
    return SimpleNamespace(
        id=index, answers=ANSWERS, applicant={"full_name": "Trần Thị Bình"},
        receiving_unit={"vi": "Ủy ban nhân dân Phường Ba Đình", "en": "Ba Đình Ward People's Committee"},
        code=f"004.00.20.H01-261116-{index % 10000:04d}", agency_code="004.00.20.H01",
    )


def _sign_for(seconds: float, start_at: float, out: mp.Queue | None = None) -> tuple[int, float]:
    from citizen_app.core.documents import issuing, signing

    certificate = issuing.CERTIFICATES["1.001193"]
    now = datetime.now(UTC)
    warm = issuing.render_certificate(_dossier(0), certificate, issuing.new_serial(), now)
    signing.seal(warm, "004.00.20.H01", "Ủy ban nhân dân Phường Ba Đình")
    while time.time() < start_at:
        time.sleep(0.005)
    done, end, cpu = 0, time.perf_counter() + seconds, time.process_time()
    while time.perf_counter() < end:
        pdf = issuing.render_certificate(_dossier(done), certificate, issuing.new_serial(), now)
        signed = signing.seal(pdf, "004.00.20.H01", "Ủy ban nhân dân Phường Ba Đình")
        assert signed.startswith(b"%PDF-")
        done += 1
    # CPU time (this process and pyHanko's worker threads): what one result costs a free core.
    result = (done, time.process_time() - cpu)
    if out is not None:
        out.put(result)
    return result


def signing_rate(seconds: float, processes: int) -> tuple[float, float, float]:
    """(results per second in one process, in ``processes`` processes, CPU milliseconds per result)."""
    done, cpu = _sign_for(seconds, time.time())
    single = done / seconds
    queue: mp.Queue = mp.get_context("fork").Queue()
    start_at = time.time() + 3.0
    workers = [mp.get_context("fork").Process(target=_sign_for, args=(seconds, start_at, queue))
               for _ in range(processes)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=seconds + 120) for _ in workers]
    for worker in workers:
        worker.join()
    total = sum(count for count, _cpu in results)
    cpu_ms = 1000 * (cpu + sum(spent for _count, spent in results)) / max(1, done + total)
    return single, total / seconds, cpu_ms


def check_latency(documents: int, requests: int) -> tuple[float, float, float]:
    """(p50, p95, max) in milliseconds of GET /d/{serial}."""
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from citizen_app.core.documents.issuing import new_serial
    from citizen_app.db.base import Base
    from citizen_app.db.engine import get_engine, unit_of_work
    from citizen_app.db.models.documents import IssuedDocument
    from citizen_app.web import documents as routes

    Base.metadata.create_all(get_engine())
    serials = [new_serial() for _ in range(documents)]
    now = datetime.now(UTC)
    with unit_of_work() as db:
        db.add_all(
            IssuedDocument(
                serial=serial, kind="birth_certificate", title={"vi": "Giấy khai sinh", "en": "Birth certificate"},
                issuer={"vi": "Ủy ban nhân dân Phường Ba Đình", "en": "Ba Đình Ward People's Committee"},
                agency_code="004.00.20.H01", origin="generated", issued_at=now, sha256="0" * 64,
                signer_serial="1", revoked_at=now if index % 50 == 0 else None,
                revoked_reason="Sai ngày sinh" if index % 50 == 0 else None,
            )
            for index, serial in enumerate(serials)
        )
    client = TestClient(Starlette(routes=routes.routes))
    for serial in serials[:20]:
        client.get(f"/d/{serial}?lang=vi")
    timings = []
    for _ in range(requests):
        serial = random.choice(serials) if random.random() < 0.9 else new_serial()
        started = time.perf_counter()
        response = client.get(f"/d/{serial}?lang={random.choice(('vi', 'en'))}")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 404)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], timings[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="signing-bench-"))
    os.environ["DATA_DIR"] = str(workdir / "data")  # the run's own signing authority, not ./var
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.db'}"
    os.environ.setdefault("PUBLIC_BASE_URL", "http://127.0.0.1:3000")

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    single, parallel, cpu_ms = signing_rate(args.seconds, args.processes)
    print(f"signed results/s: {single:.1f} in 1 process, {parallel:.1f} in {args.processes} processes (target ≥ 20)")
    cores = os.cpu_count() or 1
    print(f"CPU per signed result: {cpu_ms:.1f} ms, i.e. {1000 / cpu_ms:.1f}/s per free core, "
          f"{cores * 1000 / cpu_ms:.1f}/s on {cores} free cores")
    p50, p95, worst = check_latency(args.documents, args.requests)
    print(f"GET /d/{{serial}}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms (target p95 ≤ 50 ms)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
