"""The national desk's URLs (`/nasional/`): every agency, exports, and the moves only BKN makes."""

from django.urls import path, re_path

from verification.views import national

app_name = "national"

urlpatterns = [
    path("", national.desk, name="desk"),
    re_path(r"^ekspor\.(?P<file_format>csv|xlsx)$", national.export, name="export"),
    path("instansi/<int:pk>/", national.agency, name="agency"),
    path("instansi/<int:pk>/buka-kembali/", national.reopen, name="reopen"),
    path("instansi/<int:pk>/perpanjang/", national.extend, name="extend"),
    path("instansi/<int:pk>/sptjm/", national.sptjm_replace, name="sptjm-replace"),
    path("instansi/<int:pk>/sptjm/<int:sptjm_pk>/", national.sptjm_download, name="sptjm-download"),
    path(
        "instansi/<int:pk>/sptjm-ditandatangani/<int:signed_pk>/",
        national.signed_download,
        name="signed-download",
    ),
]
