"""The role matrix: every admin page, action and autocomplete, tried by every role.

The doors are read from the admin site itself: each registered ModelAdmin's URLs (custom views
included), its actions at each place they are offered, the autocomplete fields of admins and
inlines with their "+" popups, and the site's own URLs. A new model, action or view therefore
joins the matrix by itself, and the test fails until the policy below says who may use it.

Each door is tried with GET and with POST (the POST carries what the page's form holds, as read
by a superuser, so a refused role posts exactly what would have been saved). Every request runs
in a savepoint that is rolled back, so one role's deletes do not hide the next page. A refused
request must write nothing; a page that only shows things must write nothing for anyone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.db import connection, reset_queries, transaction
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, URLPattern, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.alerts.models import Bounce, Delivery, Event, Subscriber, WebhookDelivery, WebhookEndpoint
from apps.catalog.models import Alias, Person
from apps.catalog.services import model_family_get_or_create, model_status_add
from apps.claims import commitments, services
from apps.claims.models import OutcomeSuggestion, RecordedAct, StanceChange, Statement
from apps.datasets.models import (
    ClaimChange,
    Dataset,
    DatasetClaim,
    DatasetRecord,
    ImportRun,
    MatchDecision,
)
from apps.exports.models import STATE_ID, ExportState
from apps.ingest.models import (
    Article,
    ArticleURL,
    Classifier,
    Feed,
    FetchAttempt,
    SourceFetch,
    Suggestion,
)
from apps.watch.models import SourceCheck, Watch, WatchSnapshot
from tests.factories import company_make, model_make, publisher_make, source_make, statement_make
from tests.security.forms import as_post_data, form_fields

# The matrix tries hundreds of doors for five roles: the full tier (make test) runs it.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# ---------------------------------------------------------------------------------------------
# The policy. A cell is "who may GET / who may POST": e = Editor, r = Reviewer, s = superuser,
# t = staff without a role, - = nobody. Anonymous visitors are sent to the login page by every
# door. A POST to history or a changelist only shows the page again; they never write.
# ---------------------------------------------------------------------------------------------

ROLES = {"t": "reader", "e": "editor", "r": "reviewer", "s": "superuser"}

#                                 changelist  add
MODEL_PAGES = {
    "auth.group":                 ("s/s",     "s/s"),
    "auth.user":                  ("s/s",     "s/s"),
    "catalog.company":            ("ers/ers", "ers/ers"),
    "catalog.aimodel":            ("ers/ers", "ers/ers"),
    "catalog.modelfamily":        ("ers/ers", "ers/ers"),
    "catalog.person":             ("ers/ers", "ers/ers"),
    "catalog.publisher":          ("ers/ers", "ers/ers"),
    "catalog.alias":              ("ers/ers", "ers/ers"),
    "catalog.source":             ("ers/ers", "ers/ers"),
    "claims.statement":           ("ers/ers", "ers/ers"),
    "claims.stanceassessment":    ("ers/ers", "rs/rs"),
    "claims.stancechange":        ("ers/ers", "-/-"),
    "claims.recordedact":         ("ers/ers", "-/-"),
    "claims.commitment":          ("ers/ers", "ers/ers"),
    "claims.outcomesuggestion":   ("ers/ers", "-/-"),
    "ingest.feed":                ("ers/ers", "ers/ers"),
    "ingest.article":             ("ers/ers", "-/-"),
    "ingest.articleurl":          ("ers/ers", "-/-"),
    "ingest.fetchattempt":        ("ers/ers", "-/-"),
    "ingest.suggestion":          ("ers/ers", "-/-"),
    "ingest.classifier":          ("ers/ers", "-/-"),
    "ingest.sourcefetch":         ("ers/ers", "ers/ers"),
    "datasets.dataset":           ("ers/ers", "-/-"),
    "datasets.importrun":         ("ers/ers", "-/-"),
    "datasets.datasetrecord":     ("ers/ers", "-/-"),
    "datasets.datasetclaim":      ("ers/ers", "-/-"),
    "datasets.claimchange":       ("ers/ers", "-/-"),
    "datasets.matchdecision":     ("ers/ers", "-/-"),
    "datasets.disagreement":      ("ers/ers", "-/-"),
    "exports.exportstate":        ("ers/ers", "-/-"),
    "watch.sourcecheck":          ("ers/ers", "-/-"),
    "watch.watch":                ("ers/ers", "ers/ers"),
    "watch.watchsnapshot":        ("ers/ers", "-/-"),
    "alerts.subscriber":          ("s/s",     "s/s"),
    "alerts.event":               ("s/s",     "-/-"),
    "alerts.delivery":            ("s/s",     "-/-"),
    "alerts.bounce":              ("s/s",     "-/-"),
    "alerts.webhookendpoint":     ("s/s",     "s/s"),
    "alerts.webhookdelivery":     ("s/s",     "-/-"),
    "otp_totp.totpdevice":        ("s/s",     "s/s"),
    "otp_static.staticdevice":    ("s/s",     "s/s"),
}  # fmt: skip

# One object per model; statements once in each editorial state. "version" is the audit trail's
# page of one old version: readable by who may view, and reverting it is nobody's door.
#                                 change     delete     history    version
OBJECT_PAGES = {
    "auth.group":                 ("s/s",     "s/s",     "s/s",     None),
    "auth.user":                  ("s/s",     "s/s",     "s/s",     None),
    "catalog.company":            ("ers/ers", "s/s",     "ers/ers", "ers/-"),
    "catalog.aimodel":            ("ers/ers", "s/s",     "ers/ers", "ers/-"),
    "catalog.modelfamily":        ("ers/ers", "s/s",     "ers/ers", "ers/-"),
    "catalog.person":             ("ers/ers", "s/s",     "ers/ers", "ers/-"),
    "catalog.publisher":          ("ers/ers", "s/s",     "ers/ers", "ers/-"),
    "catalog.alias":              ("ers/ers", "ers/ers", "ers/ers", "ers/-"),
    "catalog.source":             ("ers/ers", "s/s",     "ers/ers", "ers/-"),
    "claims.statement@draft":     ("ers/ers", "ers/ers", "ers/ers", "ers/-"),
    "claims.statement@in_review": ("ers/ers", "-/-",     "ers/ers", "ers/-"),
    "claims.statement@published": ("ers/rs",  "-/-",     "ers/ers", "ers/-"),
    "claims.statement@retracted": ("ers/-",   "-/-",     "ers/ers", "ers/-"),
    "claims.stanceassessment":    ("ers/rs",  "s/s",     "ers/ers", "ers/-"),
    "claims.stancechange":        ("ers/-",   "-/-",     "ers/ers", None),
    "claims.recordedact":         ("ers/-",   "-/-",     "ers/ers", None),
    # Resolved (kept): its history is the record, so nobody deletes it and no outcome is added.
    "claims.commitment":          ("ers/ers", "-/-",     "ers/ers", "ers/-"),
    "claims.outcomesuggestion":   ("ers/rs",  "-/-",     "ers/ers", None),
    "ingest.feed":                ("ers/ers", "s/s",     "ers/ers", None),
    "ingest.article":             ("ers/ers", "s/s",     "ers/ers", None),
    "ingest.articleurl":          ("ers/ers", "s/s",     "ers/ers", None),
    "ingest.fetchattempt":        ("ers/-",   "s/s",     "ers/ers", None),
    "ingest.suggestion":          ("ers/ers", "s/s",     "ers/ers", None),
    "ingest.classifier":          ("ers/s",   "s/s",     "ers/ers", None),
    "ingest.sourcefetch":         ("ers/-",   "s/s",     "ers/ers", None),
    "datasets.dataset":           ("ers/-",   "s/s",     "ers/ers", None),
    "datasets.importrun":         ("ers/-",   "s/s",     "ers/ers", None),
    "datasets.datasetrecord":     ("ers/-",   "s/s",     "ers/ers", None),
    "datasets.datasetclaim":      ("ers/-",   "s/s",     "ers/ers", None),
    "datasets.claimchange":       ("ers/-",   "s/s",     "ers/ers", None),
    "datasets.matchdecision":     ("ers/ers", "s/s",     "ers/ers", None),
    "datasets.disagreement":      ("ers/-",   "-/-",     "ers/ers", None),
    "exports.exportstate":        ("ers/-",   "-/-",     "ers/ers", None),
    "watch.sourcecheck":          ("ers/ers", "s/s",     "ers/ers", None),
    "watch.watch":                ("ers/ers", "s/s",     "ers/ers", None),
    "watch.watchsnapshot":        ("ers/ers", "s/s",     "ers/ers", None),
    "alerts.subscriber":          ("s/s",     "s/s",     "s/s",     None),
    "alerts.event":               ("s/s",     "s/s",     "s/s",     None),
    "alerts.delivery":            ("s/s",     "s/s",     "s/s",     None),
    "alerts.bounce":              ("s/s",     "s/s",     "s/s",     None),
    "alerts.webhookendpoint":     ("s/s",     "s/s",     "s/s",     None),
    "alerts.webhookdelivery":     ("s/s",     "s/s",     "s/s",     None),
    "otp_totp.totpdevice":        ("s/s",     "s/s",     "s/s",     None),
    "otp_static.staticdevice":    ("s/s",     "s/s",     "s/s",     None),
}  # fmt: skip

# Who may run each action, on the object it is tried on (in the list and, where the admin
# offers it there too, on the object's own page). Bulk delete is never offered for statements.
ACTIONS = {
    "auth.group": {"delete_selected": "s"},
    "auth.user": {"delete_selected": "s"},
    "catalog.company": {"delete_selected": "s"},
    "catalog.aimodel": {"delete_selected": "s"},
    "catalog.modelfamily": {"delete_selected": "s"},
    "catalog.person": {"delete_selected": "s"},
    "catalog.publisher": {"delete_selected": "s"},
    "catalog.alias": {"delete_selected": "ers"},
    "catalog.source": {"delete_selected": "s"},
    "claims.statement@draft": {"submit_selected": "ers", "publish_selected": "rs"},
    "claims.statement@published": {"retract_selected": "rs", "delete_selected": "-"},
    "claims.stanceassessment": {"delete_selected": "s"},
    "claims.stancechange": {"delete_selected": "-"},
    "claims.recordedact": {"delete_selected": "-"},
    "claims.commitment": {"reopen_selected": "rs", "delete_selected": "-"},
    "claims.outcomesuggestion": {
        "accept_selected": "rs",
        "dismiss_selected": "rs",
        "delete_selected": "-",
    },
    "ingest.feed": {
        "poll_soon": "ers",
        "pause_selected": "ers",
        "resume_selected": "ers",
        "delete_selected": "s",
    },
    "ingest.article": {"delete_selected": "s"},
    "ingest.articleurl": {"retry_selected": "ers", "delete_selected": "s"},
    "ingest.fetchattempt": {"delete_selected": "s"},
    "ingest.suggestion": {
        "accept_selected": "ers",
        "reject_selected": "ers",
        "delete_selected": "s",
    },
    "ingest.classifier": {"delete_selected": "s"},
    "ingest.sourcefetch": {"delete_selected": "s"},
    # "Import now" only enqueues the task (on commit, so never here: every request is rolled
    # back); it rewrites many claims at once, so it is the reviewers' and superusers'.
    "datasets.dataset": {"import_now": "rs", "delete_selected": "s"},
    "datasets.importrun": {"delete_selected": "s"},
    "datasets.datasetrecord": {"delete_selected": "s"},
    "datasets.datasetclaim": {"delete_selected": "s"},
    "datasets.claimchange": {"delete_selected": "s"},
    # Queues the decision's application again (on commit, so never here).
    "datasets.matchdecision": {"apply_again": "ers", "delete_selected": "s"},
    "datasets.disagreement": {"delete_selected": "-"},
    "exports.exportstate": {"delete_selected": "-"},
    "watch.sourcecheck": {"acknowledge_selected": "ers", "delete_selected": "s"},
    "watch.watch": {"delete_selected": "s"},
    # A baseline reading: nothing waits for a decision, so the actions change nothing.
    "watch.watchsnapshot": {
        "accept_selected": "ers",
        "reject_selected": "ers",
        "delete_selected": "s",
    },
    "alerts.subscriber": {"revoke_links": "s", "delete_selected": "s"},
    "alerts.event": {"republish": "s", "delete_selected": "s"},
    "alerts.delivery": {"retry": "s", "delete_selected": "s"},
    "alerts.bounce": {"delete_selected": "s"},
    "alerts.webhookendpoint": {"delete_selected": "s"},
    "alerts.webhookdelivery": {"delete_selected": "s"},
    "otp_totp.totpdevice": {"delete_selected": "s"},
    "otp_static.staticdevice": {"delete_selected": "s"},
}
# What the confirmation step of an action asks for, so the action runs to its end.
ACTION_DATA = {
    "publish_selected": {"confirm": "yes"},
    "retract_selected": {"reason": "Role matrix."},
    "reject_selected": {"reason": "Role matrix."},
    "reopen_selected": {"rationale": "Role matrix."},
    "delete_selected": {"post": "yes"},
}

# Custom admin views, with what is posted to them: nothing here may reach the network.
CUSTOM_VIEWS = {
    "ingest_article_ingest_urls": ("ers/ers", {"urls": ""}),
    # The progress pages only show rows (GET); the admin fetches nothing in any request.
    "ingest_articleurl_progress": ("ers/-", {}),
    "ingest_sourcefetch_progress": ("ers/-", {}),
    "auth_user_password_change": ("s/s", {"password1": "", "password2": ""}),
    # django-otp's pages that would show a device's secret: OTP_ADMIN_HIDE_SENSITIVE_DATA shuts
    # them for everyone, the superuser included.
    "otp_totp_totpdevice_config": ("-/-", {}),
    "otp_totp_totpdevice_qrcode": ("-/-", {}),
}

# Autocomplete answers who may view the model it searches; it takes no POST.
AUTOCOMPLETE = {
    "catalog.company": "ers/-",
    "catalog.aimodel": "ers/-",
    "catalog.modelfamily": "ers/-",
    "catalog.person": "ers/-",
    "catalog.publisher": "ers/-",
    "catalog.source": "ers/-",
    "claims.statement": "ers/-",
}

# Site pages that only show things are tried with GET alone.
SITE_PAGES = {
    "index": "ters",
    "password_change": "ters/ters",
    "password_change_done": "ters",
    "jsi18n": "ters",
    "view_on_site": "ters",
}
# The list of one app's models: only for who may see one of them.
APP_LISTS = {
    "otp_totp": "s",
    "otp_static": "s",
    "auth": "s",
    "catalog": "ers",
    "claims": "ers",
    "ingest": "ers",
    "datasets": "ers",
    "exports": "ers",
    "watch": "ers",
    "alerts": "s",
}
# Autocomplete and the app lists are tried per field and per app above; the login and logout
# doors belong to the login hardening and its own tests.
SITE_NOT_TRIED = {"login", "logout", "autocomplete", "app_list"}


def may(cell: str | None) -> tuple[set[str], set[str]] | None:
    if cell is None:
        return None
    get, post = cell.split("/")
    return {ROLES[c] for c in get if c in ROLES}, {ROLES[c] for c in post if c in ROLES}


def runs(letters: str) -> set[str]:
    return {ROLES[c] for c in letters if c in ROLES}


# ---------------------------------------------------------------------------------------------
# The record the doors open on.
# ---------------------------------------------------------------------------------------------


def record_make() -> dict[str, Model]:
    lab = company_make(name="Matrix Lab", slug="matrix-lab")
    ai_model = model_make(developer=lab)
    publisher = publisher_make(company=lab)
    source = source_make(publisher=publisher)
    model_status_add(
        model=ai_model, status="announced", date=datetime.date(2025, 5, 1), source=source
    )

    def statement(state: str) -> Statement:
        made = statement_make(
            company=lab, ai_models=[ai_model], publish=state in ("published", "retracted")
        )
        if state == "in_review":
            services.statement_submit(statement=made, user=None)
        if state == "retracted":
            services.statement_retract(statement=made, user=None, reason="Wrong lab.")
        return made

    published = statement("published")
    kept = commitments.commitment_mark(
        user=None, statement=published, promise="Open it", evidence_rule="Weights", condition="c"
    )
    commitments.commitment_outcome_record(
        commitment=kept, user=None, outcome="kept", rationale="r", deciding_statement=published
    )
    pending = commitments.commitment_mark(
        user=None,
        statement=statement("published"),
        promise="Open the next",
        evidence_rule="Weights",
        condition="c",
    )
    feed = Feed.objects.create(url="https://feeds.example/matrix.xml")
    article = Article.objects.create(
        url="https://news.example/matrix",
        title="Matrix",
        content_hash="0" * 64,
        raw=b"",
        feed=feed,
        source=source,
    )
    event = Event.objects.filter(statement=published, kind="statement_published").get()
    device_owner = User.objects.create_user("two-factor", password="correct horse", is_staff=True)
    subscriber = Subscriber.objects.create(email="matrix@example.org")
    dataset = Dataset.objects.get(key="epoch")  # made by the datasets' data migration
    watch = Watch.objects.create(url="https://lab.example/licence", company=lab)
    dataset_record = DatasetRecord.objects.create(
        dataset=dataset, key="Matrix-7B", read_at=timezone.now(), raw={}, content_hash="0" * 64
    )
    dataset_claim = DatasetClaim.objects.create(
        record=dataset_record, field="access_level", value="API access"
    )
    endpoint = WebhookEndpoint.objects.create(
        name="Newsroom", url="https://hooks.example/aperture", secret="s" * 32
    )
    return {
        "auth.group": Group.objects.get(name="Editor"),
        "auth.user": User.objects.create_user("someone", password="correct horse"),
        "catalog.company": lab,
        "catalog.aimodel": ai_model,
        "catalog.modelfamily": model_family_get_or_create(name="Matrix family", developer=lab),
        "catalog.person": Person.objects.create(
            name="Matrix Person", slug="matrix-person", company=lab
        ),
        "catalog.publisher": publisher,
        "catalog.alias": Alias.objects.create(company=lab, name="Matrix"),
        "catalog.source": source,
        "claims.statement@draft": statement("draft"),
        "claims.statement@in_review": statement("in_review"),
        "claims.statement@published": published,
        "claims.statement@retracted": statement("retracted"),
        "claims.stanceassessment": services.assessment_pin(
            user=None,
            company=lab,
            effective_from=datetime.date(2025, 1, 1),
            stance="mixed",
            rationale="Role matrix.",
        ),
        "claims.stancechange": StanceChange.objects.filter(company=lab).earliest("date"),
        "claims.recordedact": RecordedAct.objects.create(
            company=lab,
            ai_model=ai_model,
            subject="Matrix-7B",
            occurred_on=datetime.date(2025, 5, 1),
            access_level="API access",
            stance="leaning_closed",
            origin="Epoch AI: Data on AI models",
            origin_key="Matrix-7B|matrix-lab",
        ),
        "claims.commitment": kept,
        "claims.outcomesuggestion": OutcomeSuggestion.objects.create(
            commitment=pending, act_statement=published, outcome="kept", rationale="Matrix."
        ),
        "ingest.feed": feed,
        "ingest.article": article,
        # Done, so that "fetch again" has nothing to fetch: no test reaches the network.
        "ingest.articleurl": ArticleURL.objects.create(
            url=article.url, article=article, state="done"
        ),
        "ingest.fetchattempt": FetchAttempt.objects.create(
            feed=feed, url=feed.url, outcome="error"
        ),
        "ingest.suggestion": Suggestion.objects.create(
            article=article,
            sentence="Matrix Lab will close its models.",
            sentence_hash="m" * 64,
            company=lab,
            stance="closed",
            score=0.5,
        ),
        "ingest.classifier": Classifier.objects.create(name="matrix"),
        # Done, like the article URL: nothing waits to be fetched.
        "ingest.sourcefetch": SourceFetch.objects.create(
            url=source.url, state="done", source=source
        ),
        "watch.sourcecheck": SourceCheck.objects.get_or_create(source=source)[0],
        "watch.watch": watch,
        "watch.watchsnapshot": WatchSnapshot.objects.create(
            watch=watch, status=200, final_url=watch.url, text="x", text_hash="0" * 64, raw=b""
        ),
        "datasets.dataset": dataset,
        "datasets.importrun": ImportRun.objects.create(dataset=dataset, state="partial"),
        "datasets.datasetrecord": dataset_record,
        "datasets.datasetclaim": dataset_claim,
        "datasets.claimchange": ClaimChange.objects.create(
            claim=dataset_claim,
            old_value="Unreleased",
            new_value="API access",
            changed_at=timezone.now(),
        ),
        # Decided (kept apart), so the change form as read posts back valid.
        "datasets.matchdecision": MatchDecision.objects.create(
            kind="org",
            name_key="matrix lab",
            name="Matrix Lab",
            kept_apart=True,
            decided_at=timezone.now(),
        ),
        # Matched to the model, whose editor says otherwise: listed as a disagreement.
        "datasets.disagreement": DatasetClaim.objects.create(
            record=DatasetRecord.objects.create(
                dataset=dataset,
                key="Matrix-Disagrees",
                read_at=timezone.now(),
                raw={},
                content_hash="1" * 64,
                model=ai_model,
            ),
            field="access_level",
            value="API access" if ai_model.access_level != "api_only" else "Unreleased",
        ),
        # The one row, which the published statement above marked out of date.
        "exports.exportstate": ExportState.objects.get(pk=STATE_ID),
        "alerts.subscriber": subscriber,
        "alerts.event": event,
        "alerts.delivery": Delivery.objects.create(
            event=event, subscriber=subscriber, status="failed"
        ),
        "alerts.bounce": Bounce.objects.create(
            subscriber=subscriber, email=subscriber.email, code=550
        ),
        "alerts.webhookendpoint": endpoint,
        "alerts.webhookdelivery": WebhookDelivery.objects.create(event=event, endpoint=endpoint),
        "otp_totp.totpdevice": TOTPDevice.objects.create(user=device_owner, name="phone"),
        "otp_static.staticdevice": StaticDevice.objects.create(user=device_owner, name="backup"),
    }


# ---------------------------------------------------------------------------------------------
# The doors, read from the admin site.
# ---------------------------------------------------------------------------------------------

STANDARD_PAGES = {"changelist", "add", "change", "delete", "history", "simple_history"}


@dataclass
class Door:
    name: str
    method: str
    url: str
    allowed: set[str]
    kind: str = "page"  # page, change (a POST must save), action, app_list
    read_only: bool = False  # nobody's request may write, allowed or not
    form_url: str | None = None  # the page whose form (read by a superuser) a POST carries
    form_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _pair(name: str, url: str, cell: str, **options: Any) -> list[Door]:
    get, _, post = cell.partition("/")
    doors = [Door(name, "GET", url, runs(get), **options)]
    if post:
        doors.append(Door(name, "POST", url, runs(post), **options))
    return doors


def _object_keys(label: str) -> list[str]:
    return [key for key in OBJECT_PAGES if key.split("@")[0] == label]


def _url_names(model_admin: admin.ModelAdmin) -> list[str]:
    """The admin's named URLs, without the app_model_ prefix of the standard ones."""
    info = f"{model_admin.opts.app_label}_{model_admin.opts.model_name}_"
    return [
        pattern.name.removeprefix(info) if pattern.name.removeprefix(info) in STANDARD_PAGES
        else pattern.name
        for pattern in model_admin.get_urls()
        if isinstance(pattern, URLPattern) and pattern.name
    ]  # fmt: skip


def _custom_view_names(model_admin: admin.ModelAdmin) -> list[str]:
    return [name for name in _url_names(model_admin) if name not in STANDARD_PAGES]


def _action_names(model_admin: admin.ModelAdmin) -> set[str]:
    site = {name for name, _func in model_admin.admin_site.actions}
    own = {a if isinstance(a, str) else a.__name__ for a in model_admin.actions or []}
    return site | own


def _autocomplete_fields() -> list[tuple[str, str, str]]:
    """(source model, field, searched model) for every autocomplete field of admins and inlines."""
    found = []
    for model_admin in admin.site._registry.values():
        for owner in [model_admin, *model_admin.inlines]:
            for name in owner.autocomplete_fields:
                model = owner.model
                remote = model._meta.get_field(name).remote_field.model
                found.append((model._meta.label_lower, name, remote._meta.label_lower))
    return found


def admin_doors(record: dict[str, Model]) -> list[Door]:
    doors: list[Door] = []
    popup_targets = {remote for _source, _field, remote in _autocomplete_fields()}
    for model, model_admin in admin.site._registry.items():
        label, opts = model._meta.label_lower, model._meta
        info, form_id = f"admin:{opts.app_label}_{opts.model_name}", f"{opts.model_name}_form"
        changelist_cell, add_cell = MODEL_PAGES[label]
        changelist = reverse(f"{info}_changelist")
        doors += _pair(f"{label} changelist", changelist, changelist_cell, read_only=True)
        adds = [reverse(f"{info}_add")]
        if label in popup_targets:  # the "+" beside an autocomplete field
            adds.append(adds[0] + "?_to_field=id&_popup=1")
        for url in adds:
            doors += _pair(f"{label} add {url}", url, add_cell, form_url=url, form_id=form_id)
        for key in _object_keys(label):
            obj = record[key]
            change_cell, delete_cell, history_cell, version_cell = OBJECT_PAGES[key]
            change = reverse(f"{info}_change", args=[obj.pk])
            doors += _pair(
                f"{key} change",
                change,
                change_cell,
                kind="change",
                form_url=change,
                form_id=form_id,
            )
            delete = reverse(f"{info}_delete", args=[obj.pk])
            doors += _pair(f"{key} delete", delete, delete_cell, extra={"post": "yes"})
            history = reverse(f"{info}_history", args=[obj.pk])
            doors += _pair(f"{key} history", history, history_cell, read_only=True)
            if version_cell is not None:
                first = obj.history.order_by("history_id").first()  # type: ignore[attr-defined]
                version = reverse(f"{info}_simple_history", args=[obj.pk, first.history_id])
                doors += _pair(
                    f"{key} version", version, version_cell,
                    read_only=True, form_url=change, form_id=form_id,
                )  # fmt: skip
            for action, letters in ACTIONS.get(key, {}).items():
                data = {"_selected_action": [obj.pk], **ACTION_DATA.get(action, {})}
                if model_admin.get_action(action, ActionLocation.CHANGE_LIST):
                    doors.append(
                        Door(f"{key} action {action} (list)", "POST", changelist, runs(letters),
                             kind="action", extra={"action": action, **data})
                    )  # fmt: skip
                if model_admin.get_action(action, ActionLocation.CHANGE_FORM):
                    doors.append(
                        Door(f"{key} action {action} (page)", "POST", change, runs(letters),
                             kind="action", extra={"CHANGE_FORM-action": action, **data})
                    )  # fmt: skip
        for name in _custom_view_names(model_admin):
            cell, posted = CUSTOM_VIEWS[name]
            try:
                url = reverse(f"admin:{name}")
            except NoReverseMatch:
                url = reverse(f"admin:{name}", args=[record[_object_keys(label)[0]].pk])
            doors += _pair(f"{label} view {name}", url, cell, extra=posted)
    for source, name, remote in _autocomplete_fields():
        app_label, model_name = source.split(".")
        url = (
            f"{reverse('admin:autocomplete')}?app_label={app_label}&model_name={model_name}"
            f"&field_name={name}&term=a"
        )
        doors += _pair(f"autocomplete {source}.{name}", url, AUTOCOMPLETE[remote], read_only=True)
    lab = record["catalog.company"]
    for name, cell in SITE_PAGES.items():
        args = [ContentType.objects.get_for_model(lab).pk, lab.pk] if name == "view_on_site" else []
        doors += _pair(f"site {name}", reverse(f"admin:{name}", args=args), cell)
    for app_label, letters in APP_LISTS.items():
        url = reverse("admin:app_list", kwargs={"app_label": app_label})
        doors += _pair(f"app list {app_label}", url, letters, kind="app_list", read_only=True)
    return doors


# ---------------------------------------------------------------------------------------------
# Trying them.
# ---------------------------------------------------------------------------------------------

LOGIN = "/admin/login/"


def _is_write(sql: str) -> bool:
    verb = sql.lstrip().split(" ", 1)[0].upper()
    return verb in ("INSERT", "UPDATE", "DELETE") and "django_session" not in sql


def _outcome(door: Door, response: Any) -> str:
    status = response.status_code
    if status == 302 and response["Location"].startswith(LOGIN):
        return "sent to login"
    if status in (403, 405) or (status == 404 and door.kind == "app_list"):
        return "refused"
    if status not in (200, 302):
        return f"answered {status}"
    if door.kind == "action":
        context = getattr(response, "context_data", None) or {}
        shown = [str(m) for m in get_messages(response.wsgi_request)]
        # Django answers an action it does not offer this user with the page and a warning.
        if "No action selected." in shown or "cl" in context or "adminform" in context:
            return "refused"
    if door.kind == "change" and door.method == "POST" and status != 302:
        context = getattr(response, "context_data", None) or {}
        return f"not saved: {context.get('errors')}"
    return "allowed"


class Probe:
    """Tries doors as one role; the POSTed forms are read once, by a superuser, for all roles."""

    def __init__(self, superuser: User) -> None:
        self.form_reader = Client()
        self.form_reader.force_login(superuser)
        self.forms: dict[str, dict[str, list[str]]] = {}
        self.mismatches: list[str] = []

    def post_data(self, door: Door) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if door.form_url:
            if door.form_url not in self.forms:
                html = self.form_reader.get(door.form_url).content.decode()
                self.forms[door.form_url] = as_post_data(form_fields(html, door.form_id))
            data.update(self.forms[door.form_url], _save="Save")
        data.update(door.extra)
        return data

    def send(self, client: Client, door: Door) -> Any:
        if door.method == "POST":
            return client.post(door.url, self.post_data(door))
        response = client.get(door.url)
        location = response.get("Location", "")
        if response.status_code == 302 and location.startswith("/admin/") and LOGIN not in location:
            response = client.get(location)  # the review queue opens on a filter
        return response

    def try_door(self, role: str, client: Client, door: Door) -> None:
        if door.method == "POST":
            self.post_data(door)  # the superuser reads the form first, outside the count
        reset_queries()  # the query log is capped: a full one would show no writes at all
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            response = self.send(client, door)
            transaction.set_rollback(True)
        outcome = _outcome(door, response)
        if role == "anonymous":
            expected = "sent to login"
        else:
            expected = "allowed" if role in door.allowed else "refused"
        writes = [q["sql"][:120] for q in queries.captured_queries if _is_write(q["sql"])]
        where = f"{role}: {door.method} {door.name} ({door.url})"
        if outcome != expected:
            self.mismatches.append(f"{where}: expected {expected}, got {outcome}")
        elif writes and (outcome != "allowed" or door.read_only):
            self.mismatches.append(f"{where}: {outcome} but wrote {writes}")


# ---------------------------------------------------------------------------------------------
# The tests.
# ---------------------------------------------------------------------------------------------


def test_the_policy_names_every_admin_door_and_nothing_else() -> None:
    registry = admin.site._registry
    labels = {model._meta.label_lower for model in registry}
    assert set(MODEL_PAGES) == labels, "add the new model to MODEL_PAGES"
    assert {key.split("@")[0] for key in OBJECT_PAGES} == labels, "and to OBJECT_PAGES"
    for model, model_admin in registry.items():
        label = model._meta.label_lower
        keys = _object_keys(label)
        has_versions = "simple_history" in _url_names(model_admin)
        for key in keys:
            assert (OBJECT_PAGES[key][3] is not None) == has_versions, key
        named = set().union(*(ACTIONS.get(key, {}) for key in keys))
        assert named == _action_names(model_admin), f"{label}: actions missing from ACTIONS"
    custom = {name for model_admin in registry.values() for name in _custom_view_names(model_admin)}
    assert custom == set(CUSTOM_VIEWS), "add the new admin view to CUSTOM_VIEWS"
    assert {remote for _s, _f, remote in _autocomplete_fields()} == set(AUTOCOMPLETE)
    site = {p.name for p in admin.site.get_urls() if isinstance(p, URLPattern) and p.name}
    assert site - SITE_NOT_TRIED == set(SITE_PAGES), "add the new site page to SITE_PAGES"
    assert {model._meta.app_label for model in registry} == set(APP_LISTS)


def test_each_role_gets_through_exactly_the_admin_doors_the_policy_opens(
    editor: User, reviewer: User, reader: User, settings: Any
) -> None:
    settings.FETCH_ALLOW_PRIVATE = False
    superuser = User.objects.create_superuser("root", password="correct horse")
    users = {"reader": reader, "editor": editor, "reviewer": reviewer, "superuser": superuser}
    doors = admin_doors(record_make())
    probe = Probe(superuser)
    for role in ["anonymous", *users]:
        client = Client(raise_request_exception=False)
        if role in users:
            client.force_login(users[role])
        for door in doors:
            probe.try_door(role, client, door)
    if probe.mismatches:
        pytest.fail("\n".join(probe.mismatches), pytrace=False)
