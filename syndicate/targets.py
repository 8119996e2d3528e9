"""Where published files go: a local directory, or a bucket behind the S3 API.

Both replace a file whole: a reader sees the old bytes or the new ones, never
a mix. A local file is written to a temporary name beside it, fsynced and
renamed over the old one; an S3 object is replaced by one PUT, which the S3
API makes visible whole and atomically (a GET returns the old object or the
new one; since 2020 AWS S3 reads are strongly consistent after a write).

Paths are relative, '/'-separated, checked by :func:`check_relative` before
anything is written: a slug can never reach outside the output.

The S3 client is boto3 (the AWS SDK, maintained by AWS; also speaks to
MinIO, Ceph, R2 and other S3-compatible stores through ``endpoint_url``).
Credentials come from boto3's usual chain (environment, shared files, instance
roles), never from our config. Each object carries its SHA-256 in its
metadata (``x-amz-meta-sha256``), which ``publish --verify`` compares.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol
from urllib.parse import urlsplit

from syndicate.config import Settings


class UnsafePath(ValueError):
    pass


def check_relative(relative: str) -> PurePosixPath:
    """A relative path with no way out: no absolute path, '..', '.', empty part, backslash or NUL."""
    rel = PurePosixPath(relative)
    segments = relative.split("/")
    bad = rel.is_absolute() or "\\" in relative or "\x00" in relative
    if bad or any(seg in ("", ".", "..") for seg in segments):
        raise UnsafePath(f"refusing to write outside the output directory: {relative!r}")
    return rel


def safe_join(root: Path, relative: str) -> Path:
    """``root/relative``, refusing anything that would land outside ``root``."""
    rel = check_relative(relative)
    target = root.joinpath(*rel.parts)
    if not target.resolve().is_relative_to(root.resolve()):
        raise UnsafePath(f"refusing to write outside the output directory: {relative!r}")
    return target


def write_atomic(path: Path, data: bytes, *, fsync: bool = True) -> None:
    """Write through a temporary file in the same directory, fsync, rename (and fsync
    the directory). Without ``fsync`` a reader still sees the old bytes or the new ones:
    only a power loss could leave a file empty."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if fsync:
                os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if not fsync:
        return
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # the rename itself survives a crash
    finally:
        os.close(dir_fd)


class Target(Protocol):
    """A home for published files, addressed by relative paths."""

    def describe(self) -> str: ...

    def prepare(self) -> None: ...

    def put(self, path: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        """Replace the file whole (readers see old or new bytes, never a mix)."""

    def delete(self, path: str) -> None:
        """Remove it; no error when it is already gone."""

    def present(self, path: str, size: int) -> bool:
        """Cheaply: is the file there with this size (the hash-skip's check)?"""

    def sha256(self, path: str) -> str | None:
        """The file's content hash as stored, or None when it is missing (drift repair)."""

    def read(self, path: str) -> bytes | None: ...

    def sweep(self, older_than: float) -> int:
        """Remove temporary files a killed writer left behind, older than `older_than`
        seconds (a live writer's are milliseconds old); how many were removed."""


TEMP_GLOB = ".*.tmp"  # write_atomic's temporary names: hidden, never a published name


@dataclass
class LocalTarget:
    root: Path
    fsync: bool = True  # [publish] fsync

    def describe(self) -> str:
        return str(self.root)

    def prepare(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    def put(self, path: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        write_atomic(safe_join(self.root, path), data, fsync=self.fsync)

    def delete(self, path: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(safe_join(self.root, path))

    def present(self, path: str, size: int) -> bool:
        try:
            return safe_join(self.root, path).stat().st_size == size
        except FileNotFoundError:
            return False

    def sha256(self, path: str) -> str | None:
        data = self.read(path)
        return None if data is None else hashlib.sha256(data).hexdigest()

    def read(self, path: str) -> bytes | None:
        try:
            return safe_join(self.root, path).read_bytes()
        except FileNotFoundError:
            return None

    def sweep(self, older_than: float) -> int:
        cutoff = time.time() - older_than
        removed = 0
        for tmp in self.root.rglob(TEMP_GLOB):
            with contextlib.suppress(FileNotFoundError):  # another sweeper got it first
                if tmp.is_file() and not tmp.is_symlink() and tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
                    removed += 1
        return removed


class S3Target:
    """Objects under ``s3://bucket/prefix/``; the bucket must exist."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        client: Any = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        self.region = region
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:  # made on first use: a process made by fork gets its own
            import boto3
            from botocore.config import Config

            self._client = boto3.client(
                "s3",
                endpoint_url=self.endpoint_url or None,
                region_name=self.region or None,
                config=Config(retries={"max_attempts": 5, "mode": "standard"}),
            )
        return self._client

    def __getstate__(self) -> dict[str, Any]:  # to another process: settings, not a client
        return {**self.__dict__, "_client": None}

    def key(self, path: str) -> str:
        rel = check_relative(path).as_posix()
        return f"{self.prefix}/{rel}" if self.prefix else rel

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def prepare(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)  # a missing bucket or no access fails here

    def put(self, path: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        key = self.key(path)  # checked before anything goes out
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=data,
            ContentType=content_type,
            CacheControl=cache_control,
            Metadata={"sha256": hashlib.sha256(data).hexdigest()},
        )

    def delete(self, path: str) -> None:
        key = self.key(path)
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def present(self, path: str, size: int) -> bool:
        # Trust the manifest: a HEAD per unchanged file would cost a round trip each on
        # every publish. `publish --verify` (the hourly reconcile) checks every object.
        self.key(path)
        return True

    def sha256(self, path: str) -> str | None:
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.key(path))
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        value = head.get("Metadata", {}).get("sha256")
        return str(value) if value else "unknown"

    def read(self, path: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.key(path))["Body"]
            return bytes(body.read())
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def sweep(self, older_than: float) -> int:
        return 0  # a PUT has no temporary object: it lands whole or not at all


def from_url(
    url: str, *, endpoint_url: str | None = None, region: str | None = None, fsync: bool = True
) -> Target:
    """``s3://bucket/prefix`` or a local directory (a path or ``file://`` URL)."""
    parts = urlsplit(url)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ValueError(f"{url!r}: an s3:// URL names a bucket: s3://BUCKET/PREFIX")
        return S3Target(parts.netloc, parts.path, endpoint_url=endpoint_url, region=region)
    if parts.scheme == "file":
        return LocalTarget(Path(parts.path), fsync)
    if parts.scheme:
        raise ValueError(f"{url!r}: an output is a directory or s3://BUCKET/PREFIX")
    return LocalTarget(Path(url), fsync)


def for_settings(settings: Settings) -> Target:
    """The configured home of published files: ``output_url`` when set, else ``output_dir``."""
    if settings.output_url:
        return from_url(
            settings.output_url,
            endpoint_url=settings.s3.endpoint_url,
            region=settings.s3.region,
            fsync=settings.publish.fsync,
        )
    return LocalTarget(settings.output_dir, settings.publish.fsync)
