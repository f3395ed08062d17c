from __future__ import annotations

from django.http import Http404

from registry.models import Period


def active_period() -> Period:
    period = Period.objects.active()
    if period is None:
        raise Http404("No active period")
    return period
