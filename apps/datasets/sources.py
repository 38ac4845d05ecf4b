"""Where a snapshot is read from: a URL through the safe client, or a local file or folder.

A URL may serve one file (Epoch's CSV) or a zip archive (a GitHub repository's folder of YAML
files); an archive is unpacked in memory, within the same size limit as the download. What is
read is a mapping of path -> bytes plus the dataset's version: the Last-Modified header when
the server sends one, else a hash of the content.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from apps.datasets.parsers import SnapshotError
from apps.lib.fetch import FetchError, fetch

#: What the upstreams serve their files as; an HTML page is never a dataset.
ACCEPT = (
    "text/csv",
    "text/plain",
    "application/csv",
    "application/zip",
    "application/x-zip-compressed",
    "application/octet-stream",
    "application/x-yaml",
    "application/yaml",
    "text/yaml",
    "text/x-yaml",
)


@dataclass(frozen=True)
class Snapshot:
    files: dict[str, bytes]
    version: str


def content_version(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return f"sha256:{digest.hexdigest()[:16]}"


def _unzip(body: bytes, *, max_bytes: int) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except zipfile.BadZipFile as error:
        raise SnapshotError(f"The archive cannot be read: {error}") from None
    entries = [entry for entry in archive.infolist() if not entry.is_dir()]
    if sum(entry.file_size for entry in entries) > max_bytes:
        raise SnapshotError(f"The archive unpacks to more than {max_bytes} bytes.")
    return {entry.filename: archive.read(entry) for entry in entries}


def _looks_like_html(body: bytes) -> bool:
    start = body[:512].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def snapshot_from_url(url: str, *, max_bytes: int) -> Snapshot:
    """Download ``url`` through the safe client; SnapshotError says why it is unusable."""
    try:
        result = fetch(url, accept=ACCEPT, max_bytes=max_bytes, check_robots=False)
    except FetchError as error:
        raise SnapshotError(f"{url}: {error}") from None
    if _looks_like_html(result.body):
        raise SnapshotError(f"{url} answered with an HTML page, not a dataset.")
    if result.body[:4] == b"PK\x03\x04":
        files = _unzip(result.body, max_bytes=max_bytes)
    else:
        name = PurePosixPath(urlsplit(result.final_url).path).name or "download"
        files = {name: result.body}
    return Snapshot(files=files, version=result.last_modified or content_version(files))


def snapshot_from_path(path: Path, *, max_bytes: int) -> Snapshot:
    """Read a local file, archive or folder (its files, recursively)."""
    if not path.exists():
        raise SnapshotError(f"{path} does not exist.")
    paths = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    if sum(p.stat().st_size for p in paths) > max_bytes:
        raise SnapshotError(f"{path} holds more than {max_bytes} bytes.")
    if path.is_file() and path.suffix.lower() == ".zip":
        files = _unzip(path.read_bytes(), max_bytes=max_bytes)
    elif path.is_file():
        files = {path.name: path.read_bytes()}
    else:
        files = {p.relative_to(path).as_posix(): p.read_bytes() for p in paths}
    return Snapshot(files=files, version=content_version(files))
