"""Tries at the public status check ("Cek Status"), kept to refuse guessing per address and per NIK."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StatusCheckAttempt(models.Model):
    """One status check, found or not (both count the same). The NIK is kept only as a keyed hash."""

    id = models.BigAutoField(primary_key=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    nik_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("status check")
        verbose_name_plural = _("status checks")
        indexes = [
            models.Index(fields=["ip", "created_at"], name="statuscheck_ip_time"),
            models.Index(fields=["nik_hash", "created_at"], name="statuscheck_nik_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.ip}"
