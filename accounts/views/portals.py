"""Login pages never loop: an account of another portal sees who is logged in, with "Log out" and
a link to its own portal, instead of being sent back and forth between two pages."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.portals import portal_for


class PortalLoginMixin:
    """For a LoginView: `portal` names the portal the page logs into ("worker" or "agency")."""

    portal: str = ""
    portal_name = ""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            own = portal_for(user)
            if own is not None and own.key == self.portal:
                # A URL, never a view name: `next` is what the visitor typed ("?next=abc" was a 500).
                return HttpResponseRedirect(self.get_success_url())
            context = {
                "own_portal": own,
                "this_portal_name": self.portal_name,
                "login_url": request.path,
            }
            return render(request, "accounts/signed_in_elsewhere.html", context)
        return super().dispatch(request, *args, **kwargs)


WORKER_SITE = _("worker site")
AGENCY_PORTAL = _("agency portal")
