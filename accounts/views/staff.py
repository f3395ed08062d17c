"""Agency portal sign-in and sign-out."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from accounts.forms import StaffLoginForm


class StaffLoginView(auth_views.LoginView):
    template_name = "accounts/staff_login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("registry:dashboard")


class StaffLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("staff:login")
