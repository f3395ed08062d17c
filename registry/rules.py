"""Eligibility rules of a period: findings that do not refuse a record but flag it for the operator."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Protocol

from django.contrib.postgres.search import TrigramSimilarity

from registry.models import Category, Flag, PaySource, Period, Status, WorkerRecord, WorkUnit

# The possible-duplicate rule: another active record of the period with the same birth date, another
# NIK and a name closer than this (pg_trgm similarity, 0..1). `possible_duplicates` states it for one
# record; DUPLICATE_PAIR_SQL states it as a join condition of record `r` with record `o` for the
# set-based import path (its one parameter is the similarity).
DUPLICATE_NAME_SIMILARITY = 0.6
DUPLICATE_PAIR_SQL = (
    "o.period_id = r.period_id AND o.birth_date = r.birth_date AND o.nik <> r.nik"
    " AND o.status <> 'released' AND o.id <> r.id AND similarity(o.full_name, r.full_name) >= %s"
)


class RecordLike(Protocol):
    category: str
    birth_date: dt.date
    start_date: dt.date | None
    sk_date: dt.date | None
    pay_source: str
    position: str
    work_unit: WorkUnit | None


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def years_between(start: dt.date, end: dt.date) -> int:
    return age_on(start, end)


def _position_excluded(position: str, excluded: list[str]) -> bool:
    text = " ".join(re.findall(r"\w+", position.lower()))
    return any(pattern.search(text) for pattern in _title_patterns(tuple(excluded)))


@functools.lru_cache(maxsize=64)
def _title_patterns(excluded: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    """The period's excluded titles as word patterns, built once per list (an import or a bulk
    upsert checks thousands of positions against the same few titles)."""
    patterns = []
    for title in excluded:
        words = " ".join(re.findall(r"\w+", title.lower()))
        if words:
            patterns.append(re.compile(rf"\b{re.escape(words)}\b"))
    return tuple(patterns)


def eligibility_flags(record: RecordLike, period: Period) -> list[str]:
    """The period's rules applied to one record, as a sorted list of Flag values (without duplicates check)."""
    flags: set[str] = set()
    cutoff = period.cutoff_date
    if record.category != Category.THK2 and record.birth_date:
        age = age_on(record.birth_date, cutoff)
        if not period.min_age <= age <= period.max_age:
            flags.add(Flag.AGE)
    if record.start_date is None or years_between(record.start_date, cutoff) < period.min_service_years:
        flags.add(Flag.SERVICE)
    if record.sk_date is not None and record.sk_date > cutoff:
        flags.add(Flag.SK_AFTER_CUTOFF)
    if record.pay_source not in (PaySource.APBN, PaySource.APBD):
        flags.add(Flag.PAY_SOURCE)
    if record.position and _position_excluded(record.position, period.excluded_positions):
        flags.add(Flag.EXCLUDED_POSITION)
    if record.work_unit is not None and record.work_unit.is_blu:
        flags.add(Flag.BLU_UNIT)
    return sorted(str(f) for f in flags)


def possible_duplicates(
    *, period: Period, nik: str, full_name: str, birth_date: dt.date, exclude_pk: int | None = None
):
    """Records in the period with the same birth date, a similar name and another NIK (any agency)."""
    qs = (
        WorkerRecord.objects.filter(period=period, birth_date=birth_date)
        .exclude(nik=nik)
        .exclude(status=Status.RELEASED)
        .annotate(similarity=TrigramSimilarity("full_name", full_name))
        .filter(similarity__gte=DUPLICATE_NAME_SIMILARITY)
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs
