"""Blobs as private S3 objects, configured through django-storages' ``S3Storage`` (boto3)."""

import os
from collections.abc import Iterable, Iterator, Mapping

from django.core.exceptions import ImproperlyConfigured

from .base import BaseBackend, BlobMissing, InvalidBackendError, check_length, chunked
from .keys import BLOB_KEY_RE, check_key

DELETE_CHUNK = 1000  # DeleteObjects' limit
PUBLIC_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})


class S3Backend(BaseBackend):
    """``OPTIONS``: bucket_name, prefix, endpoint_url, region_name, access_key, secret_key,
    max_workers (parallel uploads), connect_timeout / read_timeout (seconds) and max_attempts
    (botocore's, the first one included), and any other ``S3Storage`` option, passed through.

    The timeouts are bounded by default (botocore's own are 60 s, with retries): a store that
    accepts connections and never answers must fail, so that the writer spools its events, instead
    of holding them until the process is killed."""

    kind = "s3"

    def __init__(self, bucket_name=None, prefix: str = "minisentry", max_workers: int = 16,
                 connect_timeout: float = 5.0, read_timeout: float = 10.0, max_attempts: int = 2, **options):
        try:
            from botocore.config import Config
            from storages.backends.s3 import S3Storage
        except ImportError as exc:
            raise InvalidBackendError(
                "S3Backend needs django-storages and boto3: pip install 'django-minisentry[s3]'"
            ) from exc
        if not bucket_name:
            raise InvalidBackendError("S3Backend needs OPTIONS['bucket_name'].")
        try:
            self.storage = S3Storage(bucket_name=bucket_name, location=prefix.strip("/"), **options)
        except ImproperlyConfigured as exc:
            raise InvalidBackendError(f"S3Backend: {exc}") from exc
        bounds = Config(connect_timeout=connect_timeout, read_timeout=read_timeout,
                        retries={"total_max_attempts": max_attempts, "mode": "standard"})
        # What the storage's own config (or the user's client_config) sets explicitly wins.
        self.storage.client_config = bounds.merge(self.storage.client_config)
        self.max_workers = max_workers

    def __repr__(self) -> str:
        return f"<S3Backend s3://{self.storage.bucket_name}/{self.storage.location}>"

    @property
    def bucket(self) -> str:
        return self.storage.bucket_name

    _client = None
    _client_pid = 0

    @property
    def client(self):
        """One boto3 client per process, shared by the upload threads: boto3's clients are
        thread-safe, and django-storages' one per thread cost each new upload thread a session
        and a resource (~0.1 s of CPU), which made a batch's first uploads slow. A forked child
        builds its own (a client's connections cannot cross a fork)."""
        if self._client_pid != os.getpid():
            self._client = self.storage.connection.meta.client
            self._client_pid = os.getpid()
        return self._client

    def object_key(self, key: str) -> str:
        return self.storage._normalize_name(check_key(key))

    def _put(self, item: tuple[str, bytes]) -> None:
        key, data = item
        extra = {"ACL": self.storage.default_acl} if self.storage.default_acl else {}
        self.client.put_object(
            Bucket=self.bucket, Key=self.object_key(key), Body=data,
            ContentType="application/zstd", **extra,
        )

    def write_blobs(self, blobs: Mapping[str, bytes]) -> None:
        self.parallel(self._put, blobs.items())

    def read_blob(self, key: str) -> bytes:
        client = self.client
        try:
            return client.get_object(Bucket=self.bucket, Key=self.object_key(key))["Body"].read()
        except client.exceptions.NoSuchKey:
            raise BlobMissing(key) from None

    def read_range(self, key: str, offset: int, length: int) -> bytes:
        """One ranged GET: only the event's bytes cross the network."""
        client = self.client
        try:
            response = client.get_object(
                Bucket=self.bucket, Key=self.object_key(key), Range=f"bytes={offset}-{offset + length - 1}",
            )
        except client.exceptions.ClientError as exc:  # NoSuchKey, or InvalidRange past its end
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "InvalidRange"):
                raise BlobMissing(key) from None
            raise
        return check_length(key, response["Body"].read(), length)

    def delete_blobs(self, keys: Iterable[str]) -> None:
        for chunk in chunked(keys, DELETE_CHUNK):
            response = self.client.delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": self.object_key(k)} for k in chunk], "Quiet": True},
            )
            if response.get("Errors"):
                first = response["Errors"][0]
                raise OSError(f"S3 refused to delete {len(response['Errors'])} blob(s), e.g. {first}")

    def iter_blobs(self) -> Iterator[tuple[str, int]]:
        prefix = f"{self.storage.location}/" if self.storage.location else ""
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                key = item["Key"][len(prefix):]
                if BLOB_KEY_RE.fullmatch(key):
                    yield key, item["Size"]
