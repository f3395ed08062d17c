"""An agency's phase pages (`/instansi/fase/`): prefinalisation, finalisation and the SPTJM."""

from django.urls import path

from verification.views import phases

app_name = "phases"

urlpatterns = [
    path("", phases.overview, name="overview"),
    path("prafinalisasi/", phases.prefinalise, name="prefinalise"),
    path("finalisasi/", phases.finalise, name="finalise"),
    path("sptjm/buat/", phases.sptjm_generate, name="sptjm-generate"),
    path("sptjm/unggah/", phases.sptjm_upload, name="sptjm-upload"),
    path("sptjm/<int:pk>/progres/", phases.sptjm_progress, name="sptjm-progress"),
    path("sptjm/<int:pk>/unduh/", phases.sptjm_download, name="sptjm-download"),
    path("sptjm/ditandatangani/<int:pk>/", phases.signed_download, name="signed-download"),
]
