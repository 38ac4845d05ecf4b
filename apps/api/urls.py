"""/api/: version 1, and a JSON 404 for any other address under it."""

from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path

from .api import api
from .errors import ApiError, error_response


def not_found(request: HttpRequest) -> HttpResponse:
    return error_response(ApiError(404, "not_found", "No such address in the API."))


urlpatterns = [
    path("v1/", api.urls),
    re_path(r"", not_found, name="api_not_found"),
]
