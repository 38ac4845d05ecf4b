"""The open-data pages (/data/, /data/dictionary/) and the files themselves (/data/files/<name>).

The pages read the manifest and the dictionary; they never touch the files' contents. The files
are served from EXPORTS_DIR with their build time as Last-Modified, an ETag of the file actually
opened, and 304s for a client that has it already. A web server in front may serve the same
directory at the same path instead (README.md, "Open data").
"""

from __future__ import annotations

import datetime
import os
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from apps.datasets.registry import DATASETS

from .build import MANIFEST_MEDIA_TYPE, MANIFEST_NAME, manifest_read
from .conf import exports_conf
from .dictionary import (
    ATTRIBUTION,
    FORMAT_NOTES,
    LICENCE,
    LICENCE_NOTES,
    LICENCE_URL,
    TABLES,
    Table,
)
from .writer import CSV, FORMATS, GZIP_MEDIA_TYPE, file_name

#: Every name /data/files/ answers for: the manifest and each table's four files, nothing else,
#: so no path a client sends ever reaches the file system.
FILE_TYPES: dict[str, str] = {MANIFEST_NAME: MANIFEST_MEDIA_TYPE} | {
    file_name(table.name, fmt, gzipped=gzipped): GZIP_MEDIA_TYPE if gzipped else fmt.media_type
    for table in TABLES
    for fmt in FORMATS
    for gzipped in (False, True)
}


def _parse_time(value: object) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        return None


def _files_by_table(manifest: dict[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for item in (manifest or {}).get("files", []):
        if isinstance(item, dict) and item.get("name") in FILE_TYPES:
            grouped.setdefault(str(item.get("table")), []).append(item)
    return grouped


def _table_entry(table: Table, files: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "table": table,
        "rows": files[0].get("rows") if files else None,
        "files": [
            {
                **item,
                "label": (
                    ("CSV" if item.get("format") == CSV.name else "JSON Lines")
                    + (" (gzip)" if item.get("compression") else "")
                ),
            }
            for item in files
        ],
    }


@require_safe
def data(request: HttpRequest) -> HttpResponse:
    manifest = manifest_read(exports_conf().directory)
    files = _files_by_table(manifest)
    return render(
        request,
        "exports/data.html",
        {
            "built_at": _parse_time((manifest or {}).get("built_at")),
            "tables": [_table_entry(table, files.get(table.name, [])) for table in TABLES],
            "manifest_name": MANIFEST_NAME,
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "attribution": ATTRIBUTION,
        },
    )


@require_safe
def dictionary(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "exports/dictionary.html",
        {
            "tables": TABLES,
            "format_notes": FORMAT_NOTES,
            "licence_notes": LICENCE_NOTES,
            "datasets": list(DATASETS.values()),
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "attribution": ATTRIBUTION,
        },
    )


@require_safe
def export_file(request: HttpRequest, name: str) -> HttpResponseBase:
    media_type = FILE_TYPES.get(name)
    if media_type is None:
        raise Http404("No such file.")
    try:
        # Opened first and described by the open file, so the ETag and Last-Modified always
        # match the bytes sent, even if a rebuild renames a new file over this name meanwhile.
        handle = (exports_conf().directory / name).open("rb")
    except FileNotFoundError:
        raise Http404("Not built yet.") from None
    stat = os.fstat(handle.fileno())
    etag = f'"{stat.st_ino:x}-{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    not_modified = get_conditional_response(request, etag=etag, last_modified=int(stat.st_mtime))
    if not_modified is not None:
        handle.close()
        response: HttpResponseBase = not_modified
    else:
        response = FileResponse(
            handle,
            content_type=media_type,
            as_attachment=name != MANIFEST_NAME,
            filename=name,
        )
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stat.st_mtime)
    # Public data that changes with each rebuild: caches may keep it but must ask again.
    response["Cache-Control"] = "public, no-cache"
    response["Access-Control-Allow-Origin"] = "*"
    return response
