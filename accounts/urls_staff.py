"""Agency staff's account pages (`/instansi/akun/`): login, logout, password change and reset."""

from django.urls import path

from accounts.views import staff

app_name = "staff"

urlpatterns = [
    path("masuk/", staff.StaffLoginView.as_view(), name="login"),
    path("keluar/", staff.StaffLogoutView.as_view(), name="logout"),
    path("sandi/", staff.StaffPasswordChangeView.as_view(), name="password-change"),
    path("sandi/selesai/", staff.StaffPasswordChangeDoneView.as_view(), name="password-change-done"),
    path("lupa-sandi/", staff.StaffPasswordResetView.as_view(), name="password-reset"),
    path("lupa-sandi/terkirim/", staff.StaffPasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "lupa-sandi/<uidb64>/<token>/",
        staff.StaffPasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "lupa-sandi/selesai/", staff.StaffPasswordResetCompleteView.as_view(), name="password-reset-complete"
    ),
    path("pengguna/", staff.user_list, name="user-list"),
    path("pengguna/tambah/", staff.user_create, name="user-create"),
    path("pengguna/<int:pk>/aktif/", staff.user_toggle_active, name="user-toggle-active"),
    path("pengguna/<int:pk>/reset-sandi/", staff.user_reset_password, name="user-reset-password"),
    path(
        "pegawai/<int:pk>/buka-kunci-buat-akun/",
        staff.worker_identity_check_unlock,
        name="identity-check-unlock",
    ),
]
