"""Building what the tests serve: zip archives of folders, small CSV and YAML fixtures."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.catalog.models import AIModel
from apps.datasets.models import Dataset, DatasetClaim, DatasetRecord
from tests.support.httpserver import LocalHTTPServer

CSV = "text/csv; charset=utf-8"
ZIP = "application/zip"

HEADER = (
    "System,Organization,Publication date,Parameters,Model accessibility,Link,"
    "Training code accessibility,Dataset accessibility\n"
)


def zip_folders(*folders: tuple[Path, str]) -> bytes:
    """A zip of each folder's files under ``repo-main/<prefix>/``, as GitHub's archives are."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for folder, prefix in folders:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    name = f"repo-main/{prefix}/{path.relative_to(folder).as_posix()}"
                    archive.writestr(name, path.read_bytes())
    return buffer.getvalue()


def serve(server: LocalHTTPServer, path: str, body: bytes, content_type: str = CSV) -> str:
    server.route(path, body=body, content_type=content_type)
    return server.url(path)


def writes(queries: CaptureQueriesContext) -> list[str]:
    """The INSERT, UPDATE and DELETE statements among the captured queries."""
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]


def capture() -> CaptureQueriesContext:
    return CaptureQueriesContext(connection)


def record_make(dataset: str, model: AIModel | None, claims: dict[str, str], **fields: str) -> None:
    """A record of ``dataset`` matched to ``model``, with one claim per field."""
    record = DatasetRecord.objects.create(
        dataset=Dataset.objects.get(key=dataset),
        key=fields.get("key", f"{dataset}-record"),
        read_at=timezone.now(),
        raw={},
        content_hash="0" * 64,
        upstream_url=fields.get("upstream_url", f"https://example.org/{dataset}"),
        model=model,
    )
    for field, value in claims.items():
        DatasetClaim.objects.create(
            record=record, field=field, value=value, evidence_url=fields.get("evidence", "")
        )
