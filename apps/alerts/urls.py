from django.urls import path

from . import feeds, views

app_name = "alerts"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("alerts/confirm/<str:token>/", views.confirm, name="confirm"),
    path("alerts/manage/<str:token>/", views.manage, name="manage"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("feeds/all.atom", feeds.AllEventsFeed(), name="feed_all"),
    path("feeds/labs/<slug:slug>.atom", feeds.LabEventsFeed(), name="feed_lab"),
    path("feeds/models/<slug:slug>.atom", feeds.ModelEventsFeed(), name="feed_model"),
]
