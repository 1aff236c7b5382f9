"""Files in an S3-compatible object store (SeaweedFS, MinIO, Ceph, AWS): one bucket for every machine.

The bucket stays private: every request is signed with the app's keys. Downloads are streamed
through the app after its access check, or (``FILE_DOWNLOADS=presigned``) sent as a redirect to
a URL signed for ``PRESIGNED_URL_SECONDS`` that names the one object and its download name.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from citizen_app.core.storage.base import CHUNK, FileMissing

_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3Storage:
    name = "s3"

    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None,
        region: str,
        access_key_id: str | None,
        secret_access_key: str | None,
        prefix: str = "",
    ) -> None:
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},  # works with any S3-compatible server, no wildcard DNS
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=30,
            ),
        )

    def _key(self, key: str) -> str:
        if not key or key.startswith("/") or ".." in key.split("/"):
            raise ValueError(f"bad key {key!r}")
        return self.prefix + key

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def _get(self, key: str) -> Any:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                raise FileMissing(key) from None
            raise

    def read(self, key: str) -> bytes:
        return self._get(key)["Body"].read()

    def chunks(self, key: str, size: int = CHUNK) -> Iterator[bytes]:
        body = self._get(key)["Body"]
        try:
            yield from body.iter_chunks(size)
        finally:
            body.close()

    def size(self, key: str) -> int:
        try:
            return int(self.client.head_object(Bucket=self.bucket, Key=self._key(key))["ContentLength"])
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                raise FileMissing(key) from None
            raise

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except FileMissing:
            return False
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def keys(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"][len(self.prefix) :]

    def local_path(self, key: str) -> Path | None:
        return None

    def presigned_url(self, key: str, *, filename: str, content_type: str, inline: bool, seconds: int) -> str | None:
        disposition = "inline" if inline else "attachment"
        return str(
            self.client.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self.bucket,
                    "Key": self._key(key),
                    "ResponseContentType": content_type,
                    "ResponseContentDisposition": f"{disposition}; filename*=UTF-8''{quote(filename)}",
                    "ResponseCacheControl": "private, no-store",
                },
                ExpiresIn=seconds,
            )
        )

    def create_bucket(self) -> None:
        """For a fresh server (tests, a first start); an existing bucket is left as it is."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self.client.create_bucket(Bucket=self.bucket)

    def check(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)
