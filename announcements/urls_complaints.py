"""The public complaint URLs (`/aduan/`): filing, reporting a missing worker, following a ticket.
The agency's side (answering) is announcements/urls_portal.py."""

from django.urls import path

from announcements.views import complaints

app_name = "complaints"

urlpatterns = [
    path("lacak/", complaints.track, name="track"),
    path("tiket/<str:ticket>/", complaints.ticket, name="ticket"),
    path("<str:code>/", complaints.file, name="file"),
    path("<str:code>/tidak-terdaftar/", complaints.report_missing, name="report-missing"),
]
