"""The production profile's settings are the ones the README names, and they reach Reflex."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from citizen_app.commands.prod import check_profile
from citizen_app.settings import PROJECT_ROOT, load_settings, reset_settings_cache

PROBE = """
import json, os
import rxconfig
from reflex.istate.manager import StateManager
from reflex.utils import prerequisites
manager = StateManager.create()
print(json.dumps({
    "redis_url": prerequisites.parse_redis_url(),
    "token_expiration": rxconfig.config.redis_token_expiration,
    "manager": type(manager).__name__,
    "manager_expiration": manager.token_expiration,
    "granian_workers": os.environ.get("GRANIAN_WORKERS"),
    "port": rxconfig.config.backend_port,
}))
"""


def _reflex_sees(env: dict[str, str]) -> dict[str, object]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("REFLEX_REDIS", "GRANIAN_", "REDIS_URL"))}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=PROJECT_ROOT, env={**clean, **env}, capture_output=True, text=True,
        timeout=120, check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_documented_variables_reach_reflex(tmp_path) -> None:  # type: ignore[no-untyped-def]
    seen = _reflex_sees(
        {
            "DATA_DIR": str(tmp_path),
            "REDIS_URL": "redis://127.0.0.1:6379/14",
            "WEB_WORKERS": "3",
            "STATE_IDLE_MINUTES": "20",
            "PORT": "4123",
        }
    )
    assert seen == {
        "redis_url": "redis://127.0.0.1:6379/14",
        "token_expiration": 1200,
        "manager": "StateManagerRedis",
        "manager_expiration": 1200,
        "granian_workers": "3",
        "port": 4123,
    }


def test_without_redis_one_worker_keeps_states_on_disk(tmp_path) -> None:  # type: ignore[no-untyped-def]
    seen = _reflex_sees({"DATA_DIR": str(tmp_path)})
    assert (seen["redis_url"], seen["manager"], seen["granian_workers"]) == (None, "StateManagerDisk", "1")
    assert seen["manager_expiration"] == 30 * 60  # idle tabs go after 30 minutes on disk too


def test_settings_refuse_a_profile_that_would_lose_tab_states() -> None:
    with pytest.raises(ValueError, match="REDIS_URL"):
        load_settings({"WEB_WORKERS": "4"})
    assert load_settings({"REDIS_URL": "redis://r:6379/0"}).web_workers == 2
    with pytest.raises(ValueError, match="WEB_WORKERS"):
        load_settings({"WEB_WORKERS": "0"})


def test_prod_refuses_sqlite_no_redis_or_jobs_in_the_web_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    reset_settings_cache()
    assert len(check_profile()) == 3
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/x")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("JOBS_IN_APP", "false")
    reset_settings_cache()
    assert check_profile() == []


def test_every_variable_settings_reads_is_documented() -> None:
    source = (PROJECT_ROOT / "citizen_app" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.get)?\(\s*"([A-Z][A-Z0-9_]+)"', source))
    read |= set(re.findall(r'_(?:int|bool|path|words|choice)\(env, "([A-Z][A-Z0-9_]+)"', source))
    documented = "".join(
        (PROJECT_ROOT / name).read_text() for name in ("README.md", "docs/identity.md", "docs/operations.md")
    )
    assert {"REDIS_URL", "WEB_WORKERS", "STATE_IDLE_MINUTES", "STORAGE_BACKEND", "SMS_PROVIDER"} <= read
    assert sorted(name for name in read if f"`{name}`" not in documented) == []
