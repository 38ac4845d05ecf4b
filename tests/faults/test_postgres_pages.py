"""PostgreSQL restarted while the site serves pages: 503 with Retry-After meanwhile, never a
stack trace, and the same server process answers again once the database is back."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.conf import settings

from tests.factories import company_make
from tests.support.postgres_cluster import PostgresCluster
from tests.support.waiting import wait_until
from tests.support.webserver import WebServer

pytestmark = [pytest.mark.process]

#: Pages that read the database: the home page, a lab (in both languages), the API.
PAGES = ("/", "/labs/meta/", "/ja/labs/meta/", "/api/v1/labs")


@pytest.fixture
def web(private_db: str) -> Iterator[WebServer]:
    server = WebServer(env={"DATABASE_URL": private_db, "REDIS_URL": settings.REDIS_URL})
    yield server.start()
    server.stop()


def test_pages_answer_503_with_retry_after_while_postgresql_is_down_and_recover_unrestarted(
    pg_cluster: PostgresCluster, web: WebServer
) -> None:
    company_make(name="Meta", slug="meta", is_lab=True)
    for path in PAGES:
        assert web.get(path).status == 200, path
    pid = web.pid

    pg_cluster.stop()
    for path in PAGES:
        answer = web.get(path)
        assert answer.status == 503, (path, answer.status, answer.body[:500])
        assert answer.headers["Retry-After"] == "15", path
        assert answer.headers["Cache-Control"] == "no-store", path
        assert "Traceback" not in answer.body and "psycopg" not in answer.body, path
        assert "connection" not in answer.body.lower(), "the database's words stay in the log"
        assert len(answer.body) < 2000, path
    assert "briefly unavailable" in web.get("/labs/meta/").body
    assert "一時的に" in web.get("/ja/labs/meta/").body
    assert '"code": "unavailable"' in web.get("/api/v1/labs").body.replace('":"', '": "')
    # The admin's login form reads nothing until it is posted: it keeps answering.
    assert web.get("/admin/login/").status == 200

    pg_cluster.start()
    back = time.monotonic()
    wait_until(
        lambda: web.get("/labs/meta/").status == 200,
        timeout=30,
        interval=0.1,
        what="the lab page to answer again",
        diagnosis=web.log_tail,
    )
    print(f"\nrecovery: first page 200 {time.monotonic() - back:.2f} s after PostgreSQL was back")
    for path in PAGES:
        assert web.get(path).status == 200, path
    assert web.pid == pid and web.process is not None and web.process.poll() is None
