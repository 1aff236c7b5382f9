"""The storage interface every backend implements (core/storage/__init__.py picks one)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

CHUNK = 64 * 1024


class FileMissing(LookupError):
    """No object under that key."""


class Storage(Protocol):
    """Private objects under keys like ``ab/ab12…``; nothing here is ever public."""

    name: str

    def put(self, key: str, data: bytes) -> None: ...

    def read(self, key: str) -> bytes: ...

    def chunks(self, key: str, size: int = CHUNK) -> Iterator[bytes]:
        """The object's bytes in pieces, for streaming a download without holding it in memory."""
        ...

    def size(self, key: str) -> int: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove the object; a missing one is not an error."""
        ...

    def keys(self) -> Iterator[str]:
        """Every key (backups walk this)."""
        ...

    def local_path(self, key: str) -> Path | None:
        """The file on this machine's disk, when there is one (the server can then send it itself)."""
        ...

    def presigned_url(self, key: str, *, filename: str, content_type: str, inline: bool, seconds: int) -> str | None:
        """A short-lived signed URL to the object, or None when the backend has no such thing."""
        ...

    def check(self) -> None:
        """Raise when the storage cannot be reached or written (readiness)."""
        ...
