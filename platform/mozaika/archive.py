"""The document archive: one interface, two backends (a local folder, or S3 via boto3).

A document travels in two steps. The API *stages* the uploaded bytes (so that a worker on
another machine can reach them) and records the document; after commit, the archive actor
*stores* it under its content address `{teryt}/{sha256}`, re-hashing the bytes on the way and
refusing them if they changed. Storing the same bytes twice reuses the object.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import json
import logging
import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core import signing

from mozaika.downloads import attachment_disposition

CHUNK = 1024 * 1024
LINK_SALT = "mozaika.archive.link"


logger = logging.getLogger(__name__)
# What a bucket that does not answer (or answers with an error) raises through boto3.
_UNREACHABLE = (BotoCoreError, ClientError)


class StagedBytesMissing(Exception):
    """A staged upload is not reachable from here yet (it waits on the host that staged it)."""


class ArchiveIntegrityError(Exception):
    """The bytes read back do not match the hash recorded when they were uploaded."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    sha256: str
    size: int


class Archive(Protocol):
    def stage(self, source: IO[bytes]) -> str:
        """Keep uploaded bytes where a worker can read them; returns the staging key."""

    def store(
        self, *, staging_key: str, teryt: str, sha256: str, metadata: dict[str, str], retain_until: date | None = None
    ) -> StoredObject:
        """Move staged bytes to `{teryt}/{sha256}`, verifying the hash; with `retain_until`, the
        object cannot be deleted or replaced before that day (an existing one's date is extended,
        never shortened)."""

    def discard(self, staging_key: str) -> None:
        """Forget staged bytes that will never be stored (the request that staged them failed)."""

    def open(self, key: str) -> Iterator[bytes]:
        """The stored bytes, in chunks."""

    def link(self, key: str, *, filename: str, content_type: str, issued_to: str, seconds: int) -> str:
        """A download link valid for `seconds`: absolute (S3 presigned) or a path on this API."""

    def digest(self, key: str) -> str | None:
        """The SHA-256 of the stored bytes, read back in full; None when the object is missing."""

    def retain(self, key: str, until: date) -> None:
        """Keep the object at least until `until` (the end of that day); never shortens."""

    def hold(self, key: str, on: bool) -> None:
        """Set or lift a legal hold: while on, the object cannot be deleted whatever its date."""

    def check(self) -> None:
        """Raise if the archive cannot be reached (used by /readyz)."""


def content_key(teryt: str, sha256: str) -> str:
    return f"{teryt}/{sha256}"


def _copy_hashing(source: IO[bytes], target: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


class LocalArchive:
    """A folder: the embedded default. Files are written atomically and made read-only."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, key: str) -> Path:
        return self._path(key)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"key escapes the archive: {key!r}")
        return path

    def stage(self, source: IO[bytes]) -> str:
        key = f"staging/{uuid.uuid4()}"
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "wb") as target:
                _copy_hashing(source, target)
        except BaseException:
            path.unlink(missing_ok=True)  # e.g. the upload was over the size limit
            raise
        return key

    def store(
        self, *, staging_key: str, teryt: str, sha256: str, metadata: dict[str, str], retain_until: date | None = None
    ) -> StoredObject:
        key = content_key(teryt, sha256)
        if retain_until is not None:
            self.retain(key, retain_until)
        final = self._path(key)
        if final.exists():
            self.discard(staging_key)
            return StoredObject(key=key, sha256=sha256, size=final.stat().st_size)
        final.parent.mkdir(parents=True, exist_ok=True)
        with (
            open(self._path(staging_key), "rb") as source,
            tempfile.NamedTemporaryFile(dir=final.parent, delete=False) as target,
        ):
            actual, size = _copy_hashing(source, target)
            target.flush()
            os.fsync(target.fileno())
        if actual != sha256:
            os.unlink(target.name)
            raise ArchiveIntegrityError(f"staged bytes hash to {actual}, expected {sha256}")
        os.chmod(target.name, 0o444)
        os.replace(target.name, final)
        self.discard(staging_key)
        return StoredObject(key=key, sha256=sha256, size=size)

    def discard(self, staging_key: str) -> None:
        self._path(staging_key).unlink(missing_ok=True)

    def open(self, key: str) -> Iterator[bytes]:
        with open(self._path(key), "rb") as source:
            while chunk := source.read(CHUNK):
                yield chunk

    def _lock_path(self, key: str) -> Path:
        return self._path(f"locks/{key}.json")

    def lock_state(self, key: str) -> dict[str, Any]:
        """The retention date and legal hold recorded for a stored object (the folder cannot
        enforce them; Mozaika refuses to delete or replace archived documents in any case)."""
        path = self._lock_path(key)
        return json.loads(path.read_text()) if path.is_file() else {"retain_until": None, "legal_hold": False}

    def _write_lock(self, key: str, state: dict[str, Any]) -> None:
        path = self._lock_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(state))

    def retain(self, key: str, until: date) -> None:
        state = self.lock_state(key)
        if state["retain_until"] is None or until.isoformat() > state["retain_until"]:
            self._write_lock(key, state | {"retain_until": until.isoformat()})

    def hold(self, key: str, on: bool) -> None:
        self._write_lock(key, self.lock_state(key) | {"legal_hold": on})

    def digest(self, key: str) -> str | None:
        path = self._path(key)
        if not path.is_file():
            return None
        return _sha256_of(self.open(key))

    def link(self, key: str, *, filename: str, content_type: str, issued_to: str, seconds: int) -> str:
        """A path on this API that streams the object for `seconds` (signed, so unguessable)."""
        target = {"k": key, "n": filename, "t": content_type, "by": issued_to}
        token = signing.TimestampSigner(salt=LINK_SALT).sign_object(target)
        return f"/api/v1/archive/links/{token}"

    def check(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise PermissionError(f"archive folder {self.root} is not writable")


class S3Archive:
    """An S3-compatible bucket through boto3 (endpoint and credentials from the AWS_* env)."""

    def __init__(self, bucket: str, client: Any = None, staging_dir: Path | None = None) -> None:
        self.bucket = bucket
        self.staging = LocalArchive(staging_dir or settings.ARCHIVE_STAGING_DIR)
        endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or ""
        self.client = client or _s3_client(endpoint)

    def stage(self, source: IO[bytes]) -> str:
        """Staged in the bucket under `staging/<uuid>`, so a worker on any host stores it. While
        the bucket is down the bytes wait in this host's folder (`ARCHIVE_STAGING_DIR`) under the
        same key, and this process moves them to the bucket once it answers again
        (`staged_drain`, run at each later upload and each readiness check): an upload succeeds
        during an outage, and no folder needs to be shared between hosts."""
        key = self.staging.stage(source)  # hashed and size-checked as it streams
        try:
            self._upload_staged(key)
        except _UNREACHABLE as error:
            logger.warning("archive unreachable, %s waits in %s: %s", key, self.staging.root, error)
            return key
        self.staged_drain()
        return key

    def _upload_staged(self, key: str) -> None:
        path = self.staging.path_of(key)
        with open(path, "rb") as staged:
            self.client.put_object(
                Bucket=self.bucket, Key=key, Body=staged, ContentLength=os.fstat(staged.fileno()).st_size
            )
        path.unlink(missing_ok=True)

    def staged_drain(self) -> int:
        """Move what this host staged during an outage to the bucket; stops at the first failure
        (the bucket is still down). Returns how many were moved."""
        folder = self.staging.path_of("staging")
        moved = 0
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            try:
                self._upload_staged(f"staging/{path.name}")
            except _UNREACHABLE:
                break
            moved += 1
        return moved

    @contextlib.contextmanager
    def _staged_file(self, staging_key: str) -> Iterator[Path]:
        """The staged bytes as a local file: this host's, or a copy of the bucket's."""
        local = self.staging.path_of(staging_key)
        if local.exists():
            yield local
            return
        with tempfile.NamedTemporaryFile(dir=self.staging.root if self.staging.root.is_dir() else None) as copy:
            try:
                self.client.download_fileobj(self.bucket, staging_key, copy)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                    raise StagedBytesMissing(
                        f"{staging_key} is neither in the bucket nor on this host: the host that staged it moves "
                        "it to the bucket once the bucket answers (tried again later)"
                    ) from error
                raise
            copy.flush()
            yield Path(copy.name)

    def store(
        self, *, staging_key: str, teryt: str, sha256: str, metadata: dict[str, str], retain_until: date | None = None
    ) -> StoredObject:
        key = content_key(teryt, sha256)
        if self._exists(key):
            self.discard(staging_key)
            if retain_until is not None:
                self.retain(key, retain_until)
            return StoredObject(key=key, sha256=sha256, size=self._size(key))
        with self._staged_file(staging_key) as path:
            with open(path, "rb") as staged:
                actual = _sha256_of(iter(lambda: staged.read(CHUNK), b""))
            if actual != sha256:
                raise ArchiveIntegrityError(f"staged bytes hash to {actual}, expected {sha256}")
            with open(path, "rb") as staged:
                size = os.fstat(staged.fileno()).st_size
                self.client.put_object(
                    Bucket=self.bucket,
                    Key=key,
                    Body=staged,
                    ContentLength=size,
                    ChecksumAlgorithm="SHA256",
                    ChecksumSHA256=base64.b64encode(bytes.fromhex(sha256)).decode(),
                    Metadata={name: _ascii(value) for name, value in metadata.items()},
                    **self._protection(retain_until),
                )
        self.discard(staging_key)
        return StoredObject(key=key, sha256=sha256, size=size)

    def _protection(self, retain_until: date | None) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if settings.ARCHIVE_SSE:
            extra["ServerSideEncryption"] = settings.ARCHIVE_SSE
            if settings.ARCHIVE_SSE_KMS_KEY_ID:
                extra["SSEKMSKeyId"] = settings.ARCHIVE_SSE_KMS_KEY_ID
        if retain_until is not None and settings.ARCHIVE_OBJECT_LOCK_MODE:
            extra["ObjectLockMode"] = settings.ARCHIVE_OBJECT_LOCK_MODE
            extra["ObjectLockRetainUntilDate"] = _end_of(retain_until)
        return extra

    def retain(self, key: str, until: date) -> None:
        if not settings.ARCHIVE_OBJECT_LOCK_MODE:
            return
        head = self.client.head_object(Bucket=self.bucket, Key=key)
        current = head.get("ObjectLockRetainUntilDate")
        if current is not None and current >= _end_of(until):
            return  # never shortened (the store does not enforce that for every mode)
        self.client.put_object_retention(
            Bucket=self.bucket,
            Key=key,
            Retention={"Mode": settings.ARCHIVE_OBJECT_LOCK_MODE, "RetainUntilDate": _end_of(until)},
        )

    def hold(self, key: str, on: bool) -> None:
        self.client.put_object_legal_hold(Bucket=self.bucket, Key=key, LegalHold={"Status": "ON" if on else "OFF"})

    def discard(self, staging_key: str) -> None:
        self.staging.discard(staging_key)
        with contextlib.suppress(*_UNREACHABLE):  # the bucket's copy, if there is one
            self.client.delete_object(Bucket=self.bucket, Key=staging_key)

    def _exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def _size(self, key: str) -> int:
        return int(self.client.head_object(Bucket=self.bucket, Key=key)["ContentLength"])

    def open(self, key: str) -> Iterator[bytes]:
        body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        yield from body.iter_chunks(CHUNK)

    def digest(self, key: str) -> str | None:
        try:
            return _sha256_of(self.open(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise

    def link(self, key: str, *, filename: str, content_type: str, issued_to: str, seconds: int) -> str:
        url: str = self.client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket, "Key": key, "ResponseContentType": content_type,
                    "ResponseContentDisposition": attachment_disposition(filename)},
            ExpiresIn=seconds,
        )  # fmt: skip
        return url

    def check(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)
        self.staged_drain()  # the bucket answers: what this host staged meanwhile goes there


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def _sha256_of(chunks: Iterator[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def _ascii(value: str) -> str:
    # S3 user metadata must be ASCII; Polish names are kept readable and reversible.
    return value.encode("ascii", "backslashreplace").decode("ascii")


@functools.cache
def _s3_client(endpoint: str) -> Any:
    """One client per endpoint (boto3 reads it from the env): a client costs tens of
    milliseconds to build and is thread-safe."""
    import boto3

    return boto3.client("s3")


@dataclass(frozen=True)
class LinkTarget:
    key: str
    filename: str
    content_type: str
    issued_to: str


def link_target(token: str, *, max_age: int) -> LinkTarget:
    """What a local link stands for; raises `signing.BadSignature` (or its `SignatureExpired`)
    for a forged or stale one."""
    target = signing.TimestampSigner(salt=LINK_SALT).unsign_object(token, max_age=max_age)
    return LinkTarget(target["k"], target["n"], target.get("t", "application/octet-stream"), target["by"])


def get_archive() -> Archive:
    if settings.ARCHIVE_S3_BUCKET:
        return S3Archive(settings.ARCHIVE_S3_BUCKET)
    return LocalArchive(settings.ARCHIVE_LOCAL_DIR)


__all__ = [
    "Archive",
    "ArchiveIntegrityError",
    "LocalArchive",
    "S3Archive",
    "StoredObject",
    "get_archive",
    "link_target",
]
