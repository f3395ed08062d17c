"""The agency portal's URLs (`/instansi/`): dashboard, workers, imports."""

from django.urls import path, re_path

from registry.views import contacts, dashboard, imports, workers

app_name = "registry"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("pegawai/", workers.worker_list, name="worker-list"),
    path("pegawai/tambah/", workers.worker_create, name="worker-create"),
    re_path(r"^pegawai/ekspor\.(?P<file_format>csv|xlsx)$", workers.worker_export, name="worker-export"),
    path("pegawai/<int:pk>/", workers.worker_detail, name="worker-detail"),
    path("pegawai/<int:pk>/ubah/", workers.worker_edit, name="worker-edit"),
    path("pegawai/<int:pk>/lepas/", workers.worker_release_view, name="worker-release"),
    path("kontak/", contacts.contact_edit, name="contact-edit"),
    path("impor/", imports.import_list, name="import-list"),
    path("impor/unggah/", imports.import_upload, name="import-upload"),
    path("impor/template.xlsx", imports.import_template_download, name="import-template"),
    path("impor/<int:pk>/", imports.import_detail, name="import-detail"),
    path("impor/<int:pk>/progres/", imports.import_progress, name="import-progress"),
    path("impor/<int:pk>/jalankan-lagi/", imports.import_rerun_view, name="import-rerun"),
    path("impor/<int:pk>/ditolak.xlsx", imports.import_refused_download, name="import-refused"),
]
