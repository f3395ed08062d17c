from django.urls import path

from accounts.views import worker

app_name = "worker"

urlpatterns = [
    path("buat/", worker.register, name="register"),
    path("masuk/", worker.WorkerLoginView.as_view(), name="login"),
    path("keluar/", worker.WorkerLogoutView.as_view(), name="logout"),
    path("", worker.home, name="home"),
]
