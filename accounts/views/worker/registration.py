"""Worker account: Buat Akun (step 1 identity check, step 2 account), login, logout, password reset."""

from __future__ import annotations

import time

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.access import client_ip, worker_record, worker_required
from accounts.backends import lockout_keys_for_user
from accounts.forms import WorkerLoginForm, WorkerPasswordResetForm
from accounts.forms_worker import AccountCreateForm, IdentityCheckForm
from accounts.services.registration import (
    AccountNotAllowed,
    Identity,
    Outcome,
    account_create,
    identity_check,
)
from accounts.views.portals import WORKER_SITE, PortalLoginMixin
from registry.models import Status, WorkerRecord

REGISTRATION_SESSION_KEY = "worker_registration"
REGISTRATION_TTL_SECONDS = 30 * 60


# --- Step 1 and step 2 -----------------------------------------------------------------------


@never_cache
def register(request: HttpRequest) -> HttpResponse:
    """Langkah 1: Pengecekan Identitas. Refused attempts say when to try again; nothing waits here."""
    form = IdentityCheckForm(request.POST or None)
    outcome = None
    retry_at = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        identity = Identity(
            nik=data["nik"],
            kk=data["kk"],
            full_name=data["full_name"],
            birth_place=data["birth_place"],
            birth_date=data["birth_date"],
            phone=data["phone"],
            email=data["email"],
        )
        result = identity_check(identity=identity, ip=client_ip(request))
        outcome = result.outcome.value
        if result.outcome == Outcome.MATCH:
            request.session[REGISTRATION_SESSION_KEY] = {
                "record_id": result.record.pk,
                "phone": identity.phone,
                "email": identity.email,
                "at": time.time(),
            }
            return redirect("worker:register-step2")
        if result.outcome == Outcome.RATE_LIMITED:
            retry_at = date_format(timezone.localtime(result.retry_at), "H:i:s, d-m-Y")
        form = IdentityCheckForm(initial={k: v for k, v in data.items() if k != "captcha"})
    return render(
        request,
        "accounts/register_step1.html",
        {"form": form, "outcome": outcome, "retry_at": retry_at},
    )


def _pending_registration(request: HttpRequest) -> tuple[WorkerRecord, dict] | None:
    pending = request.session.get(REGISTRATION_SESSION_KEY)
    if not pending or time.time() - pending.get("at", 0) > REGISTRATION_TTL_SECONDS:
        return None
    record = (
        WorkerRecord.objects.select_related("agency")
        .filter(pk=pending["record_id"], status=Status.REGISTERED)
        .first()
    )
    return (record, pending) if record else None


@never_cache
def register_step2(request: HttpRequest) -> HttpResponse:
    """Langkah 2: Lengkapi Data — password, KTP, passport photo."""
    pending = _pending_registration(request)
    if pending is None:
        messages.warning(request, _("Start with step 1: check your identity first."))
        return redirect("worker:register")
    record, data = pending
    form = AccountCreateForm(request.POST or None, request.FILES or None, record=record)
    if request.method == "POST" and form.is_valid():
        try:
            user = account_create(
                record_id=record.pk,
                password=form.cleaned_data["password1"],
                phone=data["phone"],
                email=data["email"],
                ktp=form.cleaned_data["ktp"],
                photo=form.cleaned_data["photo"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except AccountNotAllowed:
            request.session.pop(REGISTRATION_SESSION_KEY, None)
            messages.error(
                request,
                _("An account cannot be created for this record now. Log in if you already have one."),
            )
            return redirect("worker:login")
        else:
            request.session.pop(REGISTRATION_SESSION_KEY, None)
            login(request, user, backend="accounts.backends.LoginBackend")
            return redirect("worker:account-created")
    return render(request, "accounts/register_step2.html", {"form": form, "record": record})


@worker_required
def account_created(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account_created.html", {"record": worker_record(request.user)})


# --- Login, logout, password reset -----------------------------------------------------------


class WorkerLoginView(PortalLoginMixin, auth_views.LoginView):
    template_name = "accounts/worker_login.html"
    authentication_form = WorkerLoginForm
    next_page = reverse_lazy("worker:home")
    portal = "worker"
    portal_name = WORKER_SITE


class WorkerLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("worker:login")


class WorkerPasswordResetView(auth_views.PasswordResetView):
    """Sends links to worker accounts only; any other address gets the same answer and no e-mail."""

    template_name = "accounts/password_reset.html"
    form_class = WorkerPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("worker:password-reset-done")


class WorkerPasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class WorkerPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("worker:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # A new password chosen through the e-mailed link lifts the lockout (the lockout page says so).
        for key in lockout_keys_for_user(form.user):
            axes_reset(username=key)
        return response


class WorkerPasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
