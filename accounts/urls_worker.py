from django.urls import path

from accounts.views import worker

app_name = "worker"

urlpatterns = [
    path("buat/", worker.register, name="register"),
    path("buat/langkah-2/", worker.register_step2, name="register-step2"),
    path("buat/selesai/", worker.account_created, name="account-created"),
    path("masuk/", worker.WorkerLoginView.as_view(), name="login"),
    path("keluar/", worker.WorkerLogoutView.as_view(), name="logout"),
    path("lupa-sandi/", worker.WorkerPasswordResetView.as_view(), name="password-reset"),
    path("lupa-sandi/terkirim/", worker.WorkerPasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "atur-sandi/<uidb64>/<token>/",
        worker.WorkerPasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "atur-sandi/selesai/",
        worker.WorkerPasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("", worker.home, name="home"),
    path("biodata/", worker.biodata, name="biodata"),
    path("riwayat-pekerjaan/", worker.history, name="history"),
    path("pendidikan/", worker.education, name="education"),
    path("dokumen/", worker.documents, name="documents"),
    path("dokumen/<int:pk>/", worker.document_file, name="document"),
    path("resume/", worker.resume, name="resume"),
    path("kirim/", worker.submit, name="submit"),
    path("kartu-akun.pdf", worker.account_card, name="account-card"),
    path("kartu-pendataan.pdf", worker.data_card, name="data-card"),
]
