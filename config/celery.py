import os
import warnings
from contextvars import Token
from typing import Any

from celery import Celery
from celery.exceptions import SecurityWarning
from celery.signals import before_task_publish, task_postrun, task_prerun

from apps.lib.request_id import (
    TASK_HEADER,
    request_id_clean,
    request_id_current,
    request_id_reset,
    request_id_set,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

#: Set by `manage.py runlocal` when the first run is started as root (a container, a fresh VM):
#: runlocal says so in one line of its own, in place of Celery's seven-line warning addressed
#: to production workers, which run as a user of their own (Dockerfile: USER aperture).
LOCAL_RUN_AS_ROOT_ENV = "APERTURE_LOCAL_RUN_AS_ROOT"
if os.environ.get(LOCAL_RUN_AS_ROOT_ENV) == "1":
    warnings.filterwarnings("ignore", category=SecurityWarning, message="You're running the worker")

app = Celery("aperture")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Request ids cross into the worker: the publishing side (a web request, or a task that enqueues
# another) puts its id in the message headers, and the worker makes it current while the task
# runs, so the task's log lines read together with the request's (apps/lib/request_id.py).
_request_id_tokens: dict[str, Token[str | None]] = {}


@before_task_publish.connect
def _request_id_publish(headers: dict[str, Any] | None = None, **_: Any) -> None:
    request_id = request_id_current()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


@task_prerun.connect
def _request_id_enter(task_id: str = "", task: Any = None, **_: Any) -> None:
    request_id = request_id_clean(getattr(getattr(task, "request", None), TASK_HEADER, None))
    _request_id_tokens[task_id] = request_id_set(request_id)


@task_postrun.connect
def _request_id_leave(task_id: str = "", **_: Any) -> None:
    token = _request_id_tokens.pop(task_id, None)
    if token is None:
        return
    try:
        request_id_reset(token)
    except ValueError:  # a pool that ran the task in another context: clear it instead
        request_id_set(None)
