"""Staging without a shared folder: with S3, an upload is staged in the bucket, so a worker on
another host (another staging folder) stores it; while the bucket is down the bytes wait on the
host that received them and that host moves them to the bucket once it answers. Two archives
with two folders stand for two hosts; the bucket is moto's S3 server, the outage a port where
nothing listens."""

from __future__ import annotations

import hashlib
import io
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from mozaika.archive import S3Archive, StagedBytesMissing
from tests.support import MINIMAL_PDF, TRZEBIEL, MotoS3, free_port

SHA = hashlib.sha256(MINIMAL_PDF).hexdigest()


def hosts(moto_s3: MotoS3, tmp_path: Path) -> tuple[S3Archive, S3Archive, str]:
    bucket = moto_s3.create_bucket(f"staging-{uuid.uuid4().hex[:8]}")
    api_host = S3Archive(bucket, client=moto_s3.client(), staging_dir=tmp_path / "api-host")
    worker_host = S3Archive(bucket, client=moto_s3.client(), staging_dir=tmp_path / "worker-host")
    return api_host, worker_host, bucket


def test_an_upload_staged_on_one_host_is_stored_by_another(moto_s3: MotoS3, tmp_path: Path) -> None:
    api_host, worker_host, bucket = hosts(moto_s3, tmp_path)

    key = api_host.stage(io.BytesIO(MINIMAL_PDF))
    stored = worker_host.store(staging_key=key, teryt=TRZEBIEL, sha256=SHA, metadata={})

    assert b"".join(worker_host.open(stored.key)) == MINIMAL_PDF
    assert not (tmp_path / "api-host" / key).exists()  # nothing waits on the API's host
    listed = moto_s3.client().list_objects_v2(Bucket=bucket).get("Contents", [])
    assert [o["Key"] for o in listed] == [stored.key]  # the staged copy is gone


def test_during_an_outage_the_receiving_host_keeps_the_bytes_and_moves_them_later(
    moto_s3: MotoS3, tmp_path: Path
) -> None:
    api_host, worker_host, bucket = hosts(moto_s3, tmp_path)
    down = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{free_port()}", region_name="us-east-1",
                        aws_access_key_id="x", aws_secret_access_key="x",
                        config=Config(retries={"max_attempts": 1}, connect_timeout=1))  # fmt: skip
    api_host_in_outage = S3Archive(bucket, client=down, staging_dir=tmp_path / "api-host")

    key = api_host_in_outage.stage(io.BytesIO(MINIMAL_PDF))  # the upload succeeds

    assert (tmp_path / "api-host" / key).exists()
    with pytest.raises(StagedBytesMissing):
        worker_host.store(staging_key=key, teryt=TRZEBIEL, sha256=SHA, metadata={})
    api_host.check()  # the bucket answers again: the readiness check moves what waited
    assert not (tmp_path / "api-host" / key).exists()
    stored = worker_host.store(staging_key=key, teryt=TRZEBIEL, sha256=SHA, metadata={})
    assert b"".join(worker_host.open(stored.key)) == MINIMAL_PDF
