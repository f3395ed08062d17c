"""factory_boy factories for the domain. Every NIK they make is valid and agrees with birth date and sex."""

from __future__ import annotations

import datetime as dt
import random

import factory
from django.utils import timezone

from accounts.models import Role, User
from registry.models import Agency, AgencySubmission, Period, WorkerRecord, WorkUnit

_rng = random.Random(20221231)


def make_nik(birth_date: dt.date, sex: str, *, region: str = "320101", serial: int | None = None) -> str:
    day = birth_date.day + (40 if sex == "F" else 0)
    serial = serial if serial is not None else _rng.randint(1, 9999)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


def make_kk(*, region: str = "320101", serial: int | None = None) -> str:
    serial = serial if serial is not None else _rng.randint(1, 9999)
    return f"{region}{_rng.randint(1, 28):02d}{_rng.randint(1, 12):02d}{_rng.randint(10, 21):02d}{serial:04d}"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"A{n:04d}")
    name = factory.Sequence(lambda n: f"Pemerintah Kabupaten Contoh {n}")
    kind = Agency.Kind.REGENCY


class WorkUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkUnit

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Dinas Contoh {n}")
    is_blu = False


class PeriodFactory(factory.django.DjangoModelFactory):
    """The 2022 rules, with deadlines in the future so that input is open."""

    class Meta:
        model = Period

    name = "Pendataan Non-ASN 2022"
    is_active = True
    cutoff_date = dt.date(2021, 12, 31)
    min_age = 20
    max_age = 56
    min_service_years = 1
    excluded_positions = factory.LazyFunction(
        lambda: ["Petugas Kebersihan", "Pengemudi", "Satpam", "Cleaning Service"]
    )
    input_deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    public_test_days = 5
    correction_deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=40))
    finalisation_deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=50))


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencySubmission

    agency = factory.SubFactory(AgencyFactory)
    period = factory.SubFactory(PeriodFactory)


class WorkerRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerRecord

    period = factory.SubFactory(PeriodFactory)
    agency = factory.SubFactory(AgencyFactory)
    registration_number = factory.Sequence(lambda n: f"NA2022-T{n:08d}")
    sex = "M"
    birth_date = dt.date(1990, 5, 17)
    nik = factory.LazyAttributeSequence(lambda o, n: make_nik(o.birth_date, o.sex, serial=(n % 9999) + 1))
    kk = factory.LazyFunction(make_kk)
    full_name = factory.Sequence(lambda n: f"Pegawai Contoh {n}")
    birth_place = "Bandung"
    position = "Guru"
    pay_source = WorkerRecord.PaySource.APBD
    sk_number = factory.Sequence(lambda n: f"800/{n}/SK/2019")
    sk_date = dt.date(2019, 1, 2)
    sk_signer_position = "Kepala Dinas"
    start_date = dt.date(2019, 1, 2)
    education_level = "S1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    role = Role.OPERATOR
    agency = factory.LazyAttribute(
        lambda o: AgencyFactory() if o.role in ("agency_admin", "operator", "helpdesk") else None
    )
    password = factory.PostGenerationMethodCall("set_password", "rahasia-uji-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


PASSWORD = "rahasia-uji-123"
