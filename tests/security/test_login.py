"""The admin login: throttled per account and per address in Redis (shared by every process),
an optional second factor for staff, and a landing page that exists."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse"  # tests/conftest.py gives every staff fixture this password
LIMIT = 5


@pytest.fixture(autouse=True)
def _fresh_redis_counters(settings: Any) -> Any:
    """The throttle must count in Redis (as production does); each test starts from zero."""
    if not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        pytest.fail("Login throttle tests need REDIS_URL (make test sets it).")
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    cache.clear()
    yield
    cache.clear()


def client_at(address: str, **headers: Any) -> Client:
    return Client(REMOTE_ADDR=address, **headers)


def log_in(
    client: Client, username: str, password: str, *, code: str = "", **extra: Any
) -> HttpResponse:
    data = {"username": username, "password": password, "otp_token": code, **extra}
    return client.post(reverse("admin:login"), data)  # type: ignore[return-value]


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def let_a_minute_pass_for_the_devices(user: User) -> None:
    """django-otp makes a device wait 1, 2, 4... seconds after each wrong code; move its clock."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user, throttling_failure_timestamp__isnull=False).update(
            throttling_failure_timestamp=F("throttling_failure_timestamp") - timedelta(minutes=1)
        )


def app_code(device: TOTPDevice) -> str:
    """What the user's authenticator app shows now."""
    number = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{number:0{device.digits}d}"


# --- throttle ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_forty_wrong_passwords_are_cut_off_at_the_limit_and_then_the_right_one_is_refused(
    editor: User,
) -> None:
    client = client_at("203.0.113.10")
    statuses = [log_in(client, "edith", f"guess {n}").status_code for n in range(40)]
    assert statuses[: LIMIT - 1] == [200] * (LIMIT - 1)
    assert set(statuses[LIMIT - 1 :]) == {429}

    right = log_in(client, "edith", PASSWORD)
    assert right.status_code == 429
    assert not is_logged_in(client)


def test_the_lockout_page_says_how_long_to_wait_in_english_and_japanese_and_logs_a_warning(
    editor: User, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_at("203.0.113.11")
    for n in range(LIMIT - 1):
        log_in(client, "edith", f"guess {n}")
    with caplog.at_level(logging.WARNING, logger="apps.accounts.throttle"):
        english = log_in(client, "edith", "guess again")
    assert english.status_code == 429
    text = english.content.decode()
    assert "Too many failed logins" in text
    assert "paused for 15 minutes, even with the right password" in text
    assert 'href="/admin/login/"' in text
    warnings = [r for r in caplog.records if r.name == "apps.accounts.throttle"]
    assert [r.levelno for r in warnings] == [logging.WARNING]
    assert "'edith'" in warnings[0].getMessage()
    assert "203.0.113.11" in warnings[0].getMessage()

    japanese = log_in(client_at("203.0.113.11", HTTP_ACCEPT_LANGUAGE="ja"), "edith", PASSWORD)
    assert japanese.status_code == 429
    assert "15分" in japanese.content.decode()
    assert "ログイン" in japanese.content.decode()


@pytest.mark.process
def test_two_processes_share_one_count_in_redis(editor: User) -> None:
    """Three failures in another Python process and two here lock the account everywhere."""
    database = connection.settings_dict
    credentials = quote(str(database["USER"]), safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(str(database["PASSWORD"]), safe="")
    other_process = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, "198.51.100.20", "3"],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": (
                f"postgres://{credentials}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
            ),
            "REDIS_URL": django_settings.REDIS_URL,
        },
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert other_process.returncode == 0, other_process.stderr
    assert other_process.stdout.split() == ["200", "200", "200"]

    here = client_at("198.51.100.21")
    assert log_in(here, "edith", "guess 4").status_code == 200
    assert log_in(here, "edith", "guess 5").status_code == 429

    third = client_at("198.51.100.22")
    assert log_in(third, "edith", PASSWORD).status_code == 429
    assert not is_logged_in(third)


# Run by test_two_processes_share_one_count_in_redis in a separate interpreter, which checks
# passwords with the test run's hasher as this process does.
OTHER_PROCESS = """
import sys
import django
django.setup()
from tests.support.run_settings import password_hashing_fast
password_hashing_fast()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(REMOTE_ADDR=sys.argv[1])
statuses = [
    client.post("/admin/login/", {"username": "edith", "password": f"other {n}"}).status_code
    for n in range(int(sys.argv[2]))
]
print(" ".join(str(status) for status in statuses))
"""


def test_an_account_locked_from_many_addresses_stays_locked_but_its_addresses_are_not(
    editor: User, reviewer: User
) -> None:
    addresses = [f"198.51.100.{n}" for n in range(30, 30 + LIMIT)]
    statuses = [log_in(client_at(a), "edith", "guess").status_code for a in addresses]
    assert statuses[-1] == 429

    fresh = client_at("198.51.100.99")
    assert log_in(fresh, "edith", PASSWORD).status_code == 429
    assert not is_logged_in(fresh)

    colleague = client_at(addresses[0])
    response = log_in(colleague, "rita", PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(colleague)


def test_an_address_that_tried_many_accounts_is_locked_for_every_account_but_others_are_not(
    editor: User,
) -> None:
    attacker = client_at("192.0.2.50")
    statuses = [log_in(attacker, f"nobody{n}", "guess").status_code for n in range(LIMIT)]
    assert statuses[-1] == 429
    assert log_in(attacker, "edith", PASSWORD).status_code == 429
    assert not is_logged_in(attacker)

    elsewhere = client_at("192.0.2.51")
    assert log_in(elsewhere, "edith", PASSWORD).status_code == 302
    assert is_logged_in(elsewhere)


def test_a_username_spelled_like_an_address_does_not_lock_that_address(editor: User) -> None:
    attacker = client_at("192.0.2.60")
    for _ in range(LIMIT):
        log_in(attacker, "192.0.2.61", "guess")

    victim = client_at("192.0.2.61")
    assert log_in(victim, "edith", PASSWORD).status_code == 302


def test_forged_forwarded_for_headers_do_not_escape_the_address_count(editor: User) -> None:
    """With no trusted proxy (the default) the address is REMOTE_ADDR, whatever the header says."""
    statuses = [
        log_in(
            client_at("192.0.2.70", HTTP_X_FORWARDED_FOR=f"10.9.8.{n}"), f"nobody{n}", "guess"
        ).status_code
        for n in range(LIMIT)
    ]
    assert statuses[-1] == 429
    assert (
        log_in(
            client_at("192.0.2.70", HTTP_X_FORWARDED_FOR="10.9.8.200"), "edith", PASSWORD
        ).status_code
        == 429
    )


def test_behind_a_trusted_proxy_the_count_follows_the_address_the_proxy_saw(
    editor: User, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for n in range(LIMIT):
        # Whatever the client prepends, the proxy appends the address it saw last.
        forged = f"192.0.2.{n}, 198.51.100.80"
        log_in(client_at(proxy, HTTP_X_FORWARDED_FOR=forged), f"nobody{n}", "guess")

    locked = client_at(proxy, HTTP_X_FORWARDED_FOR="198.51.100.80")
    assert log_in(locked, "edith", PASSWORD).status_code == 429

    neighbour = client_at(proxy, HTTP_X_FORWARDED_FOR="198.51.100.81")
    assert log_in(neighbour, "edith", PASSWORD).status_code == 302


def test_a_successful_login_clears_that_accounts_earlier_failures(editor: User) -> None:
    client = client_at("203.0.113.40")
    for n in range(LIMIT - 1):
        log_in(client, "edith", f"guess {n}")
    assert log_in(client, "edith", PASSWORD).status_code == 302

    later = client_at("203.0.113.40")
    for n in range(LIMIT - 1):
        assert log_in(later, "edith", f"guess {n}").status_code == 200


# --- where a login lands ----------------------------------------------------------------------


def test_a_refused_next_address_lands_on_the_admin_index_not_a_missing_profile_page(
    editor: User,
) -> None:
    client = client_at("203.0.113.50")
    response = client.post(
        reverse("admin:login") + "?next=https://evil.example/",
        {"username": "edith", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert "/accounts/profile/" not in response["Location"]
    assert client.get(response["Location"]).status_code == 200


# --- second factor ----------------------------------------------------------------------------


@pytest.fixture
def edith_with_app(editor: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=editor, name="Authenticator app", confirmed=True)


def test_a_user_without_a_second_factor_logs_in_with_the_password_alone(editor: User) -> None:
    client = client_at("203.0.113.60")
    response = log_in(client, "edith", PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_user_with_an_app_is_refused_without_a_code(edith_with_app: TOTPDevice) -> None:
    client = client_at("203.0.113.61")
    response = log_in(client, "edith", PASSWORD)
    assert response.status_code == 200
    assert "enter the code from your authenticator app" in response.content.decode()
    assert not is_logged_in(client)


def test_a_user_with_an_app_is_refused_with_a_wrong_code(edith_with_app: TOTPDevice) -> None:
    client = client_at("203.0.113.62")
    wrong = f"{(int(app_code(edith_with_app)) + 500_000) % 1_000_000:06d}"
    response = log_in(client, "edith", PASSWORD, code=wrong)
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not is_logged_in(client)


def test_a_user_with_an_app_logs_in_with_the_current_code(edith_with_app: TOTPDevice) -> None:
    client = client_at("203.0.113.63")
    response = log_in(client, "edith", PASSWORD, code=app_code(edith_with_app))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert is_logged_in(client)


def test_wrong_codes_count_towards_the_login_throttle(edith_with_app: TOTPDevice) -> None:
    client = client_at("203.0.113.64")
    statuses = [log_in(client, "edith", PASSWORD, code="000000").status_code for _ in range(LIMIT)]
    assert statuses[-1] == 429
    response = log_in(client_at("203.0.113.65"), "edith", PASSWORD, code=app_code(edith_with_app))
    assert response.status_code == 429


def test_a_backup_code_logs_in_once(edith_with_app: TOTPDevice) -> None:
    backup = StaticDevice.objects.create(user=edith_with_app.user, name="Backup codes")
    StaticToken.objects.create(device=backup, token="abcd2345")

    first = client_at("203.0.113.66")
    assert log_in(first, "edith", PASSWORD, code="ABCD 2345").status_code == 302
    second = client_at("203.0.113.67")
    assert log_in(second, "edith", PASSWORD, code="abcd2345").status_code == 200
    assert not is_logged_in(second)


@pytest.mark.slow
def test_a_staff_member_turns_the_app_on_from_the_admin_and_off_again(editor: User) -> None:
    client = client_at("203.0.113.70")
    client.force_login(editor)
    page = reverse("accounts:two_factor")
    assert "Two-factor login is off" in client.get(page).content.decode()
    assert 'href="/admin/two-factor/"' in client.get(reverse("admin:index")).content.decode()

    assert client.post(reverse("accounts:two_factor_start")).status_code == 302
    setting_up = client.get(page).content.decode()
    device = TOTPDevice.objects.get(user=editor)
    assert not device.confirmed
    assert '<svg width="' in setting_up and 'class="two-factor-qr-code"' in setting_up
    assert "<script" not in setting_up.split('<div id="content-main"')[1]
    assert "style=" not in setting_up
    secret = setting_up.split('<code class="two-factor-secret">')[1].split("</code>")[0]
    assert len(secret.replace(" ", "")) == 32

    refused = client.post(reverse("accounts:two_factor_confirm"), {"code": "000000"})
    assert refused.status_code == 400
    assert "That code is not right" in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    too_soon = client.post(reverse("accounts:two_factor_confirm"), {"code": app_code(device)})
    assert "Too many wrong codes in a row" in too_soon.content.decode()
    let_a_minute_pass_for_the_devices(editor)
    confirmed = client.post(reverse("accounts:two_factor_confirm"), {"code": app_code(device)})
    assert confirmed.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = list(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(f"<code>{code}</code>" in confirmed.content.decode() for code in codes)
    assert "Two-factor login is on" in client.get(page).content.decode()
    assert codes[0] not in client.get(page).content.decode()  # shown once only

    elsewhere = client_at("203.0.113.71")
    assert log_in(elsewhere, "edith", PASSWORD).status_code == 200
    assert not is_logged_in(elsewhere)

    assert client.post(reverse("accounts:two_factor_remove"), {"code": "wrong1"}).status_code == 400
    assert TOTPDevice.objects.filter(user=editor).exists()
    let_a_minute_pass_for_the_devices(editor)
    removed = client.post(reverse("accounts:two_factor_remove"), {"code": codes[1]})
    assert removed.status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not StaticDevice.objects.filter(user=editor).exists()

    again = client_at("203.0.113.72")
    assert log_in(again, "edith", PASSWORD).status_code == 302


def test_once_an_administrator_deletes_a_lost_app_the_password_alone_logs_in_again(
    edith_with_app: TOTPDevice,
) -> None:
    backup = StaticDevice.objects.create(user=edith_with_app.user, name="Backup codes")
    StaticToken.objects.create(device=backup, token="abcd2345")
    edith_with_app.delete()
    client = client_at("203.0.113.68")
    assert log_in(client, "edith", PASSWORD).status_code == 302


def test_new_backup_codes_need_a_current_code_and_replace_the_old_ones(
    edith_with_app: TOTPDevice,
) -> None:
    old = StaticDevice.objects.create(user=edith_with_app.user, name="Backup codes")
    StaticToken.objects.create(device=old, token="oldcode2")
    client = client_at("203.0.113.73")
    client.force_login(edith_with_app.user)
    url = reverse("accounts:two_factor_backup_codes")

    assert client.post(url, {"code": "000000"}).status_code == 400
    assert StaticToken.objects.filter(token="oldcode2").exists()
    let_a_minute_pass_for_the_devices(edith_with_app.user)

    renewed = client.post(url, {"code": app_code(edith_with_app)})
    assert renewed.status_code == 200
    assert not StaticToken.objects.filter(token="oldcode2").exists()
    assert StaticToken.objects.filter(device__user=edith_with_app.user).count() == 10


def test_the_two_factor_page_is_for_logged_in_staff_only(db: None) -> None:
    response = Client().get(reverse("accounts:two_factor"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert Client().post(reverse("accounts:two_factor_start")).status_code == 302
    assert not TOTPDevice.objects.exists()
