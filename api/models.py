"""API keys of the HR systems (SIMPEG) and of BKN, their per-minute use, and stored idempotent answers.

A key's secret is shown once and kept only as a SHA-256 hash (the secret is 256 random bits, so a
plain hash is as strong as a slow one and costs microseconds per request); its prefix finds the row.
Each key acts through a machine account of its own (accounts' User, no password, named
"via API key <name>"): the services record it as the actor, so every change made with a key shows
"via API key <name>" in the audit trail and the record's history, and the portal's access helpers
(scoped to the user's agency, read-only for helpdesk) apply to a key as they do to a person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class ApiAuditAction(models.TextChoices):
    KEY_CREATE = "api:key_create", _("API key created")
    KEY_REVOKE = "api:key_revoke", _("API key revoked")
    BASELINE_READ = "api:baseline_read", _("National baseline read through the API")


class ApiKeyQuerySet(models.QuerySet):
    def for_agency(self, agency) -> ApiKeyQuerySet:
        return self.filter(agency=agency)

    def national(self) -> ApiKeyQuerySet:
        return self.filter(agency__isnull=True)


class ApiKey(models.Model):
    PREFIX_LENGTH = 10

    name = models.CharField(_("name"), max_length=100)
    # None: a national read-only key (BKN), created by the national admin.
    agency = models.ForeignKey(
        "registry.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="api_keys"
    )
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_key")
    scope = models.CharField(_("scope"), max_length=5, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agency__isnull=False) | Q(scope="read"),
                name="apikey_national_read_only",
                violation_error_message=_("A national key can only read."),
            ),
            models.CheckConstraint(condition=Q(scope__in=["read", "write"]), name="apikey_scope_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_national(self) -> bool:
        return self.agency_id is None

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.WRITE and not self.is_national

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class ApiKeyMinute(models.Model):
    """Requests of one key in one minute, counted by one upsert (services.rate_limit_hit)."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "minute"], name="apikeyminute_one_per_minute")]

    def __str__(self) -> str:
        return f"{self.key_id} {self.minute:%Y-%m-%d %H:%M} {self.count}"


class IdempotentRequest(models.Model):
    """The answer given to a write sent with an Idempotency-Key: a retry gets it again, unchanged."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    idempotency_key = models.CharField(max_length=200)
    # What was asked (method, path, body): the same Idempotency-Key for another request is refused.
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "idempotency_key"], name="idempotent_one_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.key_id} {self.idempotency_key}"
