"""The agency admin keeps the agency's contact details (shown to workers and the public)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.access import AGENCY_ADMIN_ONLY, agency_staff_required, client_ip, user_agency
from registry.forms import AgencyContactForm
from registry.models import AgencyContact
from registry.services.contacts import contact_save


@agency_staff_required(write=True, roles=AGENCY_ADMIN_ONLY)
def contact_edit(request: HttpRequest) -> HttpResponse:
    agency = user_agency(request.user)
    contact = AgencyContact.objects.filter(agency=agency).first()
    initial = {name: getattr(contact, name) for name in AgencyContact.FIELDS} if contact else {}
    form = AgencyContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        contact_save(agency=agency, data=form.cleaned_data, actor=request.user, ip=client_ip(request))
        messages.success(request, _("The contact details are saved; workers and the public see them now."))
        return redirect("registry:contact-edit")
    return render(request, "registry/contact_form.html", {"form": form, "agency": agency, "contact": contact})
