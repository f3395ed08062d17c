"""Users and their roles. Agency staff belong to exactly one agency; workers to one record."""

from __future__ import annotations

import functools

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as BaseUserManager
from django.db import connections, models, router
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nonasn import rows


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", _("National admin (BKN)")
    AGENCY_ADMIN = "agency_admin", _("Agency admin")
    OPERATOR = "operator", _("Agency operator")
    HELPDESK = "helpdesk", _("Agency helpdesk")
    WORKER = "worker", _("Non-ASN worker")


AGENCY_ROLES = frozenset({Role.AGENCY_ADMIN, Role.OPERATOR, Role.HELPDESK})
# Machine accounts (an API key acts through one, api/models.py) are named "apikey:<prefix>"; a
# person's user name cannot hold ":" (Django's username validator), so the name tells them apart.
MACHINE_USERNAME_PREFIX = "apikey:"


class UserQuerySet(models.QuerySet):
    def for_agency(self, agency) -> UserQuerySet:
        return self.filter(agency=agency)

    def people(self) -> UserQuerySet:
        """Accounts of persons: without the API keys' machine accounts."""
        return self.exclude(username__startswith=MACHINE_USERNAME_PREFIX)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    def session_user(self, user_id) -> User | None:
        """The user of a session with `agency` loaded: `select_related("agency").get(pk=…)` in one
        query written once per process (building that query anew on every request was a third of a
        logged-in request's fixed cost; nonasn.rows says why). None if unknown or garbled."""
        from registry.models import Agency

        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        model = self.model
        using = router.db_for_read(model)
        with connections[using].cursor() as cursor:
            cursor.execute(_session_user_sql(), [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        split = rows.width(model)
        user = rows.instance(model, using, row[:split])
        agency = rows.instance(Agency, using, row[split:]) if row[split] is not None else None
        model._meta.get_field("agency").set_cached_value(user, agency)
        return user


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


class DeadlineReminder(models.Model):
    """A reminder e-mail before the agency's input deadline, claimed once per record and threshold
    (days before): the unique constraint makes a second run of the task, or two at once, send none."""

    record = models.ForeignKey(
        "registry.WorkerRecord", on_delete=models.CASCADE, related_name="+", verbose_name=_("record")
    )
    days_before = models.PositiveSmallIntegerField(_("days before the deadline"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(fields=["record", "days_before"], name="reminder_once_per_record_and_day")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} ({self.days_before})"


@functools.cache
def _session_user_sql() -> str:
    from registry.models import Agency

    agency_fk = User._meta.get_field("agency").column
    return (
        f"SELECT {rows.columns(User, 'u')}, {rows.columns(Agency, 'a')} "  # noqa: S608 - names only
        f'FROM "{User._meta.db_table}" u LEFT JOIN "{Agency._meta.db_table}" a '
        f'ON a."{Agency._meta.pk.column}" = u."{agency_fk}" WHERE u."{User._meta.pk.column}" = %s'
    )


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
