"""Certificate files in both object stores: a local folder, and an S3-compatible bucket (moto's server: a stand-in
for the city's MinIO or a cloud bucket, spoken to over HTTP with boto3 exactly as a real one)."""

from __future__ import annotations

import socket
import uuid

import boto3
import pytest
from moto.server import ThreadedMotoServer

from services.needs import objectstore
from services.needs.config import NeedsSettings

CONTENT = b"%PDF-1.4 sertifikat\n"


@pytest.fixture(scope="module")
def s3_endpoint():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def _settings(url: str, endpoint: str = "") -> NeedsSettings:
    return NeedsSettings(
        service="needs",
        database_url="sqlite://",  # not used: only the object store settings matter here
        object_store_url=url,
        object_store_endpoint=endpoint,
        object_store_access_key="bangkom",
        object_store_secret_key="rahasia-bucket",
    )


def test_a_bucket_by_configuration(s3_endpoint):
    bucket = f"bangkom-{uuid.uuid4().hex[:8]}"
    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="bangkom",
        aws_secret_access_key="rahasia-bucket",
    ).create_bucket(Bucket=bucket)
    store = objectstore.from_settings(_settings(f"s3://{bucket}/sertifikat", s3_endpoint))
    assert isinstance(store, objectstore.BucketStore)
    store.put("certificates/199204272022212010/x/abc", CONTENT, "application/pdf")
    assert store.get("certificates/199204272022212010/x/abc") == CONTENT
    listed = store.client.list_objects_v2(Bucket=bucket)["Contents"]
    assert [o["Key"] for o in listed] == ["sertifikat/certificates/199204272022212010/x/abc"]


def test_a_folder_by_default_and_no_key_climbs_out(tmp_path):
    store = objectstore.from_settings(_settings(f"file://{tmp_path}"))
    assert isinstance(store, objectstore.FolderStore)
    store.put("certificates/1/x/abc", CONTENT, "application/pdf")
    assert store.get("certificates/1/x/abc") == CONTENT
    assert (tmp_path / "certificates/1/x/abc").read_bytes() == CONTENT
    assert [p.name for p in (tmp_path / "certificates/1/x").iterdir()] == ["abc"]  # no temporary file left
    for bad in ("../etc/passwd", "certificates/../../x", "/absolute", ""):
        with pytest.raises(ValueError):
            store.put(bad, CONTENT, "application/pdf")
    with pytest.raises(ValueError):
        objectstore.from_settings(_settings("ftp://example.org/x"))
