"""Start the production app for end-to-end tests: built once, on a free port, with a fresh database."""

from __future__ import annotations

import fcntl
import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TOOLS_BIN = PROJECT_ROOT / "tools" / "node_modules" / ".bin"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def app_environment(data_dir: Path, port: int, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PATH": f"{TOOLS_BIN}:{Path(sys.executable).parent}:{env.get('PATH', '')}",
            "REFLEX_USE_SYSTEM_BUN": "1",
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_CHECK_LATEST_VERSION": "false",
            "NPM_CONFIG_REGISTRY": env.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org"),
            "DATA_DIR": str(data_dir),
            "PORT": str(port),
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            # A private frontend build per run: the build bakes in its port, so a shared .web/ would
            # let a concurrent `make run` or another test run point this one's pages elsewhere.
            "REFLEX_WEB_WORKDIR": str(data_dir / "web"),
            "REFLEX_STATES_WORKDIR": str(data_dir / "states"),
        }
    )
    env.pop("DATABASE_URL", None)
    env.update(extra or {})
    return env


def wait_until_serving(
    base_url: str, process: subprocess.Popen[bytes], log: Path, timeout: float, ready_paths: tuple[str, ...]
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if all(httpx.get(base_url + path, timeout=5).status_code == 200 for path in ready_paths):
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise TimeoutError(f"the app did not start within {timeout:.0f}s:\n{log.read_text()[-4000:]}")


@contextmanager
def one_build_at_a_time(app_dir: Path) -> Iterator[None]:
    """Builds of one project take turns, until each serves.

    Every build writes its resolved packages back into the project's shared ``reflex.lock/``; two at once (two
    e2e workers) left it empty, and bun then refused the frozen lockfile in CI. The lock is a file outside
    the project, so nothing shows in ``git status``.
    """
    key = hashlib.sha256(str(app_dir.resolve()).encode()).hexdigest()[:16]
    with (Path(tempfile.gettempdir()) / f"citizen-app-build-{key}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def serving_prod(
    app_dir: Path, env: dict[str, str], port: int, log: Path, *, ready_paths: tuple[str, ...], timeout: float = 600
) -> Iterator[str]:
    """``reflex run --env prod`` for the Reflex app in ``app_dir`` on one port; yield its base URL once ready."""
    building = ExitStack()
    building.enter_context(one_build_at_a_time(app_dir))
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "reflex",
                "run",
                "--env",
                "prod",
                "--frontend-port",
                str(port),
                "--backend-port",
                str(port),
                "--backend-host",
                "127.0.0.1",
            ],
            cwd=app_dir,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so teardown stops every child
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base_url, process, log, timeout, ready_paths)
        building.close()
        yield base_url
    finally:
        building.close()
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)


@contextmanager
def running_app(
    data_dir: Path, extra_env: dict[str, str] | None = None, timeout: float = 600
) -> Iterator[str]:
    """Migrate and seed a fresh database, build the production frontend, serve it; yield the base URL."""
    port = free_port()
    env = app_environment(data_dir, port, extra_env)
    data_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "citizen_app", "setup"], cwd=PROJECT_ROOT, env=env, check=True)
    with serving_prod(
        PROJECT_ROOT, env, port, data_dir / "app.log", ready_paths=("/vi/", "/healthz"), timeout=timeout
    ) as base_url:
        yield base_url
