"""``prod``: the production profile on one machine: PostgreSQL, Redis, several web workers, a job worker.

``make prod`` runs this with the profile's defaults; every value comes from the environment
(README, "Production"). It migrates and seeds, then starts ``reflex run --env prod`` with
``WEB_WORKERS`` Granian workers sharing tab states in Redis, and ``python -m citizen_app worker``
beside it, and stops both together. Several machines run the same behind any load balancer
(no sticky sessions needed: any worker can serve any tab).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time

from citizen_app.settings import PROJECT_ROOT


def register(groups: argparse._SubParsersAction) -> None:
    prod = groups.add_parser("prod", help="serve the production profile (PostgreSQL, Redis, workers, job worker)")
    prod.add_argument("--no-setup", action="store_true", help="skip migrating and seeding")
    prod.set_defaults(handler=_prod)


def check_profile() -> list[str]:
    """What keeps the settings from being a production profile (empty when fine)."""
    from citizen_app.settings import get_settings

    settings = get_settings()
    problems = []
    if not settings.database_url.startswith("postgresql"):
        problems.append("DATABASE_URL must point at PostgreSQL (postgresql://…)")
    if not settings.redis_url:
        problems.append("REDIS_URL must be set (tab states shared by every worker)")
    if settings.jobs_in_app:
        problems.append("JOBS_IN_APP must be false (the job worker runs beside the web workers)")
    return problems


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database when it does not exist yet (a first local start)."""
    from sqlalchemy import create_engine, make_url, text
    from sqlalchemy.exc import OperationalError

    from citizen_app.db.engine import make_engine

    try:
        with make_engine(url).connect() as connection:
            connection.execute(text("SELECT 1"))
        return
    except OperationalError as error:
        if "does not exist" not in str(error):
            raise
    target = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def _prod(args: argparse.Namespace) -> int:
    from citizen_app.settings import get_settings

    settings = get_settings()
    problems = check_profile()
    if problems:
        for problem in problems:
            print(f"prod: {problem}", file=sys.stderr)
        return 2
    ensure_database(settings.database_url)
    env = dict(os.environ)
    if not args.no_setup:
        subprocess.run([sys.executable, "-m", "citizen_app", "setup"], env=env, check=True)
    # Fresh per-process metric files for this start (prometheus-client's multiprocess mode).
    shutil.rmtree(settings.metrics_dir, ignore_errors=True)
    settings.metrics_dir.mkdir(parents=True, exist_ok=True)
    env["PROMETHEUS_MULTIPROC_DIR"] = str(settings.metrics_dir)
    env["GRANIAN_WORKERS"] = str(settings.web_workers)
    port = str(settings.port)
    children = [
        subprocess.Popen([sys.executable, "-m", "citizen_app", "worker"], env=env),
        subprocess.Popen(
            [sys.executable, "-m", "reflex", "run", "--env", "prod", "--frontend-port", port, "--backend-port", port],
            env=env,
            cwd=PROJECT_ROOT,
        ),
    ]
    stopping = False

    def _stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    code = 0
    while not stopping:
        exited = [child for child in children if child.poll() is not None]
        if exited:
            code = exited[0].returncode or 1
            print(f"prod: {exited[0].args[:4]} exited with {exited[0].returncode}; stopping", file=sys.stderr)
            break
        time.sleep(0.5)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
    return code
