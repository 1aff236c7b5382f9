"""The sandbox provider as a real separate process, and an app-side client for the auth routes.

``idp`` starts ``python -m citizen_app idp serve`` once per test session on a free
port with its own data directory, and waits for its discovery document. Tests
drive its login and consent pages over HTTP like a browser (:class:`Browser`)
and call the app's routes through Starlette's TestClient (``app``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

with warnings.catch_warnings():
    # Starlette 1.x nudges towards httpx2; the project pins httpx, which still works.
    warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient.*")
    from starlette.testclient import TestClient

from citizen_app.core.identity import oidc
from citizen_app.settings import PROJECT_ROOT, reset_settings_cache
from citizen_app.web.auth import build_routes
from tests.unit.identity.helpers import APP_BASE, CLIENT_ID, CLIENT_SECRET

EXTRA_REDIRECT = "http://127.0.0.1:9/direct-test-callback"  # for tests that talk to the provider directly


@dataclass
class IdpProcess:
    issuer: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    client_key_path: Path

    @property
    def db_path(self) -> Path:
        return self.data_dir / "idp" / "idp.db"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "idp" / "keys"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def provider_environment(data_dir: Path, client_key: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("OIDC_", "SANDBOX_"))}
    env.update(
        DATA_DIR=str(data_dir),
        PUBLIC_BASE_URL=APP_BASE,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET=CLIENT_SECRET,
        OIDC_PRIVATE_KEY_PATH=str(client_key),
        SANDBOX_IDP_EXTRA_REDIRECT_URIS=EXTRA_REDIRECT,
        PYTHONPATH=str(PROJECT_ROOT),
    )
    return env


@pytest.fixture(scope="session")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IdpProcess]:
    data_dir = tmp_path_factory.mktemp("idp-data")
    client_key = data_dir / "client-key.json"
    env = provider_environment(data_dir, client_key)
    subprocess.run(
        [sys.executable, "-m", "citizen_app", "idp", "client-key", str(client_key)],
        env=env,
        check=True,
        capture_output=True,
        cwd=PROJECT_ROOT,
    )
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    log_file = (data_dir / "idp.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "citizen_app",
            "idp",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--issuer",
            issuer,
        ],
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        cwd=PROJECT_ROOT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(
                f"sandbox provider did not start: {(data_dir / 'idp.log').read_text()[-2000:]}"
            )
        time.sleep(0.2)
    yield IdpProcess(issuer, data_dir, process, client_key)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log_file.close()


def configure_app(monkeypatch: pytest.MonkeyPatch, issuer: str, **extra: str) -> None:
    """The app side of the tests (this process) points at ``issuer`` as a relying party."""
    monkeypatch.setenv("PUBLIC_BASE_URL", APP_BASE)
    monkeypatch.setenv("OIDC_ISSUER", issuer)
    monkeypatch.setenv("OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("OIDC_CLIENT_SECRET", CLIENT_SECRET)
    for name in ("OIDC_CLIENT_AUTH_METHOD", "OIDC_PRIVATE_KEY_PATH", "OIDC_REDIRECT_URI"):
        monkeypatch.delenv(name, raising=False)
    for name, value in extra.items():
        monkeypatch.setenv(name, value)
    reset_settings_cache()
    oidc.reset_caches()


AppFactory = Callable[..., TestClient]


@pytest.fixture
def make_app(engine, idp: IdpProcess, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppFactory]:
    """Build a TestClient over the auth routes; keyword arguments go to ``build_routes``."""
    configure_app(monkeypatch, idp.issuer)
    clients: list[TestClient] = []

    def factory(**route_options: object) -> TestClient:
        app = Starlette(routes=build_routes(**route_options))  # type: ignore[arg-type]
        client = TestClient(app, base_url=APP_BASE, follow_redirects=False)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


@pytest.fixture
def app(make_app: AppFactory) -> TestClient:
    return make_app()


class SilentServer:
    """Accepts TCP connections and never answers: a provider that is up but too slow."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        self.socket.settimeout(0.2)
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections.append(connection)

    def close(self) -> None:
        self._stop.set()
        self.thread.join(timeout=2)
        for connection in self.connections:
            connection.close()
        self.socket.close()


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


def read_provider_jwks(idp: IdpProcess) -> dict:
    return json.loads(httpx.get(f"{idp.issuer}/jwks.json", timeout=5).text)
