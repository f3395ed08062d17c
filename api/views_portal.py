"""The agency portal's API pages: the agency admin's keys (create, revoke) and how to connect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import agency_staff_required, client_ip, get_for_agency, scoped, user_agency
from accounts.models import Role
from api.examples import examples
from api.forms import ApiKeyForm
from api.models import ApiKey
from api.services import api_key_create, api_key_revoke

ADMIN_ONLY = frozenset({Role.AGENCY_ADMIN})


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@agency_staff_required(roles=ADMIN_ONLY)
def key_list(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST or None)
    created = token = None
    if request.method == "POST" and form.is_valid():
        try:
            created, token = api_key_create(
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
                agency=user_agency(request.user),
                actor=request.user,
                ip=client_ip(request),
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form = ApiKeyForm()
    keys = scoped(request.user, ApiKey.objects.all())
    return render(
        request,
        "api/keys.html",
        {
            "form": form,
            "keys": keys,
            "created": created,
            "now": timezone.now(),
            # Shown on this answer only: the key keeps just its hash.
            "token": token,
            "examples": examples(base=_site(request), token=token) if token else None,
        },
    )


@require_POST
@agency_staff_required(roles=ADMIN_ONLY)
def key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    key = get_for_agency(request.user, ApiKey, pk=pk)
    api_key_revoke(key_id=key.pk, actor=request.user, ip=client_ip(request))
    messages.success(request, _("The key %(name)s was revoked; it no longer works.") % {"name": key.name})
    return redirect("api-keys:list")


@agency_staff_required
def connect(request: HttpRequest) -> HttpResponse:
    """How an HR system connects: the address, the key, curl and Python examples."""
    return render(
        request,
        "api/connect.html",
        {
            "examples": examples(base=_site(request), token="nasn_XXXXXXXXXX_your-secret"),
            "site": _site(request),
        },
    )
