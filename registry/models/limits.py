"""Rate-limit hits: one row per counted attempt, for every limit of the site (registry/limits.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LimitHit(models.Model):
    """One attempt counted against one limit: `scope` names the limit ("status-check:nik"), `key` what
    it counts by (a keyed hash of a NIK, an address or an IPv6 /64, never a plain NIK)."""

    scope = models.CharField(_("limit"), max_length=40)
    key = models.CharField(_("counted by"), max_length=200)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("counted attempt")
        verbose_name_plural = _("counted attempts")
        indexes = [
            # Every read and prune is "this limit's key within its window".
            models.Index(fields=["scope", "key", "at"], name="limithit_scope_key_at"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:12]} {self.at:%Y-%m-%d %H:%M:%S}"
