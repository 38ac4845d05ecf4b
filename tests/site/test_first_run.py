"""`make run` as a newcomer meets it: `runlocal --addr` on SQLite and the filesystem broker.

The console stays free of alarming warnings, the confirmation mail is printed decoded with its
link whole and pointing at --addr, that link confirms, and the demo feeds follow --addr.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from apps.site.management.commands.runlocal import local_origin
from tests.support.smtpserver import free_port
from tests.support.worker import ROOT

# What a console must not show a newcomer: warnings and errors, from any of the processes.
ALARMING = re.compile(r"warning|traceback|critical|\berror\b", re.IGNORECASE)


#: `make run`'s manage.py steps before runlocal; seed_demo_feeds registers the feeds at
#: SITE_URL's default, port 8000.
MAKE_RUN_STEPS = (
    ("preparelocal",),
    ("migrate", "--noinput"),
    ("seed",),
    ("create_local_editor",),
    ("seed_demo_feeds",),
    ("seed_demo_datasets",),
)


def first_run_env(var_dir: Path) -> dict[str, str]:
    """`make run`'s environment: none of the servers or mail settings the tests use."""
    dropped = {
        "DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE",
        "SITE_URL", "EMAIL_HOST", "EMAIL_PORT", "DJANGO_ALLOWED_HOSTS", "LOG_FORMAT",
    }  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        APERTURE_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="config.settings",
        FETCH_ALLOW_PRIVATE="1",  # as the Makefile sets them
        DJANGO_DEBUG="1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout + done.stderr


def wait_for[T](find: Callable[[], T | None], *, what: str, log: Callable[[], str]) -> T:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        found = find()
        if found:
            return found
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}; log:\n{log()[-4000:]}")


@dataclass
class FirstRun:
    origin: str
    prepared: str
    output: Callable[[], str]


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirstRun]:
    """The Makefile's steps on a fresh var/, then runlocal at a port that is not 8000."""
    tmp = tmp_path_factory.mktemp("first-run")
    env = first_run_env(tmp / "var")
    # The Makefile's `run` steps, in its order (a test below reads them from the Makefile).
    prepared = "".join(manage(env, *step) for step in MAKE_RUN_STEPS)
    port = free_port()
    log_path = tmp / "runlocal.log"
    with log_path.open("wb") as out:
        runlocal = subprocess.Popen(
            [sys.executable, "manage.py", "runlocal", "--addr", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output() -> str:
        return log_path.read_text(errors="replace")

    try:
        wait_for(lambda: " ready." in output(), what="the local worker", log=output)
        # The worker can be ready before the web server listens: wait for both.
        wait_for(lambda: _accepts(port), what="the local web server", log=output)
        yield FirstRun(f"http://127.0.0.1:{port}", prepared, output)
    finally:
        if runlocal.poll() is None:
            runlocal.send_signal(signal.SIGTERM)
        try:
            runlocal.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(runlocal.pid, signal.SIGKILL)
            runlocal.wait(timeout=10)
    assert runlocal.returncode == 0, output()[-4000:]


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def browser() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match is not None, page[:2000]
    return match.group(1)


@pytest.mark.worker
@pytest.mark.slow
def test_a_newcomer_subscribes_reads_the_link_on_the_console_and_confirms(
    first_run: FirstRun,
) -> None:
    reader = browser()
    form = reader.open(f"{first_run.origin}/subscribe/", timeout=10).read().decode()
    data = {
        "csrfmiddlewaretoken": csrf_token(form),
        "email": "newcomer@example.org",
        "kinds": "stance_changes",
        "frequency": "instant",
        "language": "en",
    }
    answer = reader.open(
        f"{first_run.origin}/subscribe/", urllib.parse.urlencode(data).encode(), timeout=10
    )
    assert answer.status == 200

    link_pattern = re.compile(r"^(http://\S+/alerts/confirm/\S+/)$", re.MULTILINE)
    link = wait_for(
        lambda: (m := link_pattern.search(first_run.output())) and m.group(1),
        what="the confirmation mail on the console",
        log=first_run.output,
    )
    mail = first_run.output()
    assert "Subject: Confirm your Aperture alerts" in mail
    assert "=3D" not in mail and "Content-Transfer-Encoding" not in mail
    # The link in mail points at --addr, not at the default port.
    assert link.startswith(f"{first_run.origin}/alerts/confirm/"), link

    page = reader.open(link, timeout=10).read().decode()
    assert "Confirm your alerts" in page
    confirmed = reader.open(
        link, urllib.parse.urlencode({"csrfmiddlewaretoken": csrf_token(page)}).encode()
    )
    assert "/alerts/manage/" in confirmed.url
    assert "Confirmed: you are subscribed." in confirmed.read().decode()


@pytest.mark.worker
@pytest.mark.slow
def test_the_demo_feeds_follow_addr(first_run: FirstRun) -> None:
    for name in ("rss.xml", "atom.xml", "feed.json"):
        assert f"Demo feed moved to {first_run.origin}/demo-feeds/{name}" in first_run.output()


@pytest.mark.worker
@pytest.mark.slow
def test_the_first_run_prints_no_warning(first_run: FirstRun) -> None:
    # The worker and beat have connected and beat has sent nothing yet that could fail.
    time.sleep(2)
    console = first_run.prepared + first_run.output()
    alarming = [line for line in console.splitlines() if ALARMING.search(line)]
    assert alarming == [], "\n".join(alarming)
    assert "Aperture is running at " + first_run.origin in console


@pytest.mark.parametrize(
    ("addr", "origin", "host"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000", "127.0.0.1"),
        ("8080", "http://127.0.0.1:8080", "127.0.0.1"),
        ("0.0.0.0:9000", "http://127.0.0.1:9000", "127.0.0.1"),
        ("[::]:9000", "http://[::1]:9000", "[::1]"),
        ("[::1]:9000", "http://[::1]:9000", "[::1]"),
        ("192.168.1.20:8000", "http://192.168.1.20:8000", "192.168.1.20"),
    ],
)
def test_addr_gives_the_origin_for_links(addr: str, origin: str, host: str) -> None:
    assert local_origin(addr) == (origin, host)


def test_the_first_run_takes_the_makefiles_steps() -> None:
    """The fixture above runs what `make run` runs: a step added to the Makefile is run here."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    steps = [
        tuple(line.split("manage.py", 1)[1].split())
        for line in recipe.splitlines()
        if "manage.py" in line and "runlocal" not in line
    ]
    assert steps == list(MAKE_RUN_STEPS)
