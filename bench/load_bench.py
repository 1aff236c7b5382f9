"""Load generator: simulated phones over the app's websocket protocol (issue 14, "Benchmark").

Each phone is one tab (``bench/phones.py``) doing what people do, with think time between actions:

* citizens searching (most phones): open the home page, search, refine the question twice, open a service;
  then the tab goes away and a new one comes (phones come and go, so tab states come and go too);
* citizens applying: signed in, open a partial-online procedure, Start now, answer, Continue, Send; each
  Send is counted, and the database is checked at the end: every acknowledged Send is exactly one dossier;
* officers working the queue: signed in, open the queue, change filters, page, reload.

Reported: event latency (p50/p95/p99: every event and client-side navigation), hydration (opening a page in a
new tab: connect, hydrate, on_load), errors, dossiers lost or duplicated, server memory (RSS of every serving
process) and event-loop stalls seen by an idle watcher phone.

    python bench/load_bench.py --serve sqlite --phones 100 500 1000 --duration 60
    python bench/load_bench.py --serve prod --workers 3 --phones 100 500 1000 --duration 60
    python bench/load_bench.py --base-url http://127.0.0.1:3000 --database-url sqlite:///var/citizen_app.db ...

``--serve`` starts the production build itself on a free port with a fresh database, like the end-to-end
tests (``sqlite``: ``make run``'s profile, one worker; ``prod``: ``python -m citizen_app prod``, PostgreSQL
and Redis on this machine). Results are printed and written as JSON (``--out``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.phones import SEARCH, Phone, PhoneError, state_path
from bench.sessions import account, clone, session_cookies

START = state_path(("apply.start", "ApplyStartState"))
FLOW = state_path(("apply.flow", "ApplyState"))
QUEUE = state_path(("staff", "StaffState"), ("staff_queue", "StaffQueueState"))
# Partial-online commune procedures with the generic form (no required document): a short application.
APPLY_CODES = ("1.012893", "2.000942")
SERVICE_CODES = ("1.001193", "1.004222", "1.000656", "2.000815", "1.001266")
QUERIES = (
    "khai sinh", "hộ chiếu", "kết hôn", "thường trú", "đăng ký xe", "căn cước", "giấy phép lái xe",
    "khai tử", "tạm trú", "đất đai", "xây dựng", "kinh doanh", "birth", "passport", "ly hôn", "con nuôi",
)
REQUEST_TEXT = "Đề nghị giải quyết thủ tục cho gia đình tôi. Xin cảm ơn."


Sample = tuple[float, float]  # (monotonic time it was taken, seconds measured)


@dataclass
class Tally:
    events: list[Sample] = field(default_factory=list)
    hydrations: list[Sample] = field(default_factory=list)
    errors: list[tuple[float, str]] = field(default_factory=list)
    sends_acknowledged: dict[str, int] = field(default_factory=dict)  # personal id → Sends answered "sent"
    sends_unknown: int = 0  # a Send whose answer never came (counted apart: it may or may not have made one)
    stalls: list[Sample] = field(default_factory=list)

    def error(self, kind: str) -> None:
        self.errors.append((time.monotonic(), kind))

    def window(self, start: float, end: float) -> dict[str, Any]:
        """The figures of the samples taken between ``start`` and ``end``."""
        def within(samples: list[Sample]) -> list[float]:
            return [value for at, value in samples if start <= at < end]

        events, hydrations, stalls = within(self.events), within(self.hydrations), within(self.stalls)
        kinds: dict[str, int] = {}
        for at, kind in self.errors:
            if start <= at < end:
                kinds[kind] = kinds.get(kind, 0) + 1
        seconds = max(end - start, 1e-9)
        return {
            "events": len(events), "events_per_s": round(len(events) / seconds, 1),
            "event_p50_ms": ms(percentile(events, 50)), "event_p95_ms": ms(percentile(events, 95)),
            "event_p99_ms": ms(percentile(events, 99)),
            "hydrations": len(hydrations), "hydration_p50_ms": ms(percentile(hydrations, 50)),
            "hydration_p95_ms": ms(percentile(hydrations, 95)),
            "errors": sum(kinds.values()), "error_kinds": kinds,
            "watcher_p95_ms": ms(percentile(stalls, 95)), "watcher_max_ms": ms(max(stalls, default=0.0)),
        }


def ms(seconds: float) -> int:
    return round(seconds * 1000)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Run:
    def __init__(self, base_url: str, tally: Tally, think: float, deadline: float, hashes: dict[str, Any]) -> None:
        self.base_url, self.tally, self.think, self.deadline, self.hashes = base_url, tally, think, deadline, hashes

    async def pause(self) -> None:
        await asyncio.sleep(random.uniform(0.5, 1.5) * self.think)

    def live(self) -> bool:
        return time.monotonic() < self.deadline

    async def timed(self, call: Any) -> Any:
        result = await call
        self.tally.events.append((time.monotonic(), result if isinstance(result, float) else result[0]))
        return result

    async def open(self, phone: Phone, path: str) -> None:
        self.tally.hydrations.append((time.monotonic(), await phone.open(path, hashes=self.hashes)))

    # ---- people ----
    async def searcher(self) -> None:
        while self.live():
            phone = Phone(self.base_url)
            try:
                await self.open(phone, "/vi/")
                await self.pause()
                await self.timed(phone.navigate(f"/vi/search?q={random.choice(QUERIES)}"))
                for _ in range(2):
                    await self.pause()
                    await self.timed(phone.event(f"{SEARCH}.type_query", {"value": random.choice(QUERIES)}))
                await self.pause()
                await self.timed(phone.navigate(f"/vi/services/{random.choice(SERVICE_CODES)}"))
                await self.pause()
            except (PhoneError, OSError) as error:
                self.tally.error(type(error).__name__)
                await asyncio.sleep(self.think)
            finally:
                await phone.close()

    async def applicant(self, cookie: str, personal_id: str) -> None:
        while self.live():
            phone = Phone(self.base_url, cookie=cookie)
            sending = False
            try:
                await self.open(phone, f"/vi/services/{random.choice(APPLY_CODES)}/apply")
                await self.pause()
                _, path = await self.timed(phone.until_redirect(f"{START}.start"))
                while self.live() and path and not path.endswith("/application-sent"):
                    await self.timed(phone.navigate(path))
                    page = phone.value(FLOW, "page")
                    await self.pause()
                    if page == "your_request":
                        key = next(f["key"] for f in phone.value(FLOW, "fields") if f["name"] == "request")
                        await self.timed(phone.event(f"{FLOW}.set_answer", {"key": key, "name": "request", "value": REQUEST_TEXT}))
                        await self.pause()
                    if page in ("applicant", "your_request"):
                        _, path = await self.timed(phone.until_redirect(f"{FLOW}.save_step", {"form_data": {}}))
                    elif page == "add-documents":
                        _, path = await self.timed(phone.until_redirect(f"{FLOW}.documents_done"))
                    elif page == "check-answers":
                        _, path = await self.timed(phone.until_redirect(f"{FLOW}.answers_checked"))
                    elif page == "send-application":
                        sending = True
                        _, path = await self.timed(phone.until_redirect(f"{FLOW}.send", {"key": str(uuid.uuid4())}))
                        sending = False
                        if path.endswith("/application-sent"):
                            self.tally.sends_acknowledged[personal_id] = self.tally.sends_acknowledged.get(personal_id, 0) + 1
                    else:
                        raise PhoneError(f"unexpected page {page!r} at {path}")
                await self.pause()
            except (PhoneError, OSError, StopIteration) as error:
                self.tally.error(type(error).__name__)
                if sending:
                    self.tally.sends_unknown += 1
                await asyncio.sleep(self.think)
            finally:
                await phone.close()

    async def officer(self, cookie: str) -> None:
        while self.live():
            phone = Phone(self.base_url, cookie=cookie)
            try:
                await self.open(phone, "/vi/staff/queue")
                for _ in range(4):
                    await self.pause()
                    choice = random.random()
                    if choice < 0.4:
                        await self.timed(phone.event(f"{QUEUE}.toggle_overdue", {"checked": random.random() < 0.5}))
                    elif choice < 0.7:
                        status = random.choice(("open", "received", "processing", "all"))
                        await self.timed(phone.event(f"{QUEUE}.change_filter", {"name": "status", "value": status}))
                    else:
                        await self.timed(phone.navigate("/vi/staff/queue"))
            except (PhoneError, OSError) as error:
                self.tally.error(type(error).__name__)
                await asyncio.sleep(self.think)
            finally:
                await phone.close()

    async def watcher(self) -> None:
        """An idle-ish phone that types every 0.5 s: its slowest answers show the loop's stalls."""
        phone = Phone(self.base_url)
        try:
            await phone.open("/vi/search?q=khai%20sinh", hashes=self.hashes)
            while self.live():
                seconds = await phone.event(f"{SEARCH}.type_query", {"value": random.choice(QUERIES)})
                self.tally.stalls.append((time.monotonic(), seconds))
                await asyncio.sleep(0.5)
        except (PhoneError, OSError) as error:
            self.tally.error(f"watcher {type(error).__name__}")
        finally:
            await phone.close()


async def _ramp(tasks: list[Any], ramp_seconds: float) -> list[asyncio.Task[None]]:
    started = []
    for index, make in enumerate(tasks):
        started.append(asyncio.create_task(make()))
        await asyncio.sleep(ramp_seconds / max(1, len(tasks)) if index else 0)
    return started


def served_rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def served_cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) the serving processes have used so far."""
    ticks = 0
    for pid in pids:
        with suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def serving_pids(root: int | None) -> list[int]:
    if root is None:
        return []
    found, frontier = [root], [root]
    while frontier:
        parent = frontier.pop()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with suppress(OSError, IndexError, ValueError):
                    if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                        found.append(int(entry.name))
                        frontier.append(int(entry.name))
    return found


async def run_load(
    base_url: str, database_url: str, phones: int, duration: float, think: float, hashes: dict[str, Any],
    server_pid: int | None, offset: int, *, windows: int = 1, applying: float = 0.2, officers: float = 0.05,
) -> list[dict[str, Any]]:
    """``phones`` phones for a ramp, then ``windows`` windows of ``duration`` seconds: the figures of each."""
    tally = Tally()
    officer_count = max(1, round(phones * officers)) if officers else 0
    applicant_count = max(1, round(phones * applying)) if applying else 0
    searchers = phones - officer_count - applicant_count
    issuer = base_url + "/idp"
    citizens = [clone(account("an.nguyen"), 500_000 + offset + n) for n in range(applicant_count)]
    staff = [clone(account("mai.ngo"), 900_000 + offset // 10 + n) for n in range(officer_count)]
    citizen_cookies = session_cookies(database_url, issuer, citizens) if citizens else []
    staff_cookies = session_cookies(database_url, issuer, staff) if staff else []
    ramp = min(30.0, max(5.0, phones / 40))
    ramped_at = time.monotonic() + ramp
    run = Run(base_url, tally, think, ramped_at + windows * duration, hashes)
    makers: list[Any] = []
    makers += [lambda c=c, p=p.personal_id: run.applicant(c, p) for c, p in zip(citizen_cookies, citizens, strict=True)]
    makers += [lambda c=c: run.officer(c) for c in staff_cookies]
    makers += [run.searcher] * searchers
    random.shuffle(makers)
    watcher = asyncio.create_task(run.watcher())
    tasks = await _ramp(makers, ramp)
    # Figures are taken once every phone is on: the ramp is left out. Memory and CPU time at each window's end.
    await asyncio.sleep(max(0.0, ramped_at - time.monotonic()))
    rss: list[float] = []
    cpu = [served_cpu_seconds(serving_pids(server_pid))]
    client_cpu = [time.process_time()]  # the load generator's own CPU: when it nears the window, it is the limit
    for window in range(windows):
        await asyncio.sleep(max(0.0, ramped_at + (window + 1) * duration - time.monotonic()))
        pids = serving_pids(server_pid)
        rss.append(served_rss_mb(pids))
        cpu.append(served_cpu_seconds(pids))
        client_cpu.append(time.process_time())
    await asyncio.gather(*tasks, watcher)
    lost, duplicated = check_dossiers(database_url, tally.sends_acknowledged, citizens) if citizens else (0, 0)
    results = []
    for window in range(windows):
        figures: dict[str, Any] = {
            "phones": phones, "searchers": searchers, "applicants": applicant_count, "officers": officer_count,
            "window": window + 1, "duration_s": duration, "think_s": think,
        }
        figures.update(tally.window(ramped_at + window * duration, ramped_at + (window + 1) * duration))
        figures["server_rss_mb"] = round(rss[window])
        # What the server spent, whatever else ran on the machine: the capacity model's input.
        figures["server_cpu_s"] = round(cpu[window + 1] - cpu[window], 1)
        figures["client_cpu_s"] = round(client_cpu[window + 1] - client_cpu[window], 1)
        handled = figures["events"] + figures["hydrations"]
        figures["server_cpu_ms_per_action"] = round(1000 * figures["server_cpu_s"] / handled, 1) if handled else 0
        if window == windows - 1:
            figures.update({
                "sends": sum(tally.sends_acknowledged.values()), "sends_unknown": tally.sends_unknown,
                "dossiers_lost": lost, "dossiers_duplicated": duplicated,
            })
        results.append(figures)
    return results


def check_dossiers(database_url: str, acknowledged: dict[str, int], citizens: list[Any]) -> tuple[int, int]:
    """Every acknowledged Send is exactly one dossier: (lost, duplicated) over the run's citizens."""
    from sqlalchemy import text

    from citizen_app.db.engine import get_engine

    with get_engine(database_url).connect() as connection:
        rows = connection.execute(
            text(
                "select u.personal_id, count(*) from dossiers d join users u on u.id = d.applicant_id"
                " where d.status != 'draft' group by u.personal_id"
            )
        ).all()
    made = {pid: count for pid, count in rows}
    lost = duplicated = 0
    for person in citizens:
        expected, found = acknowledged.get(person.personal_id, 0), made.get(person.personal_id, 0)
        lost += max(0, expected - found)
        duplicated += max(0, found - expected)
    return lost, duplicated


def capture_hashes(base_url: str) -> dict[str, Any]:
    """What a real tab sends with its first hydrate: the compiled frontend's state hashes (read from Chromium),
    so the server answers with what differs from the page's defaults, as it does for phones."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
        try:
            page = browser.new_page()
            sent: list[str] = []
            page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(str(frame))))
            page.goto(base_url + "/vi/")
            page.wait_for_selector('[data-hydrated="true"]')
        finally:
            browser.close()
    boot = next(frame for frame in sent if frame.startswith("40/_event,"))
    return json.loads(boot.split(",", 1)[1])["event"].get("payload", {})


@contextmanager
def serving(kind: str, workers: int, data_dir: Path) -> Iterator[tuple[str, str, int | None]]:
    """Start the app like the end-to-end tests do; yield (base URL, database URL, server pid)."""
    import subprocess

    from tests.e2e.server import PROJECT_ROOT, app_environment, free_port, running_app

    if kind == "sqlite":
        with running_app(data_dir) as url:
            port = url.rsplit(":", 1)[1]
            pid = int(subprocess.run(["pgrep", "-f", "--", f"--backend-port {port}"], capture_output=True, text=True).stdout.split()[0])
            yield url, f"sqlite:///{data_dir / 'citizen_app.db'}", pid
        return
    from sqlalchemy import create_engine, text

    name = f"citizen_bench_{uuid.uuid4().hex[:8]}"
    admin_url = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    database_url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    port = free_port()
    env = app_environment(data_dir, port, {
        "DATABASE_URL": database_url, "REDIS_URL": "redis://127.0.0.1:6379/12", "WEB_WORKERS": str(workers),
        "JOBS_IN_APP": "false", "LOG_LEVEL": "WARNING",
    })
    for reflex_only in ("REFLEX_REDIS_URL", "GRANIAN_WORKERS", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(reflex_only, None)
    data_dir.mkdir(parents=True, exist_ok=True)
    import signal

    import httpx

    log = (data_dir / "prod.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "citizen_app", "prod"], cwd=PROJECT_ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 900
        while True:
            with suppress(httpx.HTTPError):
                if httpx.get(url + "/readyz", timeout=5).status_code == 200 and httpx.get(url + "/vi/", timeout=5).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"prod did not start: {(data_dir / 'prod.log').read_text()[-3000:]}")
            time.sleep(2)
        yield url, database_url, process.pid
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=40)
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", choices=("sqlite", "prod"), help="start the app (else --base-url)")
    parser.add_argument("--workers", type=int, default=2, help="web workers with --serve prod")
    parser.add_argument("--base-url")
    parser.add_argument("--database-url", help="the running app's database (sessions are written there)")
    parser.add_argument("--server-pid", type=int, help="with --base-url: the server's pid, for its memory")
    parser.add_argument("--phones", type=int, nargs="+", default=[100])
    parser.add_argument("--duration", type=float, default=60, help="seconds measured, after the ramp")
    parser.add_argument("--think", type=float, default=3.0, help="mean seconds between a phone's actions")
    parser.add_argument("--applying", type=float, default=0.2, help="share of phones applying")
    parser.add_argument("--officers", type=float, default=0.05, help="share of phones that are officers")
    parser.add_argument("--windows", type=int, default=1, help="soak: this many windows of --duration each")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    import resource
    import tempfile

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    results = []
    with ExitStack() as stack:
        if args.serve:
            data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="load-bench-")))
            base_url, database_url, pid = stack.enter_context(serving(args.serve, args.workers, data_dir))
        else:
            base_url, database_url, pid = args.base_url.rstrip("/"), args.database_url, args.server_pid
        os.environ["DATABASE_URL"] = database_url
        hashes = capture_hashes(base_url)
        profile = f"{args.serve or 'given'}" + (f", {args.workers} workers" if args.serve == "prod" else "")
        for offset, phones in enumerate(args.phones):
            for figures in asyncio.run(
                run_load(
                    base_url, database_url, phones, args.duration, args.think, hashes, pid, offset * 100_000,
                    windows=args.windows, applying=args.applying, officers=args.officers,
                )
            ):
                figures["profile"] = profile
                results.append(figures)
                print(json.dumps(figures, ensure_ascii=False), flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
