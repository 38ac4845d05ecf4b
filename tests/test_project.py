"""The project as a newcomer and an operator meet it: seed data, deploy checks, compose file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from tests.support.shared import shared_path

ROOT = Path(__file__).resolve().parents[1]


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"catalog", "claims"}
    }


@pytest.mark.slow
@pytest.mark.django_db
def test_the_seed_tells_the_meta_story_and_running_it_twice_changes_nothing() -> None:
    from apps.claims.models import StanceChange, Statement

    call_command("seed", verbosity=0)
    first = _row_counts()
    call_command("seed", verbosity=0)
    assert _row_counts() == first

    meta = [
        (c.old_stance, c.new_stance, c.date.isoformat(), c.rating)
        for c in StanceChange.objects.current().filter(company__slug="meta").order_by("date")
    ]
    assert meta == [
        ("", "open", "2024-07-23", "no_shift"),
        ("open", "leaning_open", "2025-07-14", "partial"),
    ]
    report = Statement.objects.get(import_key="meta-2025-nyt-closed-report")
    assert report.kind == "unnamed_report" and report.verification == "reported"
    assert {c.source.publisher.name for c in report.citations.all()} == {  # type: ignore[union-attr]
        "The New York Times",
        "TechCrunch",
        "GIGAZINE",
    }
    reply = Statement.objects.get(import_key="meta-2025-spokesperson-reply")
    assert reply.links_out.get().to_statement == report
    assert reply.quote_language == "en" and reply.translation_language == "ja"
    labs = {"openai", "anthropic", "google-deepmind", "xai", "deepseek", "moonshot-ai"}
    published = set(
        Statement.objects.published().values_list("company__slug", flat=True).distinct()
    )
    assert labs <= published


@pytest.mark.slow
@pytest.mark.django_db
def test_the_seed_has_behemoth_with_two_trillion_parameters_and_its_status_history() -> None:
    from apps.catalog.models import AIModel

    call_command("seed", verbosity=0)
    behemoth = AIModel.objects.get(slug="llama-4-behemoth")
    assert behemoth.parameter_count == 2_000_000_000_000
    assert [s.status for s in behemoth.status_history.order_by("date")] == [
        "training",
        "delayed",
        "cancelled",
    ]
    assert behemoth.status_history.get(status="cancelled").is_reported


@pytest.mark.django_db
def test_the_health_check_answers_with_the_database() -> None:
    response = Client().get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")


@pytest.mark.process
def test_production_settings_pass_the_deploy_check_with_no_warnings(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_PRODUCTION": "1",
        "DJANGO_SECRET_KEY": "x7" * 40 + "-production-like-key-for-the-deploy-check",
        "DJANGO_ALLOWED_HOSTS": "aperture.example",
        "APERTURE_VAR_DIR": str(tmp_path),
        # Production requires both. The deploy check reads PostgreSQL's version (the system
        # check of a generated column, Statement.search_text) and leaves Redis alone.
        "DATABASE_URL": os.environ.get("DATABASE_URL")
        or "postgres://aperture@127.0.0.1:5432/aperture",
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.process
def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update(
        DJANGO_PRODUCTION="1", DJANGO_ALLOWED_HOSTS="a.example", APERTURE_VAR_DIR=str(tmp_path)
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


WORKERS = ("worker-ingest", "worker-alerts", "worker-datasets", "worker-maintenance")


def test_docker_compose_is_valid_and_runs_one_image_with_health_checks() -> None:
    schema = shared_path("schemas", "compose-spec.json")
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    jsonschema.Draft7Validator(json.loads(schema.read_text())).validate(compose)
    services = compose["services"]
    app_services = ("web", *WORKERS, "beat")
    assert {"postgres", "redis", *app_services} <= set(services)
    assert {services[name]["image"] for name in app_services} == {"aperture:latest"}
    for name in ("postgres", "redis", *app_services):
        assert services[name]["healthcheck"]["test"], name


def _option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_docker_compose_runs_one_worker_per_queue_and_every_queue_has_one() -> None:
    from django.conf import settings

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    consumed: dict[str, str] = {}
    for name in WORKERS:
        command = services[name]["command"]
        assert command[:4] == ["celery", "-A", "config", "worker"], name
        queues = _option(command, "--queues").split(",")
        assert queues[0] == name.removeprefix("worker-"), "each service is named for its queue"
        node = _option(command, "--hostname").split("@")[0]
        # The healthcheck proves consumption (apps/site/liveness.py), and stops a stale worker
        # for the restart policy to start again.
        check = services[name]["healthcheck"]["test"][-1]
        assert f"workerlive --worker {node}@$$HOSTNAME" in check, name
        assert check.endswith("|| kill -TERM 1") and services[name]["restart"] == "unless-stopped"
        for queue in queues:
            assert queue not in consumed, f"{queue} is consumed by {consumed.get(queue)} too"
            consumed[queue] = name
    assert set(consumed) == set(settings.TASK_QUEUE_NAMES)
    assert consumed[settings.CELERY_TASK_DEFAULT_QUEUE] == "worker-maintenance"


@pytest.mark.slow
@pytest.mark.django_db
def test_the_seed_runs_again_after_an_editor_retracts_a_seeded_statement() -> None:
    from apps.claims import services
    from apps.claims.models import Statement

    call_command("seed", verbosity=0)
    report = Statement.objects.get(import_key="meta-2025-nyt-closed-report")
    services.statement_retract(statement=report, user=None, reason="Test retraction.")
    call_command("seed", verbosity=0)
    report.refresh_from_db()
    assert report.state == "retracted"
