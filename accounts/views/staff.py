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

from accounts.access import (
    agency_staff_required,
    client_ip,
    get_for_agency,
    get_record_for_agency,
    scoped,
    user_agency,
)
from accounts.forms import StaffLoginForm, StaffPasswordResetForm, StaffUserCreateForm
from accounts.models import AGENCY_ROLES, Role, User
from accounts.services.registration import identity_check_unlock
from accounts.services.staff import staff_user_create, staff_user_send_password_reset, staff_user_set_active
from accounts.views.portals import AGENCY_PORTAL, PortalLoginMixin

ADMIN_ONLY = frozenset({Role.AGENCY_ADMIN})


class StaffLoginView(PortalLoginMixin, auth_views.LoginView):
    template_name = "accounts/staff_login.html"
    authentication_form = StaffLoginForm
    next_page = reverse_lazy("registry:dashboard")
    portal = "agency"
    portal_name = AGENCY_PORTAL


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
    """Sends links to agency staff only (workers reset on their site, the national admin in /admin/)."""

    template_name = "accounts/staff_password_reset.html"
    form_class = StaffPasswordResetForm
    email_template_name = "accounts/staff_password_reset_email.txt"
    subject_template_name = "accounts/staff_password_reset_subject.txt"
    success_url = reverse_lazy("staff:password-reset-done")


class StaffPasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/staff_password_reset_done.html"


class StaffPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/staff_password_reset_confirm.html"
    success_url = reverse_lazy("staff:password-reset-complete")


class StaffPasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/staff_password_reset_complete.html"


# --- The agency admin's user management ------------------------------------------------------


def _staff(user: User):
    return scoped(user, User.objects.people().filter(role__in=AGENCY_ROLES))


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
    target = get_for_agency(request.user, User.objects.people().filter(role__in=AGENCY_ROLES), pk=pk)
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
    target = get_for_agency(request.user, User.objects.people().filter(role__in=AGENCY_ROLES), pk=pk)
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


# --- Helping a worker ------------------------------------------------------------------------


@require_POST
@agency_staff_required
def worker_identity_check_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """Helpdesk (and operators, admins) lift the lock someone put on their worker's "Buat Akun"."""
    record = get_record_for_agency(request.user, pk)
    try:
        cleared = identity_check_unlock(record_id=record.pk, actor=request.user, ip=client_ip(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("registry:worker-detail", pk=record.pk)
    if cleared:
        messages.success(
            request, _("The Create Account lock was lifted: the worker can check their identity again.")
        )
    else:
        messages.info(request, _("There was no Create Account lock on this worker's NIK."))
    return redirect("registry:worker-detail", pk=record.pk)
