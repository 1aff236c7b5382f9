"""Where dossier files live: one interface, the backend chosen by ``STORAGE_BACKEND``.

* ``local`` (default): ``DATA_DIR/files`` on this machine.
* ``s3``: an S3-compatible bucket shared by every machine (core/storage/s3.py).

Keys are ``<first two characters>/<random name>``; nothing in a key says whose file it is.
"""

from __future__ import annotations

from functools import lru_cache

from citizen_app.core.storage.base import CHUNK, FileMissing, Storage
from citizen_app.core.storage.local import LocalStorage
from citizen_app.settings import Settings, get_settings

__all__ = ["CHUNK", "FileMissing", "LocalStorage", "Storage", "get_storage", "key_for", "storage_for"]


def key_for(stored_name: str) -> str:
    # Two-character fan-out keeps directories (and S3 listings) small when there are millions of files.
    return f"{stored_name[:2]}/{stored_name}"


@lru_cache(maxsize=8)
def storage_for(settings: Settings) -> Storage:
    if settings.storage_backend == "s3":
        from citizen_app.core.storage.s3 import S3Storage

        return S3Storage(
            bucket=settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
            prefix=settings.s3_prefix,
        )
    return LocalStorage(settings.attachments_dir)


def get_storage(settings: Settings | None = None) -> Storage:
    return storage_for(settings or get_settings())
