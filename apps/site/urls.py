from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("labs/<slug:slug>/", views.lab, name="lab"),
    path("models/<slug:slug>/", views.model, name="model"),
    path("statements/<int:pk>/", views.statement, name="statement"),
    path("compare/", views.compare, name="compare"),
    path("search/", views.search, name="search"),
    # The open-data pages of apps/exports, among the public pages (and their languages).
    path("data/", include("apps.exports.urls")),
]
