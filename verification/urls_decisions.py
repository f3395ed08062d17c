"""The verification queue's URLs (`/instansi/verifikasi/`): the queue, a record, decisions."""

from django.urls import path

from verification.views import decisions

app_name = "verify"

urlpatterns = [
    path("", decisions.queue, name="queue"),
    path("ms-massal/", decisions.bulk_eligible, name="bulk-eligible"),
    path("<int:pk>/", decisions.record_detail, name="record"),
    path("<int:pk>/putuskan/", decisions.decide, name="decide"),
    path("<int:pk>/ubah-keputusan/", decisions.change, name="change"),
    path("<int:pk>/buka-kembali/", decisions.reopen, name="reopen"),
    path("<int:pk>/dokumen/<int:document_pk>/", decisions.document, name="document"),
]
