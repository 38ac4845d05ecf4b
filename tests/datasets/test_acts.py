"""An imported dataset's releases become acts on their labs' timelines."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from apps.claims.models import RecordedAct, Stance, StanceChange
from apps.datasets.models import ImportRun
from apps.datasets.services import dataset_import
from tests.datasets.helpers import HEADER, capture, serve, writes
from tests.factories import company_make, model_make, statement_make
from tests.support.httpserver import LocalHTTPServer

pytestmark = pytest.mark.django_db

EPOCH = HEADER + (
    "Alpha-7B,Lab One,2024-07-23,7000000000,Open weights (non-commercial),,,\n"
    "Alpha-70B,Lab One,2024-09,,Unreleased,,,\n"
    'Joint-1,"Lab One, Lab Two",2023,,Open weights (unrestricted),,,\n'
    "Beta,Lab Two,2023-05-02,,API access,,,\n"
    "Gamma,Nobody Known,2023-05-02,,API access,,,\n"
    "Delta,Lab Two,,,API access,,,\n"
)


def imported(http_server: LocalHTTPServer, body: str, path: str = "/acts.csv") -> ImportRun:
    return dataset_import(dataset="epoch", source=serve(http_server, path, body.encode()))


def test_each_release_with_an_access_level_becomes_an_act_of_its_lab(
    http_server: LocalHTTPServer,
) -> None:
    one = company_make(name="Lab One", slug="lab-one")
    two = company_make(name="Lab Two", slug="lab-two")
    run = imported(http_server, EPOCH)
    assert run.state == ImportRun.State.OK
    acts = {(a.company.slug, a.subject): a for a in RecordedAct.objects.select_related("company")}
    assert set(acts) == {
        ("lab-one", "Alpha-7B"),
        ("lab-one", "Alpha-70B"),
        ("lab-one", "Joint-1"),
        ("lab-two", "Joint-1"),
        ("lab-two", "Beta"),
    }
    assert acts[("lab-one", "Alpha-7B")].stance == Stance.LEANING_OPEN
    assert acts[("lab-one", "Alpha-70B")].stance == Stance.CLOSED
    assert acts[("lab-two", "Beta")].stance == Stance.LEANING_CLOSED
    assert acts[("lab-one", "Alpha-70B")].date_precision == "month"
    beta = acts[("lab-two", "Beta")]
    assert beta.origin == "Epoch AI: Data on AI models"
    assert beta.origin_url.startswith("https://") and beta.attribution
    # Labs with only imported acts get a stance history.
    assert StanceChange.objects.current().filter(company=one).exists()
    assert StanceChange.objects.current().filter(company=two).exists()


def test_reimporting_unchanged_data_writes_no_act(http_server: LocalHTTPServer) -> None:
    company_make(name="Lab One", slug="lab-one")
    company_make(name="Lab Two", slug="lab-two")
    imported(http_server, EPOCH)
    with capture() as queries:
        imported(http_server, EPOCH, "/again.csv")
    assert [sql for sql in writes(queries) if "claims_" in sql] == []
    assert RecordedAct.objects.count() == 5


def test_a_changed_access_level_changes_the_act(http_server: LocalHTTPServer) -> None:
    company_make(name="Lab Two", slug="lab-two")
    imported(http_server, EPOCH)
    imported(
        http_server,
        EPOCH.replace("Beta,Lab Two,2023-05-02,,API access", "Beta,Lab Two,2023-05-02,,Unreleased"),
        "/2.csv",
    )
    assert RecordedAct.objects.get(subject="Beta").stance == Stance.CLOSED


@pytest.mark.slow
def test_the_lab_page_shows_says_and_does_and_flags_the_divergence(
    http_server: LocalHTTPServer, client: Client
) -> None:
    one = company_make(name="Lab One", slug="lab-one")
    statement_make(company=one, stance="open", kind="official", publish=True)
    imported(http_server, HEADER + "Alpha-70B,Lab One,2025-09-01,,Unreleased,,,\n")
    html = client.get(one.get_absolute_url()).content.decode()
    assert 'id="says-band' in html and 'id="does-band' in html
    assert 'class="divergence"' in html
    assert "Alpha-70B" in html and "Unreleased" in html
    japanese = client.get(f"/ja{one.get_absolute_url()}").content.decode()
    assert "発言と行動が乖離" in japanese and "「オープン」" in japanese


def test_the_lab_page_has_no_divergence_flag_when_says_and_does_agree(
    http_server: LocalHTTPServer, client: Client
) -> None:
    one = company_make(name="Lab One", slug="lab-one")
    statement_make(company=one, stance="open", kind="official", publish=True)
    imported(http_server, HEADER + "Alpha-7B,Lab One,2025-09-01,,Open weights (unrestricted),,,\n")
    html = client.get(one.get_absolute_url()).content.decode()
    assert 'id="does-band' in html and 'class="divergence"' not in html


def test_an_act_names_the_catalogue_model_matching_found_for_its_record(
    http_server: LocalHTTPServer,
) -> None:
    one = company_make(name="Lab One", slug="lab-one")
    alpha = model_make(developer=one, name="Alpha 7B")

    imported(http_server, EPOCH)

    acts = {a.subject: a for a in RecordedAct.objects.filter(company=one)}
    assert acts["Alpha-7B"].ai_model == alpha
    assert acts["Alpha-70B"].ai_model is None  # the catalogue has no such model


@pytest.mark.slow
def test_editors_list_the_imported_acts_by_lab_access_and_dataset_and_cannot_change_them(
    http_server: LocalHTTPServer, editor: User, reader: User
) -> None:
    one = company_make(name="Lab One", slug="lab-one")
    company_make(name="Lab Two", slug="lab-two")
    model_make(developer=one, name="Alpha 7B")
    imported(http_server, EPOCH)
    client = Client()
    client.force_login(editor)
    url = reverse("admin:claims_recordedact_changelist")
    act = RecordedAct.objects.get(subject="Alpha-7B")

    listed = client.get(url).content.decode()
    by_lab = client.get(url, {"company__id__exact": one.pk}).content.decode()
    closed = client.get(url, {"access_level": "Unreleased"}).content.decode()
    found = client.get(url, {"q": "Beta"}).content.decode()
    by_dataset = client.get(url, {"origin": "Epoch AI: Data on AI models"}).content.decode()
    page = client.get(reverse("admin:claims_recordedact_change", args=[act.pk]))
    change = client.post(reverse("admin:claims_recordedact_change", args=[act.pk]), {})

    assert "Alpha-7B" in listed and "Beta" in listed and "Epoch AI: Data on AI models" in listed
    assert reverse("admin:catalog_aimodel_change", args=[act.ai_model_id]) in listed
    assert "Alpha-70B" in by_lab and "Beta" not in by_lab
    assert "Alpha-70B" in closed and "Alpha-7B<" not in closed
    assert "Beta" in found and "Alpha-70B" not in found
    assert "Beta" in by_dataset
    assert page.status_code == 200 and "Epoch AI, &#x27;Parameter" in page.content.decode()
    assert 'name="access_level"' not in page.content.decode()  # read-only
    assert change.status_code == 403
    assert RecordedAct.objects.get(pk=act.pk).access_level == "Open weights (non-commercial)"
    reader_client = Client()
    reader_client.force_login(reader)
    assert reader_client.get(url).status_code == 403
