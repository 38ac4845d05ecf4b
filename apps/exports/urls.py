"""The open-data pages, included by apps/site/urls.py with the other public pages (so under
/ja/ too); the files' own route is language-neutral, in config/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.data, name="data"),
    path("dictionary/", views.dictionary, name="data_dictionary"),
]
