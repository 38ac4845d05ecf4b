"""The open-data pages in both languages, and the files as the site serves them."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.http import http_date

from apps.claims.models import Stance
from apps.datasets.registry import DATASETS
from apps.exports.dictionary import TABLES
from tests.support.exports import build

pytestmark = pytest.mark.django_db


def url_in(language: str, name: str) -> str:
    with translation.override(language):
        return reverse(name)


def get_in(client: Client, language: str, name: str) -> str:
    """The page as a reader of ``language`` gets it (by its address, or by cookie where the
    address carries no language)."""
    client.cookies["django_language"] = language
    response = client.get(url_in(language, name), headers={"accept-language": language})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    return html


def test_the_data_page_lists_every_file_with_its_rows_size_and_build_time(
    client: Client, exports_dir: Path, seeded: None
) -> None:
    manifest = build(exports_dir)
    html = get_in(client, "en", "data")

    assert "<h1>Open data</h1>" in html
    built = datetime.datetime.fromisoformat(manifest["built_at"]).isoformat()
    assert f'<time datetime="{built}">' in html
    for item in manifest["files"]:
        link = f'href="/data/files/{item["name"]}"'
        assert link in html, item["name"]
    for table in TABLES:
        row = html.split(f'id="files-{table.name}"')[1].split("</tr>")[0]
        rows = next(item["rows"] for item in manifest["files"] if item["table"] == table.name)
        assert f'<td class="number">{rows:,}</td>' in row
    assert 'href="/data/files/manifest.json"' in html
    assert 'rel="license"' in html and "CC BY 4.0" in html


def test_every_download_link_on_the_page_serves_the_file_it_names(
    client: Client, exports_dir: Path, seeded: None
) -> None:
    build(exports_dir)
    html = get_in(client, "en", "data")
    links = re.findall(r'href="(/data/files/[^"]+)"', html)
    assert len(links) == len(TABLES) * 4 + 1
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        name = link.rsplit("/", 1)[1]
        assert b"".join(response.streaming_content) == (exports_dir / name).read_bytes()  # type: ignore[attr-defined]


def test_the_data_page_in_japanese(client: Client, exports_dir: Path, seeded: None) -> None:
    build(exports_dir)
    html = get_in(client, "ja", "data")
    assert "<h1>オープンデータ</h1>" in html
    assert "発言の情報源" in html  # the statement sources table's title
    assert "ダウンロード" in html
    assert "/data/files/statements.csv" in html


def test_before_the_first_build_the_page_says_so(client: Client, exports_dir: Path) -> None:
    html = get_in(client, "en", "data")
    assert "have not been built yet" in html
    assert "/data/files/" not in html
    assert "まだ作られていません" in get_in(client, "ja", "data")


def test_the_dictionary_documents_every_column_and_each_datasets_attribution(
    client: Client,
) -> None:
    html = get_in(client, "en", "data_dictionary")
    for table in TABLES:
        section = html.split(f'<section id="table-{table.name}"')[1].split("</section>")[0]
        names = re.findall(r'<tr id="[a-z_]+-([a-z0-9_]+)">', section)
        assert names == table.header, table.name
    assert "CC BY 4.0" in html and "creativecommons.org/licenses/by/4.0/" in html
    for dataset in DATASETS.values():
        assert escape(dataset.licence) in html
        assert escape(dataset.attribution) in html
    assert "<code>leaning_closed</code> (leaning closed)" in html


def test_the_dictionary_in_japanese(client: Client) -> None:
    html = get_in(client, "ja", "data_dictionary")
    assert "<h1>データ辞書</h1>" in html
    with translation.override("ja"):
        label = str(Stance.LEANING_CLOSED.label)
        assert label != "leaning closed"
        assert f"<code>leaning_closed</code> ({label})" in html
        for table in TABLES:
            assert escape(str(table.description)) in html
            for column in table.columns:
                assert escape(str(column.description)) in html


def test_a_file_comes_with_its_type_validators_and_a_304_when_unchanged(
    client: Client, exports_dir: Path, seeded: None
) -> None:
    build(exports_dir)
    expected = {
        "statements.csv": "text/csv; charset=utf-8; header=present",
        "statements.jsonl": "application/jsonl; charset=utf-8",
        "statements.csv.gz": "application/gzip",
        "manifest.json": "application/json",
    }
    for name, media_type in expected.items():
        response = client.get(f"/data/files/{name}")
        assert response.status_code == 200
        assert response["Content-Type"] == media_type
        assert response["Content-Length"] == str((exports_dir / name).stat().st_size)
        assert response["Last-Modified"] == http_date((exports_dir / name).stat().st_mtime)
        assert response["Access-Control-Allow-Origin"] == "*"
        assert ("attachment" in response.get("Content-Disposition", "")) == (
            name != "manifest.json"
        )
        assert "Content-Encoding" not in response  # a .gz is a gzip file, not a coding
        etag = response["ETag"]
        again = client.get(f"/data/files/{name}", headers={"if-none-match": etag})
        assert again.status_code == 304 and again["ETag"] == etag
        since = client.get(
            f"/data/files/{name}", headers={"if-modified-since": response["Last-Modified"]}
        )
        assert since.status_code == 304
    head = client.head("/data/files/labs.csv")
    assert head.status_code == 200 and head["Content-Type"].startswith("text/csv")

    old = client.get("/data/files/statements.csv")["ETag"]
    (exports_dir / "statements.csv").unlink()  # a rebuild puts a new file under the name
    build(exports_dir)
    assert (
        client.get("/data/files/statements.csv", headers={"if-none-match": old}).status_code == 200
    )


@pytest.mark.parametrize(
    "name",
    ["secret.csv", "..%2Fsecret_key", ".statements.csv.0123.tmp", "statements.parquet", "labs"],
)
def test_only_the_exports_own_files_are_served(
    client: Client, exports_dir: Path, seeded: None, name: str
) -> None:
    build(exports_dir)
    (exports_dir / ".statements.csv.0123.tmp").write_text("half a file")
    assert client.get(f"/data/files/{name}").status_code == 404


def test_a_file_not_built_yet_is_not_found(client: Client, exports_dir: Path) -> None:
    assert client.get("/data/files/statements.csv").status_code == 404
