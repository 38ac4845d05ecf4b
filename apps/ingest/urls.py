from django.urls import path

from . import views

urlpatterns = [
    path("<path:name>", views.demo_feed_file, name="demo-feed-file"),
]
