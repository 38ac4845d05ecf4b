"""The admin base of every model with an audit trail: its history is to read, never to revert.

django-simple-history's version page (`<id>/history/<version>/`) saves the old copy as it was
when posted to, and checks only that the user may view the object. That would skip every rule
the services enforce (who may edit a published statement, that retracting is final, the stance
recompute and its alert events), so here the page only shows the old version, read-only, and
refuses any other method for everyone, superusers included. Settings alone are not enough:
SIMPLE_HISTORY_REVERT_DISABLED only hides the button.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin

READ_METHODS = ("GET", "HEAD")


class HistoryAdmin(SimpleHistoryAdmin):
    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method not in READ_METHODS:
            return HttpResponseNotAllowed(READ_METHODS)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def render_history_view(
        self, request: HttpRequest, template: str, context: dict[str, Any], **kwargs: Any
    ) -> HttpResponse:
        # The version page is built as an editable change form; show every field as text
        # instead, so that nothing on it looks as if it could be saved.
        adminform = context.get("adminform")
        if adminform is not None:
            fieldsets = list(adminform.fieldsets)
            context["adminform"] = helpers.AdminForm(
                adminform.form,
                fieldsets,
                {},
                readonly_fields=flatten_fieldsets(fieldsets),
                model_admin=self,
            )
        return super().render_history_view(request, template, context, **kwargs)
