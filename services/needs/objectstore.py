"""Where certificate files live: a local folder by default, an S3-compatible bucket by configuration.

``OBJECT_STORE_URL`` is ``file://<folder>`` (relative to the working directory, or absolute with
``file:///``) or ``s3://<bucket>/<prefix>`` with ``OBJECT_STORE_ENDPOINT`` (MinIO, Ceph, …; empty for
AWS) and its keys. Objects are written whole or not at all and are never overwritten in place: a
key names one upload (docs/needs.md).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$")


class ObjectStore(Protocol):
    def put(self, key: str, content: bytes, media_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...


def _check(key: str) -> str:
    if not KEY.match(key) or ".." in key.split("/"):
        raise ValueError(f"unsafe object key {key!r}")
    return key


class FolderStore:
    """Objects as files under one folder (a volume shared by every instance of the service)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def put(self, key: str, content: bytes, media_type: str) -> None:
        path = self.root / _check(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:  # whole or nothing
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)

    def get(self, key: str) -> bytes:
        return (self.root / _check(key)).read_bytes()


class BucketStore:
    """Objects in an S3-compatible bucket (boto3)."""

    def __init__(self, bucket: str, prefix: str, *, endpoint: str, region: str, access_key: str, secret_key: str):
        import boto3

        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint or None,
            region_name=region,
            aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None,
        )

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{_check(key)}" if self.prefix else _check(key)

    def put(self, key: str, content: bytes, media_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=content, ContentType=media_type)

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()


def from_settings(settings) -> ObjectStore:
    url = urlparse(settings.object_store_url)
    if url.scheme == "s3":
        return BucketStore(
            url.netloc,
            url.path,
            endpoint=settings.object_store_endpoint,
            region=settings.object_store_region,
            access_key=settings.object_store_access_key,
            secret_key=settings.object_store_secret_key,
        )
    if url.scheme == "file":
        return FolderStore(url.netloc + url.path if url.netloc else url.path)
    raise ValueError(f"OBJECT_STORE_URL must start with file:// or s3://, not {settings.object_store_url!r}")
