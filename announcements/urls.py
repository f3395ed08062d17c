"""The public site under /pengumuman/ (card verification keeps its old address: urls_cards.py)."""

from django.urls import path

from announcements.views import lists, status

app_name = "announcements"

# The list pages: /pengumuman/<agency code>/<uji-publik|final>/[v<version>/]...
urlpatterns = [
    path("", lists.index, name="index"),
    path("cek-status/", status.status_check_page, name="status-check"),
    path("<str:code>/", lists.agency, name="agency"),
    path("<str:code>/<slug:slug>/", lists.announcement, name="announcement"),
    path("<str:code>/<slug:slug>/daftar/", lists.current_list, name="list"),
    path("<str:code>/<slug:slug>/v<int:version>/", lists.announcement, name="version"),
    path("<str:code>/<slug:slug>/v<int:version>/daftar/", lists.snapshot_list, name="version-list"),
    path("<str:code>/<slug:slug>/v<int:version>/perubahan/", lists.changes, name="changes"),
    path("<str:code>/<slug:slug>/v<int:version>/daftar.csv", lists.download_csv, name="csv"),
    path("<str:code>/<slug:slug>/v<int:version>/daftar.pdf", lists.download_pdf, name="pdf"),
]
