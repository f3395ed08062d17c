"""Cek Status: NIK + KK number + captcha → name, agency and status, or "not found"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.access import client_ip
from announcements.forms import StatusCheckForm
from announcements.services.status import status_check


@never_cache
def status_check_page(request: HttpRequest) -> HttpResponse:
    form = StatusCheckForm(request.POST or None)
    context = {"form": form, "checked": False, "result": None, "retry_at": None}
    status = 200
    if request.method == "POST" and form.is_valid():
        outcome = status_check(
            nik=form.cleaned_data["nik"], kk=form.cleaned_data["kk"], ip=client_ip(request)
        )
        if outcome.limited:
            context["retry_at"] = timezone.localtime(outcome.retry_at)
            status = 429
        else:
            context.update(checked=True, result=outcome.found)
        form = StatusCheckForm()  # a fresh captcha and empty fields: the NIK is not echoed back
        context["form"] = form
    return render(request, "announcements/status_check.html", context, status=status)
