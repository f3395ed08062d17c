"""The open statistics: /statistik/ and its downloads (/statistik/<table>.csv and .json)."""

from django.urls import path

from announcements.views import statistics

app_name = "statistics"

urlpatterns = [
    path("", statistics.statistics_page, name="page"),
    path("<slug:table>.csv", statistics.statistics_download, {"fmt": "csv"}, name="csv"),
    path("<slug:table>.json", statistics.statistics_download, {"fmt": "json"}, name="json"),
]
