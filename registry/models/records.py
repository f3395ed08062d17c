"""Worker records: the states, the transition table, eligibility flags and work history."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Cast, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models.agencies import Agency, Period, WorkUnit
from registry.validators import mask_number

if TYPE_CHECKING:
    from registry.models.audit import AuditEvent


class InvalidTransition(ValidationError):
    """A status change that the transition table does not allow (a translated message views can show)."""

    def __init__(self, current: str, target: str):
        self.current, self.target = current, target
        super().__init__(
            _("A record with status %(current)s cannot be moved to %(target)s.")
            % {"current": Status(current).label, "target": Status(target).label},
            code="invalid_transition",
        )


class ReasonRequired(ValidationError):
    """A status change that must say why was asked without a reason."""

    def __init__(self, current: str, target: str):
        self.current, self.target = current, target
        super().__init__(
            {"reason": [_("Say why the record is moved to %(target)s.") % {"target": Status(target).label}]},
        )


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered by agency")
    ACCOUNT_CREATED = "account_created", _("Account created")
    SUBMITTED = "submitted", _("Submitted")
    ELIGIBLE = "eligible", _("Eligible (MS)")
    INELIGIBLE = "ineligible", _("Ineligible (TMS)")
    NEEDS_REVISION = "needs_revision", _("Needs revision")
    NOT_COMPLETED = "not_completed", _("Not completed")
    RELEASED = "released", _("Released")


# The one transition table (DESIGN.md "A worker record and its states").
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REGISTERED: frozenset({Status.ACCOUNT_CREATED, Status.NOT_COMPLETED, Status.RELEASED}),
    Status.ACCOUNT_CREATED: frozenset({Status.SUBMITTED, Status.NOT_COMPLETED, Status.RELEASED}),
    Status.SUBMITTED: frozenset({Status.ELIGIBLE, Status.INELIGIBLE, Status.NEEDS_REVISION, Status.RELEASED}),
    Status.NEEDS_REVISION: frozenset({Status.SUBMITTED, Status.NOT_COMPLETED, Status.RELEASED}),
    Status.ELIGIBLE: frozenset({Status.SUBMITTED}),
    Status.INELIGIBLE: frozenset({Status.SUBMITTED}),
    # Only a national reopening moves it back: to the status it had before finalisation.
    Status.NOT_COMPLETED: frozenset({Status.REGISTERED, Status.ACCOUNT_CREATED, Status.NEEDS_REVISION}),
    Status.RELEASED: frozenset(),
}
# Moves that must say why.
REASON_REQUIRED: frozenset[tuple[str, str]] = frozenset(
    {
        (Status.SUBMITTED, Status.INELIGIBLE),
        (Status.SUBMITTED, Status.NEEDS_REVISION),
        (Status.ELIGIBLE, Status.SUBMITTED),
        (Status.INELIGIBLE, Status.SUBMITTED),
    }
    | {(s, Status.RELEASED) for s in Status}
)
DECIDED = frozenset({Status.ELIGIBLE, Status.INELIGIBLE})
# States only reached after the worker created an account (step 2 moves registered -> account_created).
WITH_ACCOUNT = frozenset(
    {Status.ACCOUNT_CREATED, Status.SUBMITTED, Status.NEEDS_REVISION, Status.ELIGIBLE, Status.INELIGIBLE}
)


class Category(models.TextChoices):
    THK2 = "thk2", _("THK-II")
    NON_ASN = "non_asn", _("Non-ASN")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class PaySource(models.TextChoices):
    APBN = "APBN", "APBN"
    APBD = "APBD", "APBD"
    OTHER = "OTHER", _("Other (not APBN/APBD)")


class EducationLevel(models.TextChoices):
    SD = "SD", "SD"
    SMP = "SMP", "SMP"
    SMA = "SMA", _("SMA/SMK")
    D1 = "D1", "D-I"
    D2 = "D2", "D-II"
    D3 = "D3", "D-III"
    D4 = "D4", "D-IV"
    S1 = "S1", "S-1"
    S2 = "S2", "S-2"
    S3 = "S3", "S-3"


class Flag(models.TextChoices):
    """Eligibility findings: stored on the record, shown in red, the operator decides."""

    AGE = "age", _("Age outside the allowed range on the cut-off date")
    SERVICE = "service", _("Service shorter than the minimum by the cut-off date")
    SK_AFTER_CUTOFF = "sk_after_cutoff", _("Appointment decree dated after the cut-off date")
    PAY_SOURCE = "pay_source", _("Pay not from APBN/APBD")
    EXCLUDED_POSITION = "excluded_position", _("Job title outside the data collection")
    BLU_UNIT = "blu_unit", _("BLU/BLUD work unit")
    POSSIBLE_DUPLICATE = "possible_duplicate", _("Possible duplicate (same name and birth date, other NIK)")


def agency_key(agency: Agency | int) -> Cast:
    """An agency's id typed bigint, as the column is.

    A plain Python int reaches PostgreSQL as an integer, and `bigint = integer` is an operator the
    btree_gin part of the agency-first trigram indexes (record_agency_search_trgm,
    record_agency_nik_trgm) does not have: the index would then answer the search words alone, read
    across the whole country, and the agency would only be checked afterwards.
    """
    return Cast(Value(getattr(agency, "pk", agency)), models.BigIntegerField())


class WorkerRecordQuerySet(models.QuerySet):
    def for_agency(self, agency: Agency) -> WorkerRecordQuerySet:
        return self.filter(agency_id=agency_key(agency))

    def active(self) -> WorkerRecordQuerySet:
        return self.exclude(status=Status.RELEASED)

    def awaiting_decision(self) -> WorkerRecordQuerySet:
        return self.filter(status=Status.SUBMITTED)

    def flagged(self, flag: str | None = None) -> WorkerRecordQuerySet:
        if flag:
            return self.filter(flags__contains=[flag])
        return self.exclude(flags=[])


def _new_card_token() -> str:
    return secrets.token_urlsafe(24)


class WorkerRecord(models.Model):
    Status = Status
    Category = Category
    Sex = Sex
    PaySource = PaySource
    EducationLevel = EducationLevel
    Flag = Flag

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="records")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="records")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    registration_number = models.CharField(_("registration number"), max_length=20, unique=True)
    card_token = models.CharField(max_length=64, unique=True, default=_new_card_token, editable=False)

    # Identity (set by the agency; the worker must match it at step 1 and cannot change it).
    nik = models.CharField(_("NIK"), max_length=16)
    kk = models.CharField(_("KK number"), max_length=16)
    full_name = models.CharField(_("full name"), max_length=150)
    # The name lower-cased by PostgreSQL itself (kept by the database on every write, no write path
    # fills it): a name search compares it with `LIKE` (~0.1 µs a row) where `ILIKE` on full_name
    # lower-cases every name it reads (~0.7 µs), and its indexes hold it (registry.listing).
    search_name = models.GeneratedField(
        expression=Lower("full_name"),
        output_field=models.CharField(max_length=150),
        db_persist=True,
        verbose_name=_("name for searching"),
    )
    birth_place = models.CharField(_("place of birth"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)

    # Category and appointment.
    category = models.CharField(
        _("category"), max_length=10, choices=Category.choices, default=Category.NON_ASN
    )
    thk2_number = models.CharField(_("THK-II participant number"), max_length=30, blank=True)
    position = models.CharField(_("position (as paid)"), max_length=150)
    asn_position = models.CharField(_("ASN position"), max_length=150, blank=True)
    work_unit = models.ForeignKey(
        WorkUnit, on_delete=models.PROTECT, related_name="records", null=True, blank=True
    )
    pay_source = models.CharField(
        _("pay source"), max_length=5, choices=PaySource.choices, default=PaySource.APBD
    )
    sk_number = models.CharField(_("decree (SK) number"), max_length=100, blank=True)
    sk_date = models.DateField(_("decree (SK) date"), null=True, blank=True)
    sk_signer_position = models.CharField(_("SK signer's position"), max_length=150, blank=True)
    start_date = models.DateField(_("start date (TMT)"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    monthly_pay = models.PositiveIntegerField(_("monthly pay (Rp)"), null=True, blank=True)

    # Education.
    education_level = models.CharField(
        _("last education level"), max_length=3, choices=EducationLevel.choices, blank=True
    )
    education_institution = models.CharField(_("institution"), max_length=200, blank=True)
    education_major = models.CharField(_("major"), max_length=150, blank=True)
    diploma_number = models.CharField(_("diploma number"), max_length=100, blank=True)
    graduation_date = models.DateField(_("graduation date"), null=True, blank=True)

    # Contact.
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    email = models.EmailField(_("personal e-mail"), blank=True)
    address = models.TextField(_("domicile address"), blank=True)

    # Eligibility findings and workflow notes.
    flags = ArrayField(models.CharField(max_length=20, choices=Flag.choices), default=list, blank=True)
    revision_note = models.TextField(_("note to worker"), blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)
    release_reason = models.TextField(_("release reason"), blank=True)

    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkerRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("worker record")
        verbose_name_plural = _("worker records")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "nik"],
                condition=~Q(status="released"),
                name="record_one_active_nik_per_period",
                violation_error_message=_("This NIK is already registered in this period."),
            ),
            models.CheckConstraint(
                condition=Q(nik__regex=r"^[0-9]{16}$"),
                name="record_nik_16_digits",
                violation_error_message=_("NIK must be exactly 16 digits."),
            ),
            models.CheckConstraint(
                condition=Q(kk__regex=r"^[0-9]{16}$"),
                name="record_kk_16_digits",
                violation_error_message=_("KK number must be exactly 16 digits."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]),
                name="record_status_valid",
                violation_error_message=_("The record's status is not valid."),
            ),
            models.CheckConstraint(
                condition=Q(sex__in=["M", "F"]),
                name="record_sex_valid",
                violation_error_message=_("Choose the sex as on the KTP."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="record_end_after_start",
                violation_error_message=_("The end date is before the start date."),
            ),
        ]
        indexes = [
            # Lists and dashboard counts filter by agency, period and status: counted from the index
            # alone; with full_name and id after them, a status-filtered list (the verification queue)
            # is read in name order from this index too, and further filters (flags) only skip rows.
            models.Index(
                fields=["agency", "period", "status", "full_name", "id"], name="record_agency_status_name"
            ),
            # The verification queue: an agency's submitted records, oldest submission first.
            models.Index(
                fields=["agency", "period", "status", "submitted_at", "id"], name="record_agency_status_subm"
            ),
            models.Index(fields=["agency", "full_name", "id"], name="record_agency_name"),
            # A name search walks the agency's list of the period in name order, reading only
            # names and ids and comparing the lower-cased name (registry.listing.search_page):
            # from this index alone, without a visit to the table for every name it passes.
            models.Index(
                fields=["agency", "period", "full_name", "id"],
                include=["search_name"],
                name="record_agency_period_search",
            ),
            models.Index(fields=["agency", "created_at", "id"], name="record_agency_created"),
            models.Index(fields=["nik"], name="record_nik"),
            models.Index(fields=["period", "birth_date"], name="record_period_birth"),
            GinIndex(fields=["flags"], name="record_flags_gin"),
            # The portal's searches, agency first (btree_gin): by name (`search_name LIKE`) and by
            # part of a NIK (`nik LIKE '%digits%'`, six digits or more). Only the agency's entries
            # are intersected with the words' trigrams, so a search costs what the agency costs;
            # the agency must be compared as a bigint (agency_key) for the index to take it.
            GinIndex(
                name="record_agency_search_trgm",
                fields=["agency", "search_name"],
                opclasses=["int8_ops", "gin_trgm_ops"],
            ),
            GinIndex(
                name="record_agency_nik_trgm",
                fields=["agency", "nik"],
                opclasses=["int8_ops", "gin_trgm_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.masked_nik})"

    def clean(self) -> None:
        """The end-after-start rule (registry/date_rules.py; the database's `record_end_after_start`)
        next to the end date, so a model form shows it there instead of the constraint's general
        message (Django then skips the constraint for that field)."""
        from registry.date_rules import date_errors

        dates = {"start_date": self.start_date, "end_date": self.end_date}
        errors = date_errors(dates, today=timezone.localdate())
        if "end_date" in errors:
            raise ValidationError({"end_date": errors["end_date"]})

    @property
    def masked_nik(self) -> str:
        return mask_number(self.nik)

    @property
    def masked_kk(self) -> str:
        return mask_number(self.kk)

    @property
    def has_worker_account(self) -> bool:
        """The worker has gone through "Buat Akun" (their login rests on this record's identity)."""
        return self.status in WITH_ACCOUNT

    def can_transition_to(self, target: str) -> bool:
        return target in TRANSITIONS.get(self.status, frozenset())

    def transition_to(
        self, target: str, *, actor: Any, reason: str = "", ip: str | None = None
    ) -> AuditEvent:
        """Move to `target` if the table allows it; record who, when, why and from where.

        The caller holds the row lock (select_for_update) and runs inside a transaction; this
        method saves the record, writes the audit row and, once the transaction commits, sends
        `record_status_changed` (e-mails hang on it). Raises InvalidTransition or ReasonRequired
        (both ValidationErrors with a translated message).
        """
        if not self.can_transition_to(target):
            raise InvalidTransition(self.status, target)
        if (self.status, target) in REASON_REQUIRED and not reason.strip():
            raise ReasonRequired(self.status, target)
        before = self.status
        self.status = target
        now = timezone.now()
        update = ["status", "updated_at"]
        if target == Status.SUBMITTED:
            self.submitted_at = now
            update.append("submitted_at")
        if target in DECIDED or target == Status.NEEDS_REVISION:
            self.decided_at, self.decided_by = now, actor
            update += ["decided_at", "decided_by"]
        if target in DECIDED:
            self.decision_reason = reason
            update.append("decision_reason")
        if target == Status.NEEDS_REVISION:
            self.revision_note = reason
            update.append("revision_note")
        if target == Status.RELEASED:
            self.release_reason = reason
            update.append("release_reason")
        self.save(update_fields=update)
        from registry.models.audit import AuditAction, AuditEvent  # the audit trail refers back to records
        from registry.signals import record_status_changed, send_on_commit

        event = AuditEvent.log(
            actor=actor,
            action=AuditAction.for_status(target),
            obj=self,
            before={"status": before},
            after={"status": target},
            reason=reason,
            ip=ip,
        )
        send_on_commit(
            record_status_changed,
            sender=WorkerRecord,
            record_id=self.pk,
            old=before,
            new=target,
            actor_id=getattr(actor, "pk", None),
            reason=reason,
        )
        return event


class WorkHistoryQuerySet(models.QuerySet):
    def for_agency(self, agency: Agency) -> WorkHistoryQuerySet:
        return self.filter(record__agency=agency)


class WorkHistory(models.Model):
    MAX_ENTRIES = 5

    record = models.ForeignKey(WorkerRecord, on_delete=models.CASCADE, related_name="work_history")
    order = models.PositiveSmallIntegerField()
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    sk_number = models.CharField(_("decree (SK) number"), max_length=100)
    position = models.CharField(_("position"), max_length=150)
    unit = models.CharField(_("work unit"), max_length=200)

    objects = WorkHistoryQuerySet.as_manager()

    class Meta:
        ordering = ["record", "order"]
        verbose_name = _("work history entry")
        verbose_name_plural = _("work history")
        constraints = [
            models.UniqueConstraint(
                fields=["record", "order"],
                name="workhistory_unique_order",
                violation_error_message=_("The work history was changed at the same time. Try again."),
            ),
            models.CheckConstraint(
                condition=Q(order__gte=1, order__lte=5),
                name="workhistory_at_most_5",
                violation_error_message=_("At most 5 work history entries."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position} ({self.start_date:%d-%m-%Y})"
