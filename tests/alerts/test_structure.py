"""How the alerts are put together: services publish tasks by name, tasks call services."""

from __future__ import annotations

import ast
from pathlib import Path

from apps.alerts import services, tasks
from apps.alerts.services import AlertTask
from config.celery import app as celery_app

SERVICES = Path(services.__file__).parent


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports spelt with their leading dots."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            names.add(base)
            names.update(f"{base}.{alias.name}".replace("..", ".", 1) for alias in node.names)
    return names


def test_no_service_module_imports_the_tasks_that_call_it() -> None:
    modules = sorted(SERVICES.glob("*.py"))
    assert len(modules) > 5
    for module in modules:
        imported = imported_modules(module)
        assert not {
            name for name in imported if name.endswith(".tasks") or name == "apps.alerts.tasks"
        }, f"{module.name} imports the tasks module"


def test_every_task_name_the_services_publish_is_a_registered_task() -> None:
    assert tasks.event_fan_out.name == AlertTask.EVENT_FAN_OUT
    for name in AlertTask:
        assert name.value in celery_app.tasks, name
