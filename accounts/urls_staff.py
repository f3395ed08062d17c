from django.urls import path

from accounts.views import staff

app_name = "staff"

urlpatterns = [
    path("masuk/", staff.StaffLoginView.as_view(), name="login"),
    path("keluar/", staff.StaffLogoutView.as_view(), name="logout"),
]
