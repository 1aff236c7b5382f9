"""Signing keys of the sandbox provider, generated on first start and kept on disk.

Layout under ``<data_dir>/idp/keys``: one private JWK per file (``<kid>.json``,
mode 0600) and ``active`` naming the key that signs. Rotation adds a key, makes
it active and keeps the previous ones published in the JWKS, so tokens already
issued still verify. Several worker processes share the directory: writes take
a file lock and land atomically, and readers reload when the files change.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from joserfc.jwk import ECKey, KeySet, RSAKey

SUPPORTED_ALGORITHMS = ("RS256", "ES256")

Key = RSAKey | ECKey


class KeyStore:
    def __init__(self, directory: Path, alg: str = "RS256") -> None:
        if alg not in SUPPORTED_ALGORITHMS:
            raise ValueError(f"unsupported signing algorithm {alg!r}; use one of {SUPPORTED_ALGORITHMS}")
        self.directory = directory
        self.alg = alg
        self._lock = threading.Lock()
        self._loaded_signature: tuple[Any, ...] | None = None
        self._keys: dict[str, Key] = {}
        self._active: str = ""

    # --- public ------------------------------------------------------------------------------------

    def ensure(self) -> None:
        """Create the first key if there is none (safe when several processes start together)."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if (self.directory / "active").exists():
            return
        with self._file_lock():
            if not (self.directory / "active").exists():
                self._write_new_key()

    def rotate(self, keep: int = 2) -> str:
        """Make a new signing key; keep the newest ``keep`` keys published. Returns the new kid."""
        self.ensure()
        with self._file_lock():
            kid = self._write_new_key()
            keys = sorted(self._key_files(), key=lambda path: path.stat().st_mtime_ns, reverse=True)
            for stale in keys[max(keep, 1):]:
                stale.unlink(missing_ok=True)
        return kid

    def signing_key(self) -> Key:
        self._reload()
        return self._keys[self._active]

    @property
    def active_kid(self) -> str:
        self._reload()
        return self._active

    def private_keyset(self) -> KeySet:
        self._reload()
        return KeySet(list(self._keys.values()))

    def public_jwks(self) -> dict[str, Any]:
        self._reload()
        keys = []
        for key in self._keys.values():
            public = key.as_dict(private=False)
            public.update(kid=key.kid, use="sig", alg=_alg_of(key))
            keys.append(public)
        return {"keys": keys}

    def algorithms(self) -> list[str]:
        self._reload()
        return sorted({_alg_of(key) for key in self._keys.values()})

    # --- disk --------------------------------------------------------------------------------------

    def _key_files(self) -> list[Path]:
        return [path for path in self.directory.glob("*.json") if path.is_file()]

    def _write_new_key(self) -> str:
        key: Key = RSAKey.generate_key(2048, private=True) if self.alg == "RS256" else ECKey.generate_key(
            "P-256", private=True
        )
        kid = key.thumbprint()
        data = key.as_dict(private=True)
        data["kid"] = kid
        _atomic_write(self.directory / f"{kid}.json", json.dumps(data), mode=0o600)
        _atomic_write(self.directory / "active", kid, mode=0o600)
        return kid

    def _reload(self) -> None:
        self.ensure()
        files = self._key_files()
        active_file = self.directory / "active"
        signature = (
            active_file.stat().st_mtime_ns,
            tuple(sorted((path.name, path.stat().st_mtime_ns) for path in files)),
        )
        with self._lock:
            if signature == self._loaded_signature:
                return
            keys: dict[str, Key] = {}
            for path in files:
                document = json.loads(path.read_text())
                key = (ECKey if document.get("kty") == "EC" else RSAKey).import_key(document)
                keys[document["kid"]] = key
            active = active_file.read_text().strip()
            if active not in keys:
                raise RuntimeError(f"active signing key {active} is missing from {self.directory}")
            self._keys, self._active, self._loaded_signature = keys, active, signature

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        with (self.directory / ".lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _alg_of(key: Key) -> str:
    return "ES256" if isinstance(key, ECKey) else "RS256"


def _atomic_write(path: Path, text: str, *, mode: int) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
    os.replace(temporary, path)
