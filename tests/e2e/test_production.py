"""The production profile, started as README says (`make prod` → `python -m citizen_app prod`), against the
machine's PostgreSQL and Redis: several web workers sharing tab states in Redis, a separate job worker,
JSON logs without personal data, and readiness that says so.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, suppress
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Playwright, expect
from sqlalchemy import create_engine, text

from bench.phones import SEARCH, Phone
from bench.sessions import account, session_cookies
from tests.e2e.kit import AppPage
from tests.e2e.server import PROJECT_ROOT, app_environment, free_port, one_build_at_a_time
from tests.e2e.test_apply import (
    PERMANENT_RESIDENCE,
    fill_new_home,
    jpeg,
    start_application,
    upload,
    wait_for_page,
)

POSTGRES_ADMIN = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_DB = 13
WORKERS = 2
IDLE_MINUTES = 20
PERSONAL = ("001090012345", "0912345678", "an.nguyen@example.vn")
SLOW_QUEUE_SECONDS = 3.0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with suppress(OSError):
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == pid:
                found.append(int(entry.name))
    return found


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _tcp_sockets() -> dict[int, tuple[int, int]]:
    """Established TCP sockets of this machine: inode → (local port, remote port)."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "01":  # ESTABLISHED
                    local, remote = fields[1], fields[2]
                    found[int(fields[9])] = (int(local.rsplit(":", 1)[1], 16), int(remote.rsplit(":", 1)[1], 16))
    return found


def _socket_inodes(pid: int) -> set[int]:
    inodes = set()
    with suppress(OSError):
        for fd in (Path("/proc") / str(pid) / "fd").iterdir():
            with suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(int(target[8:-1]))
    return inodes


class Production:
    def __init__(
        self, base_url: str, process: subprocess.Popen[bytes], log: Path, redis_url: str, database_url: str
    ) -> None:
        self.base_url = base_url
        self.process = process
        self.log = log
        self.redis_url = redis_url
        self.database_url = database_url
        self.port = int(base_url.rsplit(":", 1)[1])

    def web_workers(self) -> list[int]:
        """Granian's worker processes (the children of `reflex run`)."""
        servers = [pid for pid in _children(self.process.pid) if "reflex run --env prod" in _cmdline(pid)]
        return [pid for server in servers for pid in _children(server)]

    def connections(self) -> dict[int, set[int]]:
        """Web worker pid → the client ports of the connections it serves."""
        sockets = _tcp_sockets()
        served: dict[int, set[int]] = {}
        for pid in self.web_workers():
            for inode in _socket_inodes(pid):
                local, remote = sockets.get(inode, (0, 0))
                if local == self.port:
                    served.setdefault(pid, set()).add(remote)
        return served

    def metric(self, name: str, **labels: str) -> float:
        total = 0.0
        for line in httpx.get(self.base_url + "/metrics", timeout=10).text.splitlines():
            if line.startswith(f"{name}{{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
        return total


@pytest.fixture(scope="module")
def production(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Production]:
    if pytestconfig.getoption("base_url", None):
        pytest.skip("starts its own production server; not run against --base-url")
    try:
        admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
        import redis

        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=3).ping()
    except Exception as error:  # the README's profile needs both servers
        pytest.fail(f"the production profile needs PostgreSQL and Redis on this machine: {error}")
    name = f"citizen_prod_{uuid.uuid4().hex[:10]}"
    data_dir = tmp_path_factory.mktemp("prod-data")
    port = free_port()
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    # Only the README's variables (and where this test run keeps its files).
    env = app_environment(
        data_dir,
        port,
        {
            "DATABASE_URL": POSTGRES_ADMIN.rsplit("/", 1)[0].replace("+psycopg", "") + f"/{name}",
            "REDIS_URL": redis_url,
            "WEB_WORKERS": str(WORKERS),
            "STATE_IDLE_MINUTES": str(IDLE_MINUTES),
            "LOG_FORMAT": "json",
            "JOBS_IN_APP": "false",
            "JOB_POLL_SECONDS": "1",
            # Tests only: the officer's queue takes 3 s to load, like a slow query (test_a_slow_officer_...).
            "TEST_SLOW_EVENTS": f"staff_queue_state.load={SLOW_QUEUE_SECONDS}",
        },
    )
    for reflex_only in ("REFLEX_REDIS_URL", "GRANIAN_WORKERS", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(reflex_only, None)
    log = data_dir / "prod.log"
    building = ExitStack()
    building.enter_context(one_build_at_a_time(PROJECT_ROOT))
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "citizen_app", "prod"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"prod exited with {process.returncode}:\n{log.read_text()[-4000:]}")
            with suppress(httpx.HTTPError):
                if httpx.get(base_url + "/readyz", timeout=5).status_code == 200 and (
                    httpx.get(base_url + "/vi/", timeout=5).status_code == 200
                ):
                    break
            if time.monotonic() > deadline:
                raise TimeoutError(f"prod did not start:\n{log.read_text()[-4000:]}")
            time.sleep(1)
        building.close()
        yield Production(base_url, process, log, redis_url, env["DATABASE_URL"])
    finally:
        building.close()
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_readiness_reports_redis_state_and_the_worker_count(production: Production) -> None:
    ready = httpx.get(production.base_url + "/readyz").json()
    assert ready["checks"] == {"database": "ok", "redis": "ok", "storage": "ok"}
    assert ready["state_manager"] == "StateManagerRedis"
    assert ready["workers"] == WORKERS


def test_the_processes_are_web_workers_and_a_job_worker(production: Production) -> None:
    launched = {pid: _cmdline(pid) for pid in _children(production.process.pid)}
    job_workers = [pid for pid, cmd in launched.items() if "citizen_app worker" in cmd]
    servers = [pid for pid, cmd in launched.items() if "reflex run --env prod" in cmd]
    assert len(job_workers) == 1 and len(servers) == 1, launched
    # Granian's workers are the server's children: WEB_WORKERS of them.
    web_workers = [pid for pid in _children(servers[0]) if "reflex" in _cmdline(pid) or "python" in _cmdline(pid)]
    assert len(web_workers) == WORKERS
    # Several workers answer: each reports its own pid.
    pids = {httpx.get(production.base_url + "/readyz").json()["pid"] for _ in range(60)}
    assert pids <= set(web_workers) and pids


def test_the_separate_job_worker_runs_the_queue(production: Production) -> None:
    deadline = time.monotonic() + 60
    while production.metric("citizen_jobs", status="done") < 1:  # the periodic roll-up, purge, reconciliation
        assert time.monotonic() < deadline, "no job was run by the job worker"
        time.sleep(1)
    assert production.metric("citizen_jobs", status="failed") == 0


def test_a_phones_tab_state_lives_in_redis_and_expires_when_idle(
    production: Production, playwright: Playwright, browser: Browser
) -> None:
    import redis

    device = dict(playwright.devices["Pixel 7"])
    device.pop("default_browser_type", None)
    context = browser.new_context(**device, locale="vi-VN", base_url=production.base_url)
    try:
        phone = AppPage(context.new_page(), production.base_url)
        phone.goto("/vi/")
        phone.fill("home-search-input", "khai sinh")
        phone.click("home-search-submit")
        phone.settle()
        expect(phone.get("search-result-0")).to_be_visible()
        token = phone.page.evaluate("() => window.sessionStorage.getItem('token')")
        assert token
        client = redis.Redis.from_url(production.redis_url)
        keys = [key for key in client.scan_iter(match=f"{token}*")]
        assert keys, "no state of this tab in Redis"
        ttls = [client.ttl(key) for key in keys]
        assert all(0 < ttl <= IDLE_MINUTES * 60 for ttl in ttls), ttls
    finally:
        context.close()
    assert production.metric("citizen_ws_events_total") >= 2  # hydrate and search, counted across workers


def test_logs_are_json_with_request_ids_and_no_personal_data(production: Production) -> None:
    response = httpx.get(production.base_url + f"/vi/search?q={PERSONAL[0]}", headers={"x-request-id": "prod-test-0001"})
    assert response.headers["x-request-id"] == "prod-test-0001"
    httpx.get(production.base_url + f"/v/{PERSONAL[0]}?phone={PERSONAL[1]}&email={PERSONAL[2]}")
    time.sleep(1)
    output = production.log.read_text(errors="replace")
    entries = []
    for line in output.splitlines():
        if line.startswith("{"):
            entries.append(json.loads(line))
    assert any(e.get("request_id") == "prod-test-0001" and e.get("event") == "request" for e in entries)
    assert all("request_id" in e for e in entries)
    for value in PERSONAL:
        assert value not in output


def test_an_unknown_service_code_answers_404_and_says_so(production: Production, playwright: Playwright, browser: Browser) -> None:
    assert httpx.get(production.base_url + "/vi/services/9.999999").status_code == 404
    assert httpx.get(production.base_url + "/vi/services/1.000656").status_code == 200
    context = browser.new_context(base_url=production.base_url, locale="vi-VN")
    try:
        page = AppPage(context.new_page(), production.base_url)
        page.goto("/vi/services/9.999999")
        expect(page.get("service-not-found")).to_be_visible()
    finally:
        context.close()


# ---- the event loop and a dying worker (issue 14, items 2 and 3) ---------------------------------------


async def _co_located_citizens(production: Production, officer: Phone, wanted: int) -> list[Phone]:
    """Citizens on the search page whose websocket the officer's worker serves (more are opened until enough)."""
    citizens: list[Phone] = []
    officer_port = officer._socket.local_address[1]
    for _ in range(40):
        citizen = Phone(production.base_url)
        await citizen.open("/vi/search?q=khai%20sinh")
        citizens.append(citizen)
        served = production.connections()
        (worker,) = [pid for pid, ports in served.items() if officer_port in ports]
        together = [c for c in citizens if c._socket.local_address[1] in served[worker]]
        if len(together) >= wanted:
            for other in set(citizens) - set(together):
                await other.close()
            return together
    raise AssertionError("no citizen landed on the officer's worker")


async def _slow_officer_and_citizens(production: Production) -> tuple[float, list[float]]:
    (cookie,) = session_cookies(production.database_url, production.base_url + "/idp", [account("mai.ngo")])
    officer = Phone(production.base_url, cookie=cookie, timeout=60)
    assert await officer.open("/vi/staff/queue") >= SLOW_QUEUE_SECONDS  # the injected slow query ran
    citizens = await _co_located_citizens(production, officer, wanted=2)
    try:
        # The officer reloads the queue: 3 s on a thread of the worker that also serves these citizens.
        reloading = asyncio.create_task(officer.navigate("/vi/staff/queue"))
        await asyncio.sleep(0.3)
        latencies = []
        queries = ["hộ chiếu", "khai sinh", "kết hôn", "thường trú", "đăng ký xe", "căn cước"]
        for round_ in range(3):
            for citizen in citizens:
                for query in queries[round_ * 2 : round_ * 2 + 2]:
                    latencies.append(await citizen.event(f"{SEARCH}.type_query", {"value": query}))
        still_loading = not reloading.done()
        officer_seconds = await reloading
        assert still_loading, "the citizens' events did not overlap the officer's slow load"
        return officer_seconds, latencies
    finally:
        for phone in (officer, *citizens):
            await phone.close()


def test_a_slow_officer_query_does_not_delay_citizens_on_the_same_worker(production: Production) -> None:
    # Its own thread and event loop: Playwright's sync API keeps a loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        officer_seconds, latencies = thread.submit(asyncio.run, _slow_officer_and_citizens(production)).result()
    assert officer_seconds >= SLOW_QUEUE_SECONDS
    # On the loop, each of these would have waited for the officer's 3 s; on the thread pool they do not.
    assert max(latencies) < 1.0, latencies
    assert sorted(latencies)[len(latencies) // 2] < 0.25, latencies


def _dossiers_sent(production: Production, username: str) -> int:
    engine = create_engine(production.database_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            return connection.execute(
                text(
                    "select count(*) from dossiers d join users u on u.id = d.applicant_id"
                    " where u.personal_id = :pid and d.procedure_code = :code and d.status != 'draft'"
                ),
                {"pid": account(username).personal_id, "code": PERMANENT_RESIDENCE},
            ).scalar_one()
    finally:
        engine.dispose()


def test_killing_the_worker_serving_a_citizen_mid_form_loses_nothing(
    production: Production, playwright: Playwright, browser: Browser
) -> None:
    """Runs last in this module: it kills web workers (Granian starts new ones)."""
    device = dict(playwright.devices["Pixel 7"])
    device.pop("default_browser_type", None)
    context = browser.new_context(**device, locale="vi-VN", base_url=production.base_url)
    try:
        phone = AppPage(context.new_page(), production.base_url)
        start_application(phone, "binh.tran")
        phone.click("continue")
        wait_for_page(phone, "new_home")
        fill_new_home(phone, basis="own_home")
        phone.page.wait_for_timeout(1500)  # answers are saved as they are typed (debounced)
        sockets_opened: list[str] = []
        phone.page.on("websocket", lambda socket: sockets_opened.append(socket.url))
        before = {pid for pid in production.web_workers()}
        serving = [pid for pid, ports in production.connections().items() if ports]
        assert serving, "no worker holds the browser's connection"
        for pid in serving:  # the worker with the tab's websocket (and any holding its other connections)
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while len(set(production.web_workers()) - before) < len(serving):
            assert time.monotonic() < deadline, "Granian did not start new workers"
            time.sleep(0.5)
        while True:  # the new workers answer
            with suppress(httpx.HTTPError):
                if all(httpx.get(production.base_url + "/readyz", timeout=5).status_code == 200 for _ in range(4)):
                    break
            assert time.monotonic() < deadline, "the new workers do not answer"
            time.sleep(0.5)
        # The page reconnects by itself (a new websocket, no offline banner) and rehydrates from the tab's state in
        # Redis: the answers typed before the kill are on screen again (up to Redis's lock expiry, 10 s, if the
        # dead worker held the tab's state lock)...
        while not sockets_opened:
            assert time.monotonic() < deadline, "the page did not reconnect"
            phone.page.wait_for_timeout(250)
        expect(phone.get("connection-banner")).to_have_count(0, timeout=30_000)
        expect(phone.get("field-new_address.street")).to_have_value("12 Phố Đội Cấn, tổ 5", timeout=30_000)
        # ... and on the server: a fresh load of the page shows them.
        phone.page.reload()
        wait_for_page(phone, "new_home")
        expect(phone.get("field-new_address.province_code")).to_have_value("01")
        expect(phone.get("field-new_address.commune_code")).to_have_value("00004")
        expect(phone.get("field-new_address.street")).to_have_value("12 Phố Đội Cấn, tổ 5")
        expect(phone.get("field-residence_basis")).to_have_value("own_home")
        phone.click("continue")
        wait_for_page(phone, "household")
        phone.get("field-declaration").check()
        phone.click("continue")
        wait_for_page(phone, "add-documents")
        upload(phone, "proof_of_residence", "giay-chung-nhan.jpg", jpeg())
        expect(phone.get("attachments-proof_of_residence").locator("img")).to_be_visible()
        phone.click("continue")
        wait_for_page(phone, "check-answers")
        phone.click("continue")
        wait_for_page(phone, "send-application")
        phone.click("submit")
        wait_for_page(phone, "application-sent")
        expect(phone.get("confirmation-code")).not_to_be_empty()
        assert _dossiers_sent(production, "binh.tran") == 1
    finally:
        context.close()
