"""Worker sign-in, sign-out and home."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from accounts.access import worker_record, worker_required
from accounts.forms import WorkerLoginForm


class WorkerLoginView(auth_views.LoginView):
    template_name = "accounts/worker_login.html"
    authentication_form = WorkerLoginForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("worker:home")


class WorkerLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("worker:login")


def register(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_step1.html")


@worker_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/worker_home.html", {"record": worker_record(request.user)})
