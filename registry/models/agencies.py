"""Agencies, their work units, periods (the rules) and each agency's way through a period."""

from __future__ import annotations

import datetime as dt
import functools
from typing import NamedTuple

from django.contrib.postgres.fields import ArrayField
from django.db import connections, models, router
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nonasn import rows


class AgencyQuerySet(models.QuerySet):
    def for_agency(self, agency: Agency) -> AgencyQuerySet:
        return self.filter(pk=agency.pk)


class Agency(models.Model):
    class Kind(models.TextChoices):
        CENTRAL = "central", _("Central agency")
        PROVINCE = "province", _("Province")
        REGENCY = "regency", _("Regency")
        CITY = "city", _("City")

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    is_active = models.BooleanField(_("active"), default=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class WorkUnitQuerySet(models.QuerySet):
    def for_agency(self, agency: Agency) -> WorkUnitQuerySet:
        return self.filter(agency=agency)


class WorkUnit(models.Model):
    """A work unit (unit kerja) of an agency; BLU/BLUD units fall outside the data collection."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="work_units")
    name = models.CharField(_("name"), max_length=200)
    is_blu = models.BooleanField(_("BLU/BLUD unit"), default=False)

    objects = WorkUnitQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("work unit")
        verbose_name_plural = _("work units")
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="workunit_unique_name_per_agency")
        ]

    def __str__(self) -> str:
        return self.name


class PeriodQuerySet(models.QuerySet):
    def active(self) -> Period | None:
        return self.filter(is_active=True).first()


class Period(models.Model):
    """One data collection with its rules and deadlines (e.g. "Pendataan Non-ASN 2022")."""

    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=False)
    cutoff_date = models.DateField(_("eligibility cut-off date"), default=dt.date(2021, 12, 31))
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=20)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), default=56)
    min_service_years = models.PositiveSmallIntegerField(_("minimum years of service"), default=1)
    excluded_positions = ArrayField(
        models.CharField(max_length=100),
        verbose_name=_("excluded job titles"),
        default=list,
        blank=True,
        help_text=_("Job titles outside the data collection (matched case-insensitively as words)."),
    )
    input_deadline = models.DateTimeField(_("input deadline"))
    public_test_days = models.PositiveSmallIntegerField(_("public test length (days)"), default=5)
    correction_deadline = models.DateTimeField(_("correction deadline"))
    finalisation_deadline = models.DateTimeField(_("finalisation deadline"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-cutoff_date"]
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="period_one_active"
            ),
            models.CheckConstraint(
                condition=Q(min_age__lt=models.F("max_age")), name="period_age_range_valid"
            ),
            models.CheckConstraint(
                condition=Q(input_deadline__lte=models.F("finalisation_deadline")),
                name="period_input_before_finalisation",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def input_open(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) <= self.input_deadline

    def clean(self) -> None:
        """A public test that starts at the input deadline must end before the finalisation deadline:
        otherwise an agency that prefinalises on the last input day could never finalise in time."""
        from django.core.exceptions import ValidationError

        if self.input_deadline and self.finalisation_deadline and self.public_test_days is not None:
            if self.input_deadline + dt.timedelta(days=self.public_test_days) > self.finalisation_deadline:
                raise ValidationError(
                    {
                        "finalisation_deadline": _(
                            "The finalisation deadline must leave room for the public test after the input "
                            "deadline: at least %(days)s days after it."
                        )
                        % {"days": self.public_test_days}
                    }
                )


class PublicTestWindow(NamedTuple):
    """The public test (objection) window of one agency: its dates, whether complaints may be filed
    now, and whether it is over (finalisation waits for that)."""

    opens: dt.datetime | None
    closes: dt.datetime | None
    is_open: bool
    has_ended: bool


class AgencySubmissionQuerySet(models.QuerySet):
    def for_agency(self, agency: Agency) -> AgencySubmissionQuerySet:
        return self.filter(agency=agency)


class AgencySubmissionManager(models.Manager.from_queryset(AgencySubmissionQuerySet)):
    """Two reads every agency page and every write makes, in SQL written once per process (nonasn.rows
    says why); each is tested against the ORM query it stands for (tests/registry/test_model_reads.py)."""

    def of(self, *, agency: Agency, period: Period) -> AgencySubmission | None:
        """`filter(agency=agency, period=period).first()`, with the agency and period it was asked for
        already attached (when they are loaded rows), so `submission.period` costs no query."""
        model = self.model
        using = router.db_for_read(model)
        with connections[using].cursor() as cursor:
            cursor.execute(_submission_sql(), [agency.pk, period.pk])
            row = cursor.fetchone()
        if row is None:
            return None
        submission = rows.instance(model, using, row)
        for name, known in (("agency", agency), ("period", period)):
            if not known._state.adding:  # a loaded row, not a stand-in such as Period(pk=…)
                model._meta.get_field(name).set_cached_value(submission, known)
        return submission

    def held_for_share(self, *, agency_id: int, period_id: int) -> AgencySubmission | None:
        """The row under a share lock (SELECT … FOR SHARE, until the transaction ends) with its whole
        period loaded in the same query: `select_related("period").get(…)` with a lock Django's
        select_for_update cannot take (FOR SHARE). None when the agency is not part of the period."""
        model = self.model
        using = router.db_for_write(model)
        with connections[using].cursor() as cursor:
            cursor.execute(_held_sql(), [agency_id, period_id])
            row = cursor.fetchone()
        if row is None:
            return None
        split = rows.width(model)
        submission = rows.instance(model, using, row[:split])
        model._meta.get_field("period").set_cached_value(
            submission, rows.instance(Period, using, row[split:])
        )
        return submission


class AgencySubmission(models.Model):
    """One agency's way through one period: open → prefinalised → finalised → completed."""

    class Phase(models.TextChoices):
        OPEN = "open", _("Open")
        PREFINALISED = "prefinalised", _("Prefinalised (public test)")
        FINALISED = "finalised", _("Finalised")
        COMPLETED = "completed", _("Completed (SPTJM uploaded)")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="submissions")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="submissions")
    phase = models.CharField(_("phase"), max_length=15, choices=Phase.choices, default=Phase.OPEN)
    prefinalised_at = models.DateTimeField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    reopened_reason = models.TextField(blank=True)
    # Per-agency extensions granted by the national admin; empty means the period's deadline.
    input_deadline_override = models.DateTimeField(_("input deadline (extended)"), null=True, blank=True)
    correction_deadline_override = models.DateTimeField(
        _("correction deadline (extended)"), null=True, blank=True
    )
    finalisation_deadline_override = models.DateTimeField(
        _("finalisation deadline (extended)"), null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgencySubmissionManager()

    class Meta:
        verbose_name = _("agency submission")
        verbose_name_plural = _("agency submissions")
        constraints = [
            models.UniqueConstraint(fields=["agency", "period"], name="submission_one_per_agency_period"),
            models.CheckConstraint(
                condition=Q(phase__in=["open", "prefinalised", "finalised", "completed"]),
                name="submission_phase_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.period} ({self.get_phase_display()})"

    @property
    def is_open(self) -> bool:
        return self.phase == self.Phase.OPEN

    DEADLINE_KINDS = ("input", "correction", "finalisation")

    def deadline(self, kind: str) -> dt.datetime:
        """The agency's deadline of one kind: the national admin's extension if any, else the period's.

        The one place every deadline check reads (input, correction, finalisation).
        """
        if kind not in self.DEADLINE_KINDS:
            raise ValueError(f"Unknown deadline kind {kind!r}")
        return getattr(self, f"{kind}_deadline_override") or getattr(self.period, f"{kind}_deadline")

    def public_test_dates(self) -> tuple[dt.datetime, dt.datetime] | None:
        """The public test (objection, complaints) window: from prefinalisation for the period's
        public-test days; None before prefinalisation. The one place the window's dates come from."""
        if self.prefinalised_at is None:
            return None
        return self.prefinalised_at, self.prefinalised_at + dt.timedelta(days=self.period.public_test_days)

    def public_test_window(self, now: dt.datetime | None = None) -> PublicTestWindow:
        """The one rule every page and service asks about the window (announcement, list, complaint
        forms, tracking page, worker home, finalisation): open only while the agency is prefinalised
        and within its dates — a reopened, finalised or completed agency never claims an open window."""
        dates = self.public_test_dates()
        if dates is None:
            return PublicTestWindow(None, None, False, False)
        now = now or timezone.now()
        opens, closes = dates
        is_open = self.phase == self.Phase.PREFINALISED and opens <= now < closes
        return PublicTestWindow(opens, closes, is_open, now >= closes)

    def before_deadline(self, kind: str, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) <= self.deadline(kind)


@functools.cache
def _submission_sql() -> str:
    meta = AgencySubmission._meta
    return (
        f'SELECT {rows.columns(AgencySubmission, "s")} FROM "{meta.db_table}" s '  # noqa: S608 - names only
        f'WHERE s."{meta.get_field("agency").column}" = %s AND s."{meta.get_field("period").column}" = %s'
    )


@functools.cache
def _held_sql() -> str:
    meta, period = AgencySubmission._meta, Period._meta
    return (
        f"SELECT {rows.columns(AgencySubmission, 's')}, {rows.columns(Period, 'p')} "  # noqa: S608 - names only
        f'FROM "{meta.db_table}" s JOIN "{period.db_table}" p '
        f'ON p."{period.pk.column}" = s."{meta.get_field("period").column}" '
        f'WHERE s."{meta.get_field("agency").column}" = %s AND s."{meta.get_field("period").column}" = %s '
        "FOR SHARE OF s"
    )
