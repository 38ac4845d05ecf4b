"""Hostile input on every public address and every parameter a public view reads: never a 5xx.

The list of addresses comes from the URLconf itself, so a new public view is covered the day it
is added, and this file fails until its parameters are listed in :data:`PUBLIC_VIEWS`. Each
parameter gets every value in :data:`REFUSED_AT_THE_EDGE` (control characters and invalid UTF-8:
``apps.lib.middleware`` answers 400 before any view runs) and in :data:`HOSTILE` (values a view
must itself survive: hostile cursors, huge numbers, 100 kB strings, SQL and path tricks), by GET,
and for the forms by POST as urlencoded and as multipart bodies. Path arguments and parameter
names get the same values.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_to_bytes

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from pytest_django import Settings as SettingsWrapper

from apps.alerts import services as alerts_services
from apps.alerts.models import Subscriber, Subscription, SubscriptionRequest
from apps.alerts.tokens import subscriber_token_make, subscription_request_token_make
from apps.catalog.models import AIModel, Company
from apps.claims.models import Citation, Commitment, Statement
from apps.exports.build import exports_build
from tests.support.alerts import subscriber_make

# About 80 hostile values in every parameter of every public view: the full tier runs it.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# --------------------------------------------------------------------------------------------
# Hostile values, spelled as they travel in a query string or an urlencoded body
# --------------------------------------------------------------------------------------------

#: Control characters and bytes that are not UTF-8: refused at the edge with 400.
REFUSED_AT_THE_EDGE = [
    "%00",
    "meta%00",
    *(f"%{code:02x}" for code in range(0x01, 0x20)),
    "%7f",
    "%c2%80",  # C1 controls
    "%c2%9f",
    "%ff",  # not UTF-8 at all
    "%c3%28",  # a broken two-byte sequence
    "%ed%a0%80",  # a lone surrogate, U+D800
    "%c0%af",  # an overlong "/"
    "%f4%90%80%80",  # past U+10FFFF
]
#: Tab, LF and CR: allowed in a form and a query string (never in a path).
ALLOWED_IN_FORMS = {"%09", "%0a", "%0d"}

#: Values each view must survive by itself (the edge lets them through).
HOSTILE = [
    "",
    "%e2%80%ae",  # right-to-left override
    "%ef%bb%bf",  # byte order mark
    "%ef%bf%bf",  # a noncharacter
    "%e3%83%a1%e3%82%bf",  # メタ
    "a" * 100_000,
    "%e3%81%82" * 20_000,  # 60 kB of あ
    "9" * 40,
    "-1",
    "0",
    "1e999",
    "NaN",
    "2025-01-01.99999999999999999999",
    "2025-01-01.9223372036854775808",
    "2025-01-01.999999999999999999",
    "2025-01-01.-1",
    "-2025-01-01.1",
    "0000-01-01.1",
    "9999-12-31.1",
    "2025-02-30.1",
    "2025-01-01.%d9%a1",  # an Arabic-Indic digit one
    "%c2%b2",  # superscript two: str.isdigit() says yes, int() says no
    "%ef%bc%91",  # a fullwidth digit one
    "%d9%a1",
    "2025-01-01",
    ".",
    "eyJpZCI6IDEsICJkYXRlIjogIjIwMjUtMDEtMDEifQ==",  # base64 JSON, a cursor of another design
    "%5B%5D",
    "%7B%7D",
    "null",
    "%27%20OR%20%271%27%3D%271",
    "1%3B%20DROP%20TABLE%20claims_statement%3B--",
    "%25",
    "%",
    "%zz",
    "+",
    "%26%3D",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "http%3A%2F%2F127.0.0.1%3A1%2F",
    "%2F%2Fevil.example",
    ",".join(["meta"] * 10_000),
]


def _decoded(value: str) -> bytes:
    return unquote_to_bytes(value.replace("+", " "))


def _is_utf8(value: str) -> bool:
    try:
        _decoded(value).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# What each public view reads
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reads:
    """The query parameters a view reads, and the form it takes by POST (field: valid value)."""

    get: tuple[str, ...] = ()
    form: dict[str, str | list[str]] = field(default_factory=dict)


SUBSCRIBE_FORM: dict[str, str | list[str]] = {
    "email": "reader@example.org",
    "lab": "meta",
    "model": "",
    "kinds": ["stance_changes"],
    "frequency": "instant",
    "language": "en",
}
MANAGE_FORM: dict[str, str | list[str]] = {
    "language": "ja",
    "subscription": "{subscription}",
    "kinds": ["statements"],
    "frequency": "daily",
}

#: Every public URL pattern, by its qualified name. A new one must be added here.
PUBLIC_VIEWS: dict[str, Reads] = {
    "healthz": Reads(),
    "set_language": Reads(get=("next",), form={"language": "ja", "next": "/"}),
    "demo-feed-file": Reads(),
    "alerts:subscribe": Reads(get=("lab", "model"), form=SUBSCRIBE_FORM),
    "alerts:confirm": Reads(form={"confirm": "1"}),
    "alerts:manage": Reads(form=MANAGE_FORM),
    "alerts:unsubscribe": Reads(form={"List-Unsubscribe": "One-Click"}),
    "alerts:feed_all": Reads(),
    "alerts:feed_lab": Reads(),
    "alerts:feed_model": Reads(),
    "home": Reads(),
    "lab": Reads(
        get=("kind", "stance", "model", "verification", "language", "since", "until", "after")
    ),
    "model": Reads(get=("after",)),
    "statement": Reads(),
    # Staff only; everyone else, the battery included, gets the 404 of an unknown statement.
    "statement_preview": Reads(),
    "source_archive": Reads(),
    "compare": Reads(get=("labs",)),
    "about": Reads(),
    "lab_why": Reads(get=("on",)),
    "statement_revision": Reads(),
    "embed_lab": Reads(get=("lang",)),
    "embed_lab_badge": Reads(get=("lang",)),
    "search": Reads(get=("q",)),
    "robots_txt": Reads(),
    "sitemap": Reads(),
    "sitemap-section": Reads(get=("p",)),
    "data": Reads(),
    "data_dictionary": Reads(),
    "export_file": Reads(),
    # The read API (apps/api): a refused value is its JSON 400, never a server error.
    "api_not_found": Reads(),
    "api-v1:api-root": Reads(),
    "api-v1:index": Reads(),
    "api-v1:openapi-json": Reads(),
    "api-v1:openapi-view": Reads(),
    "api-v1:labs_list": Reads(get=("limit", "cursor")),
    "api-v1:lab_get": Reads(),
    "api-v1:lab_stance_history": Reads(),
    "api-v1:lab_stance_changes": Reads(get=("include_superseded", "limit", "cursor")),
    "api-v1:models_list": Reads(get=("lab", "access_level", "updated_since", "limit", "cursor")),
    "api-v1:model_get": Reads(),
    "api-v1:statements_list": Reads(
        get=(
            "lab",
            "model",
            "stance",
            "kind",
            "verification",
            "language",
            "since",
            "until",
            "updated_since",
            "include_retracted",
            "limit",
            "cursor",
        )
    ),
    "api-v1:statement_get": Reads(),
    "api-v1:sources_list": Reads(get=("lab", "publisher", "kind", "language", "limit", "cursor")),
    "api-v1:source_get": Reads(),
    "api-v1:disagreements_list": Reads(get=("dataset", "model", "limit", "cursor")),
    "api-v1:commitments_list": Reads(get=("lab", "status", "limit", "cursor")),
    "api-v1:commitment_get": Reads(),
}
#: Namespaces behind a login: not public (the edge still covers them, see the admin test).
NOT_PUBLIC = {"admin", "accounts"}  # accounts: the two-factor pages, under /admin/ and its login
#: Parameters no view reads, sent to every view anyway.
UNREAD = ("page", "format")


def _patterns(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace or "") if part)
            yield from _patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}:{entry.name}" if namespace else str(entry.name)), entry


def public_view_names() -> set[str]:
    return {
        name
        for name, _pattern in _patterns(get_resolver().url_patterns)
        if name.split(":", 1)[0] not in NOT_PUBLIC
    }


def test_every_public_url_pattern_lists_the_parameters_its_view_reads() -> None:
    names = public_view_names()
    assert names - PUBLIC_VIEWS.keys() == set(), "add the new public views to PUBLIC_VIEWS"
    assert PUBLIC_VIEWS.keys() - names == set(), "PUBLIC_VIEWS names views that are gone"


# --------------------------------------------------------------------------------------------
# The record the addresses point at
# --------------------------------------------------------------------------------------------


@dataclass
class Record:
    kwargs: dict[str, dict[str, Any]]
    subscription: Subscription


@pytest.fixture
def record(seeded: None, settings: SettingsWrapper, tmp_path: Path) -> Record:
    settings.INGEST_DEMO_FEEDS = True
    settings.ALERTS_SUBSCRIBE_PER_IP_PER_HOUR = 10**9
    # The bulk exports exist, so that their files' conditional requests are tried too.
    settings.EXPORTS_DIR = str(tmp_path / "exports")
    exports_build(directory=tmp_path / "exports", chunk_size=100, gzip_level=1)
    settings.API_RATE_LIMIT = 10**9
    lab = Company.objects.get(slug="meta")
    ai_model = AIModel.objects.filter(developer=lab).order_by("pk").first()
    assert ai_model is not None
    statement = Statement.objects.published().order_by("pk").first()
    assert statement is not None
    subscriber = subscriber_make("reader@example.org", company=lab)
    subscription = subscriber.subscriptions.get()
    alerts_services.subscription_request(email="new@example.org", company=lab)
    confirm = subscription_request_token_make(
        SubscriptionRequest.objects.get(subscriber__email="new@example.org")
    )
    subscriber_token = subscriber_token_make(subscriber)
    return Record(
        kwargs={
            "demo-feed-file": {"name": "rss.xml"},
            "alerts:confirm": {"token": confirm},
            "alerts:manage": {"token": subscriber_token},
            "alerts:unsubscribe": {"token": subscriber_token},
            "alerts:feed_lab": {"slug": lab.slug},
            "alerts:feed_model": {"slug": ai_model.slug},
            "lab": {"slug": lab.slug},
            "model": {"slug": ai_model.slug},
            "statement": {"pk": statement.pk},
            "statement_preview": {"pk": statement.pk},
            # A source with an archived copy, so the copy's page itself is tried.
            "source_archive": {
                "pk": Citation.objects.filter(statement__state="published")
                .exclude(source__snapshot_hash="")
                .values_list("source_id", flat=True)[0]
            },
            "sitemap-section": {"section": "statements"},
            "lab_why": {"slug": lab.slug},
            "embed_lab": {"slug": lab.slug},
            "embed_lab_badge": {"slug": lab.slug},
            "statement_revision": {
                "pk": statement.pk,
                "history_id": statement.history.latest().history_id,
            },
            "export_file": {"name": "statements.csv"},
            "api-v1:lab_get": {"slug": lab.slug},
            "api-v1:lab_stance_history": {"slug": lab.slug},
            "api-v1:lab_stance_changes": {"slug": lab.slug},
            "api-v1:model_get": {"slug": ai_model.slug},
            "api-v1:statement_get": {"statement_id": statement.pk},
            "api-v1:source_get": {
                "source_id": statement.citations.values_list("source_id", flat=True)[0]
            },
            # The seed's one commitment (the spokesperson's July 2025 promise).
            "api-v1:commitment_get": {
                "commitment_id": Commitment.objects.values_list("pk", flat=True)[0]
            },
        },
        subscription=subscription,
    )


# --------------------------------------------------------------------------------------------
# The battery
# --------------------------------------------------------------------------------------------


@dataclass
class Verdicts:
    """Every request that answered wrongly, collected so one run reports them all."""

    wrong: list[str] = field(default_factory=list)
    sent: int = 0

    def check(self, label: str, status: int, *, refused: bool) -> None:
        self.sent += 1
        if status >= 500 or (refused and status != 400):
            self.wrong.append(f"{status} {label[:120]}")


def _form_data(reads: Reads, record: Record) -> dict[str, str | list[str]]:
    data = dict(reads.form)
    for name, value in data.items():
        if value == "{subscription}":
            data[name] = str(record.subscription.pk)
    return data


def _urlencoded(data: dict[str, Any], name: str, value: str) -> bytes:
    """The form as an urlencoded body, with the raw (already encoded) hostile ``value``."""
    pairs = [
        f"{quote(key)}={quote(v)}"
        for key, values in data.items()
        if key != name
        for v in (values if isinstance(values, list) else [values])
    ]
    return "&".join([*pairs, f"{quote(name, safe='%')}={value}"]).encode("latin-1")


BOUNDARY = "hostile-input-boundary"


def _multipart(data: dict[str, Any], name: str, value: str) -> bytes:
    """The form as a multipart body, the hostile field holding exactly the bytes ``value`` means.

    Built by hand: the test client would encode a str as UTF-8, and iterate over bytes.
    """
    fields = [
        (key, v.encode())
        for key, values in data.items()
        if key != name
        for v in (values if isinstance(values, list) else [values])
    ]
    fields.append((name, _decoded(value)))
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode()
        + content
        + b"\r\n"
        for key, content in fields
    ]
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


#: The battery's own reader address: the subscribe form counts posts per address per hour in
#: the cache, which outlives the test, and the reader tests post from 127.0.0.1.
BATTERY_ADDRESS = "127.0.0.250"


@pytest.fixture
def browser_client() -> Client:
    """A client that hands back a server error as a 500 answer, so one run lists them all."""
    return Client(raise_request_exception=False, REMOTE_ADDR=BATTERY_ADDRESS)


def _query(names: tuple[str, ...], value: str) -> str:
    return "&".join(f"{name}={value}" for name in names)


@pytest.mark.parametrize("view", sorted(PUBLIC_VIEWS))
def test_no_hostile_value_in_any_parameter_makes_a_server_error(
    browser_client: Client, record: Record, view: str
) -> None:
    """GET: the value in every parameter at once (each is validated on its own, and a bad one
    is reported and ignored, so one request tries them all) and as a parameter name; the path:
    the value in each path argument; POST: the value in each form field in turn, the others
    valid, urlencoded and multipart."""
    client = browser_client
    reads = PUBLIC_VIEWS[view]
    kwargs = record.kwargs.get(view, {})
    url = reverse(view, kwargs=kwargs)
    form = _form_data(reads, record)
    verdicts = Verdicts()
    values = [(v, True) for v in REFUSED_AT_THE_EDGE] + [(v, False) for v in HOSTILE]

    for value, refused in values:
        shown = value[:40]
        # Tab, CR and LF are text a search box may carry; only a path may not hold them.
        in_query_refused = refused and value not in ALLOWED_IN_FORMS
        response = client.get(f"{url}?{_query((*reads.get, *UNREAD), value)}")
        verdicts.check(f"GET every parameter={shown} on {url}", response.status_code,
                       refused=in_query_refused)  # fmt: skip
        response = client.get(f"{url}?{value}=1")
        verdicts.check(f"GET {shown}=1 on {url}", response.status_code, refused=in_query_refused)

        for argument in kwargs:
            integer = argument == "pk" or argument.endswith("_id")  # an <int:...> converter
            if integer and not value.isdigit():
                continue  # the int converter does not match it: the resolver's 404
            placeholder = {**kwargs, argument: 424242 if integer else "placeholder"}
            path = reverse(view, kwargs=placeholder).replace(str(placeholder[argument]), value)
            response = client.get(path)
            verdicts.check(f"GET {argument}={shown} in the path of {view}",
                           response.status_code, refused=refused)  # fmt: skip

        in_form_refused = refused and value not in ALLOWED_IN_FORMS
        for name in form:
            response = client.post(
                url, _urlencoded(form, name, value), "application/x-www-form-urlencoded"
            )
            verdicts.check(f"POST {name}={shown} to {url}", response.status_code,
                           refused=in_form_refused)  # fmt: skip
            response = client.post(
                url, _multipart(form, name, value), f"multipart/form-data; boundary={BOUNDARY}"
            )
            # Multipart fields are decoded with replacement characters, so only the control
            # characters among them are still there to refuse.
            verdicts.check(f"POST multipart {name}={shown} to {url}", response.status_code,
                           refused=in_form_refused and _is_utf8(value))  # fmt: skip

    assert verdicts.sent >= 2 * len(values)
    assert verdicts.wrong == []


# --------------------------------------------------------------------------------------------
# The findings, one by one, and what the edge must let through
# --------------------------------------------------------------------------------------------

EDGE_MESSAGE = b"control characters or text that is not valid UTF-8"


@pytest.mark.parametrize(
    "address", ["/search/?q=%00", "/compare/?labs=%00", "/subscribe/?lab=%00", "/search/?q=%ff",
                "/labs/meta/?after=%00", "/search/%00/", "/subscribe/?lab%00=meta"],
)  # fmt: skip
def test_a_nul_byte_or_invalid_utf8_in_an_address_is_a_clear_400(
    browser_client: Client, seeded: None, address: str
) -> None:
    response = browser_client.get(address)
    assert response.status_code == 400
    assert EDGE_MESSAGE in response.content


def test_a_nul_byte_in_the_subscribe_form_is_a_clear_400_and_subscribes_no_one(
    browser_client: Client, seeded: None
) -> None:
    response = browser_client.post(
        "/subscribe/",
        {"email": "reader@example.org", "lab": "meta\x00", "kinds": ["stance_changes"],
         "frequency": "instant", "language": "en"},
    )  # fmt: skip
    assert response.status_code == 400
    assert EDGE_MESSAGE in response.content
    assert not Subscriber.objects.exists()


def test_the_edge_message_is_in_the_readers_language(browser_client: Client) -> None:
    response = browser_client.get("/search/?q=%00", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 400
    assert "制御文字" in response.content.decode()


@pytest.mark.parametrize("q", ["%e3%83%a1%e3%82%bf", "Meta%e2%80%ae"])
def test_text_that_is_valid_utf8_without_control_characters_goes_through(
    client: Client, seeded: None, q: str
) -> None:
    """Japanese, and a right-to-left override (a format character, not a control one)."""
    response = client.get(f"/search/?q={q}")
    assert response.status_code == 200
    assert b"meta" in response.content.lower()
    assert EDGE_MESSAGE not in response.content


def test_a_form_may_hold_newlines_and_tabs_as_the_admin_sends_them(
    client: Client, editor: User
) -> None:
    client.force_login(editor)
    response = client.post(
        "/admin/ingest/article/ingest-urls/",
        "urls=file%3A%2F%2F%2Fetc%2Fpasswd%0D%0A%09ftp%3A%2F%2F127.0.0.1%2Fx%0A",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Only http and https URLs can be fetched") == 2


def test_the_admin_is_behind_the_same_edge(client: Client, editor: User) -> None:
    client.force_login(editor)
    assert client.get("/admin/claims/statement/?q=%00").status_code == 400
    assert client.get("/admin/claims/statement/?q=meta").status_code == 200


def test_the_bytes_of_an_uploaded_file_are_not_judged_as_text(
    browser_client: Client, seeded: None, settings: SettingsWrapper
) -> None:
    settings.ALERTS_SUBSCRIBE_PER_IP_PER_HOUR = 10**9
    settings.API_RATE_LIMIT = 10**9
    upload = SimpleUploadedFile("blob.bin", b"\x00\x01\xff binary", "application/octet-stream")
    response = browser_client.post(
        "/subscribe/",
        {"email": "reader@example.org", "lab": "meta", "kinds": ["stance_changes"],
         "frequency": "instant", "language": "en", "attachment": upload},
    )  # fmt: skip
    assert response.status_code == 200
    assert b"a confirmation link is on its way" in response.content
    assert Subscriber.objects.filter(email="reader@example.org").exists()


def test_a_cookie_holding_a_nul_byte_is_dropped_not_a_server_error(
    browser_client: Client, seeded: None
) -> None:
    browser_client.cookies["sessionid"] = "\x00" * 32
    assert browser_client.get("/admin/").status_code == 302  # to the login page
    browser_client.cookies["csrftoken"] = "\x00" * 32
    browser_client.cookies["django_language"] = "\x00ja"
    assert browser_client.get("/").status_code == 200


def test_ten_thousand_labs_to_compare_are_refused_and_a_thousand_are_not_an_error(
    browser_client: Client, seeded: None
) -> None:
    many = "&".join(["labs=meta"] * 10_000)
    assert browser_client.get(f"/compare/?{many}").status_code == 400
    distinct = "&".join(f"labs=lab-{n}" for n in range(999))
    response = browser_client.get(f"/compare/?{distinct}")
    assert response.status_code == 200


HOSTILE_HEADERS = {
    "Referer": ["http://127.0.0.1:1/\x01", "javascript:alert(1)", "x" * 10_000],
    "Accept-Language": ["\x00", "ja;q=NaN", "x" * 10_000, "*;q=-1,ja"],
    "X-Forwarded-For": ["\x00", ",,,", "1.2.3.4, ::ffff:127.0.0.1, \x01"],
    "HX-Request": ["true", "\x00"],
    "HX-Current-URL": ["\x00", "http://[::1", "x" * 10_000],
    "HX-History-Restore-Request": ["true"],
    "If-Modified-Since": ["\x00", "Sat, 99 Foo 99999 99:99:99 GMT"],
    "If-None-Match": ["\x00", '"' * 1000],
}


def test_hostile_headers_on_every_public_address_are_not_a_server_error(
    browser_client: Client, record: Record, settings: SettingsWrapper
) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    verdicts = Verdicts()
    for view in sorted(PUBLIC_VIEWS):
        url = reverse(view, kwargs=record.kwargs.get(view, {}))
        for header, values in HOSTILE_HEADERS.items():
            for value in values:
                response = browser_client.get(url, headers={header: value})
                verdicts.check(f"GET {url} {header}={value[:40]!r}", response.status_code,
                               refused=False)  # fmt: skip
                if PUBLIC_VIEWS[view].form:
                    form = _form_data(PUBLIC_VIEWS[view], record)
                    response = browser_client.post(url, form, headers={header: value})
                    verdicts.check(f"POST {url} {header}={value[:40]!r}", response.status_code,
                                   refused=False)  # fmt: skip
    assert verdicts.sent > len(PUBLIC_VIEWS) * len(HOSTILE_HEADERS)
    assert verdicts.wrong == []
