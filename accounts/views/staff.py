"""Agency portal sign-in and sign-out, passwords, and the agency admin's user management."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import agency_staff_required, client_ip, get_for_agency, scoped, user_agency
from accounts.forms import StaffLoginForm, StaffUserCreateForm
from accounts.models import AGENCY_ROLES, Role, User
from accounts.services.staff import staff_user_create, staff_user_send_password_reset, staff_user_set_active

ADMIN_ONLY = frozenset({Role.AGENCY_ADMIN})


class StaffLoginView(auth_views.LoginView):
    template_name = "accounts/staff_login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("registry:dashboard")


class StaffLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("staff:login")


@method_decorator(agency_staff_required, name="dispatch")
class StaffPasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/staff_password_change.html"
    success_url = reverse_lazy("staff:password-change-done")


@method_decorator(agency_staff_required, name="dispatch")
class StaffPasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/staff_password_change_done.html"


class StaffPasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/staff_password_reset.html"
    email_template_name = "accounts/staff_password_reset_email.txt"
    subject_template_name = "accounts/staff_password_reset_subject.txt"
    success_url = reverse_lazy("staff:password-reset-done")

    def form_valid(self, form):
        # Only agency staff get a link from the agency portal (workers reset on their own site).
        email = form.cleaned_data["email"]
        form.get_users = lambda _email: (
            u
            for u in User.objects.filter(email__iexact=email, is_active=True, role__in=AGENCY_ROLES)
            if u.has_usable_password()
        )
        return super().form_valid(form)


class StaffPasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/staff_password_reset_done.html"


class StaffPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/staff_password_reset_confirm.html"
    success_url = reverse_lazy("staff:password-reset-complete")


class StaffPasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/staff_password_reset_complete.html"


# --- The agency admin's user management ------------------------------------------------------


def _staff(user: User):
    return scoped(user, User.objects.filter(role__in=AGENCY_ROLES))


@agency_staff_required(roles=ADMIN_ONLY)
def user_list(request: HttpRequest) -> HttpResponse:
    users = _staff(request.user).order_by("-is_active", "role", "username")
    return render(request, "accounts/staff_users.html", {"users": users})


@agency_staff_required(write=True, roles=ADMIN_ONLY)
def user_create(request: HttpRequest) -> HttpResponse:
    form = StaffUserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            user = staff_user_create(
                agency=user_agency(request.user),
                username=c["username"],
                full_name=c["first_name"],
                email=c["email"],
                role=c["role"],
                password=c["password1"],
                actor=request.user,
                ip=client_ip(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("User %(name)s was added.") % {"name": user.username})
            return redirect("staff:user-list")
    return render(request, "accounts/staff_user_form.html", {"form": form})


@require_POST
@agency_staff_required(write=True, roles=ADMIN_ONLY)
def user_toggle_active(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_for_agency(request.user, User.objects.filter(role__in=AGENCY_ROLES), pk=pk)
    try:
        user = staff_user_set_active(
            agency=user_agency(request.user),
            user_id=target.pk,
            active=not target.is_active,
            actor=request.user,
            ip=client_ip(request),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("staff:user-list")
    if user.is_active:
        messages.success(request, _("%(name)s can log in again.") % {"name": user.username})
    else:
        messages.success(
            request, _("%(name)s was deactivated and can no longer log in.") % {"name": user.username}
        )
    return redirect("staff:user-list")


@require_POST
@agency_staff_required(write=True, roles=ADMIN_ONLY)
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_for_agency(request.user, User.objects.filter(role__in=AGENCY_ROLES), pk=pk)
    try:
        staff_user_send_password_reset(
            agency=user_agency(request.user),
            user_id=target.pk,
            actor=request.user,
            request=request,
            ip=client_ip(request),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("A link to choose a new password was sent to %(email)s.") % {"email": target.email}
        )
    return redirect("staff:user-list")
