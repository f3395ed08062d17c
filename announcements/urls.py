from django.urls import path

from announcements import views

app_name = "announcements"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.agency, name="agency"),
]
