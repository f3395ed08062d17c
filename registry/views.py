from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import agency_staff_required, scoped, user_agency
from registry.models import WorkerRecord


@agency_staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    agency = user_agency(request.user)
    counts = dict(
        scoped(request.user, WorkerRecord.objects.all())
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    statuses = [(value, label, counts.get(value, 0)) for value, label in WorkerRecord.Status.choices]
    return render(request, "registry/dashboard.html", {"agency": agency, "statuses": statuses})
