from django.urls import include, path

from . import archive_views, embed_views, revision_views, stance_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("labs/<slug:slug>/", views.lab, name="lab"),
    path("labs/<slug:slug>/why/", stance_views.lab_why, name="lab_why"),
    path("models/<slug:slug>/", views.model, name="model"),
    path("statements/<int:pk>/", views.statement, name="statement"),
    path("statements/<int:pk>/preview/", views.statement_preview, name="statement_preview"),
    path(
        "statements/<int:pk>/v/<int:history_id>/",
        revision_views.statement_revision,
        name="statement_revision",
    ),
    path("sources/<int:pk>/archive/", archive_views.source_archive, name="source_archive"),
    path("compare/", views.compare, name="compare"),
    path("search/", views.search, name="search"),
    path("about/", stance_views.about, name="about"),
    # What newsrooms embed: the only pages another site may frame (embed_views.py).
    path("embed/labs/<slug:slug>/", embed_views.lab_timeline, name="embed_lab"),
    path("embed/labs/<slug:slug>/badge.svg", embed_views.lab_badge, name="embed_lab_badge"),
    # The open-data pages of apps/exports, among the public pages (and their languages).
    path("data/", include("apps.exports.urls")),
]
