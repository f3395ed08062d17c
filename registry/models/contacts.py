"""Where a worker or the public asks an agency: its contact details, kept by the agency admin."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models.agencies import Agency


class AgencyContactQuerySet(models.QuerySet):
    def for_agency(self, agency: Agency) -> AgencyContactQuerySet:
        return self.filter(agency=agency)


class AgencyContact(models.Model):
    """One agency's contact for workers and the public (shown on the help, refusal, home and list
    pages). Public on purpose: it holds an office's details, never a person's private ones."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="contact")
    unit = models.CharField(_("unit in charge"), max_length=200, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    whatsapp = models.CharField(_("WhatsApp"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(_("address"), max_length=500, blank=True)
    service_hours = models.CharField(_("service hours"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    objects = AgencyContactQuerySet.as_manager()

    FIELDS = ("unit", "phone", "whatsapp", "email", "address", "service_hours")

    class Meta:
        verbose_name = _("agency contact")
        verbose_name_plural = _("agency contacts")

    def __str__(self) -> str:
        return str(self.agency)

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in self.FIELDS)

    @property
    def whatsapp_link(self) -> str:
        """A wa.me link: digits only, a leading 0 read as Indonesia's 62."""
        digits = "".join(ch for ch in self.whatsapp if ch.isdigit())
        if digits.startswith("0"):
            digits = "62" + digits[1:]
        return f"https://wa.me/{digits}" if digits else ""
