"""Files in a directory on this machine (the default): private modes, atomic writes."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from citizen_app.core.storage.base import CHUNK, FileMissing


class LocalStorage:
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()) or not key:
            raise ValueError(f"key outside the storage: {key!r}")
        return path

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(f"{path.name}.{secrets.token_hex(4)}.part")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)

    def read(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise FileMissing(key) from None

    def chunks(self, key: str, size: int = CHUNK) -> Iterator[bytes]:
        try:
            stream = self._path(key).open("rb")
        except FileNotFoundError:
            raise FileMissing(key) from None
        with stream:
            while block := stream.read(size):
                yield block

    def size(self, key: str) -> int:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            raise FileMissing(key) from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        if not self.root.exists():
            return
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and not path.name.endswith(".part"):
                yield path.relative_to(self.root).as_posix()

    def local_path(self, key: str) -> Path | None:
        return self._path(key)

    def presigned_url(self, key: str, *, filename: str, content_type: str, inline: bool, seconds: int) -> str | None:
        return None

    def check(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        probe = self.root / f".ready-{secrets.token_hex(4)}"
        probe.write_bytes(b"ok")
        probe.unlink()
