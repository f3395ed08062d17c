"""Users and their roles. Agency staff belong to exactly one agency; workers to one record."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", _("National admin (BKN)")
    AGENCY_ADMIN = "agency_admin", _("Agency admin")
    OPERATOR = "operator", _("Agency operator")
    HELPDESK = "helpdesk", _("Agency helpdesk")
    WORKER = "worker", _("Non-ASN worker")


AGENCY_ROLES = frozenset({Role.AGENCY_ADMIN, Role.OPERATOR, Role.HELPDESK})


class UserQuerySet(models.QuerySet):
    def for_agency(self, agency) -> UserQuerySet:
        return self.filter(agency=agency)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    Role = Role

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.WORKER)
    agency = models.ForeignKey(
        "registry.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    # A worker's account is tied to the record their agency registered (one account per record).
    worker_record = models.OneToOneField(
        "registry.WorkerRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account",
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=["agency_admin", "operator", "helpdesk"]) | Q(agency__isnull=False),
                name="user_agency_staff_have_agency",
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]),
                name="user_role_valid",
            ),
        ]

    @property
    def is_agency_staff(self) -> bool:
        return self.role in AGENCY_ROLES

    @property
    def is_national_admin(self) -> bool:
        return self.role == Role.NATIONAL_ADMIN or self.is_superuser

    @property
    def is_worker(self) -> bool:
        return self.role == Role.WORKER

    @property
    def can_write_agency_data(self) -> bool:
        """Helpdesk reads only; admins and operators write."""
        return self.role in (Role.AGENCY_ADMIN, Role.OPERATOR)


class IdentityCheckAttempt(models.Model):
    """One try at step 1 of self-registration, kept to slow down and refuse guessing.

    The NIK is stored only as a keyed hash: the plain number lives in the worker record alone.
    """

    ip = models.GenericIPAddressField(null=True, blank=True)
    nik_hash = models.CharField(max_length=64)
    succeeded = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("identity check attempt")
        verbose_name_plural = _("identity check attempts")
        indexes = [
            models.Index(fields=["ip", "created_at"], name="idcheck_ip_time"),
            models.Index(fields=["nik_hash", "created_at"], name="idcheck_nik_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.ip} {'ok' if self.succeeded else 'failed'}"


class StatusMail(models.Model):
    """The e-mail telling a worker of one status change, claimed once (issue: one e-mail per change).

    The change is the record's latest status audit row when the mail is sent: two transitions
    committed together (MS → submitted → TMS) have one latest row, and a re-delivered task finds its
    row already claimed. The unique constraint makes the claim a conditional insert.
    """

    record = models.ForeignKey(
        "registry.WorkerRecord", on_delete=models.CASCADE, related_name="+", verbose_name=_("worker record")
    )
    event = models.ForeignKey(
        "registry.AuditEvent", on_delete=models.CASCADE, related_name="+", verbose_name=_("status change")
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("status e-mail")
        verbose_name_plural = _("status e-mails")
        constraints = [models.UniqueConstraint(fields=["record", "event"], name="statusmail_once_per_change")]

    def __str__(self) -> str:
        return f"{self.record_id}: {self.event_id}"
