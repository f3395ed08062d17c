"""The worker's pages (`/akun/`): account creation, login, the data sections, documents and cards."""

from django.urls import path

from accounts.views import documents
from accounts.views.worker import cards, registration, sections

app_name = "worker"

urlpatterns = [
    path("buat/", registration.register, name="register"),
    path("buat/langkah-2/", registration.register_step2, name="register-step2"),
    path("buat/selesai/", registration.account_created, name="account-created"),
    path("masuk/", registration.WorkerLoginView.as_view(), name="login"),
    path("keluar/", registration.WorkerLogoutView.as_view(), name="logout"),
    path("lupa-sandi/", registration.WorkerPasswordResetView.as_view(), name="password-reset"),
    path(
        "lupa-sandi/terkirim/",
        registration.WorkerPasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "atur-sandi/<uidb64>/<token>/",
        registration.WorkerPasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "atur-sandi/selesai/",
        registration.WorkerPasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("", sections.home, name="home"),
    path("biodata/", sections.biodata, name="biodata"),
    path("riwayat-pekerjaan/", sections.history, name="history"),
    path("pendidikan/", sections.education, name="education"),
    path("dokumen/", sections.documents, name="documents"),
    # Staff open it from a record too: access is checked per document (accounts.access).
    path("dokumen/<int:pk>/", documents.document_file, name="document"),
    path("resume/", sections.resume, name="resume"),
    path("kirim/", sections.submit, name="submit"),
    path("kartu-akun.pdf", cards.account_card, name="account-card"),
    path("kartu-pendataan.pdf", cards.data_card, name="data-card"),
]
