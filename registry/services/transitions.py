"""Moving worker records along the state machine: one record (`record_transition`) and the
set-based moves of finalisation and of a national reopening.

The transition table itself is the model's (`registry.models.TRANSITIONS`, `transition_to`); the
decisions that call these moves live in `verification`. Editing a record's data does not belong here.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from registry.models import Agency, AuditEvent, Period, Status, WorkerRecord
from registry.signals import records_status_changed, send_on_commit


@transaction.atomic
def record_transition(
    *, record_id: int, to: str, actor: Any, reason: str = "", ip: str | None = None
) -> WorkerRecord:
    """Move one record along the state machine (locks the row; raises InvalidTransition or
    ReasonRequired, both translated ValidationErrors)."""
    record = WorkerRecord.objects.select_for_update().get(pk=record_id)
    record.transition_to(to, actor=actor, reason=reason, ip=ip)
    return record


def records_mark_not_completed(*, agency: Agency, period: Period, actor: Any, ip: str | None = None) -> int:
    """At finalisation: every record never submitted becomes not_completed, with one audit row each.

    Set-based (one statement for 140,000 records): the rows are locked, moved and audited together.
    The caller holds the agency's submission row lock. Returns the number of records moved; after
    the commit `records_status_changed` names them (their workers are e-mailed, as for any change).
    """
    from registry.models import TRANSITIONS

    # The statuses the transition table lets go to not_completed: never submitted ones.
    sources = sorted(s for s, targets in TRANSITIONS.items() if Status.NOT_COMPLETED in targets)
    records, audit = WorkerRecord._meta.db_table, AuditEvent._meta.db_table
    sql = f"""
        WITH targets AS (
            SELECT id, status FROM {records}
            WHERE agency_id = %(agency)s AND period_id = %(period)s AND status = ANY(%(sources)s)
            FOR UPDATE
        ), moved AS (
            UPDATE {records} r SET status = %(target)s, updated_at = now()
            FROM targets WHERE r.id = targets.id
            RETURNING r.id, targets.status AS before
        )
        INSERT INTO {audit} (actor_id, action, object_type, object_id, record_id, agency_id, before, after,
                             reason, ip, created_at)
        SELECT %(actor)s, %(action)s, %(object_type)s, moved.id::text, moved.id, %(agency)s,
               jsonb_build_object('status', moved.before), jsonb_build_object('status', %(target)s),
               %(reason)s, %(ip)s, now()
        FROM moved
        RETURNING record_id
    """  # noqa: S608 - table names from the models, values as parameters
    reason = _("Not completed by the agency's finalisation")
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "agency": agency.pk,
                "period": period.pk,
                "sources": sources,
                "target": Status.NOT_COMPLETED.value,
                "actor": actor.pk if getattr(actor, "pk", None) else None,
                "action": f"status:{Status.NOT_COMPLETED.value}",
                "object_type": WorkerRecord._meta.label_lower,
                "reason": reason,
                "ip": ip,
            },
        )
        moved = [record_id for (record_id,) in cursor.fetchall()]
    if moved:
        send_on_commit(
            records_status_changed,
            sender=WorkerRecord,
            record_ids=moved,
            new=Status.NOT_COMPLETED.value,
            reason=str(reason),
        )
    return len(moved)


def records_restore_not_completed(
    *, agency: Agency, period: Period, actor: Any, reason: str, ip: str | None = None
) -> int:
    """At a national reopening: every record finalisation made not_completed returns to the status it
    had before (read from its transition history: the before of its last move to not_completed), so
    the agency and the worker can act again. One audit row each; after the commit
    `records_status_changed` names them per restored status (their workers are e-mailed).
    """
    from registry.models import TRANSITIONS

    records, audit = WorkerRecord._meta.db_table, AuditEvent._meta.db_table
    allowed = sorted(TRANSITIONS[Status.NOT_COMPLETED])
    sql = f"""
        WITH targets AS (
            SELECT id FROM {records}
            WHERE agency_id = %(agency)s AND period_id = %(period)s AND status = %(source)s
            FOR UPDATE
        ), previous AS (
            SELECT DISTINCT ON (e.record_id) e.record_id AS id, e.before ->> 'status' AS status
            FROM {audit} e JOIN targets t ON t.id = e.record_id
            WHERE e.action = %(marked)s
            ORDER BY e.record_id, e.id DESC
        ), moved AS (
            UPDATE {records} r SET status = previous.status, updated_at = now()
            FROM previous WHERE r.id = previous.id AND previous.status = ANY(%(allowed)s)
            RETURNING r.id, previous.status AS after
        )
        INSERT INTO {audit} (actor_id, action, object_type, object_id, record_id, agency_id, before, after,
                             reason, ip, created_at)
        SELECT %(actor)s, 'status:' || moved.after, %(object_type)s, moved.id::text, moved.id, %(agency)s,
               jsonb_build_object('status', %(source)s), jsonb_build_object('status', moved.after),
               %(reason)s, %(ip)s, now()
        FROM moved
        RETURNING record_id, after ->> 'status'
    """  # noqa: S608 - table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "agency": agency.pk,
                "period": period.pk,
                "source": Status.NOT_COMPLETED.value,
                "marked": f"status:{Status.NOT_COMPLETED.value}",
                "allowed": allowed,
                "actor": actor.pk if getattr(actor, "pk", None) else None,
                "object_type": WorkerRecord._meta.label_lower,
                "reason": reason,
                "ip": ip,
            },
        )
        moved = cursor.fetchall()
    by_status: dict[str, list[int]] = {}
    for record_id, status in moved:
        by_status.setdefault(status, []).append(record_id)
    for status, record_ids in by_status.items():
        send_on_commit(
            records_status_changed, sender=WorkerRecord, record_ids=record_ids, new=status, reason=reason
        )
    return len(moved)
