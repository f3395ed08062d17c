"""Every phase change of an agency's submission: open → prefinalised → finalised → completed, and back.

One function moves phases (`submission_phase_change`): it locks the submission row, checks the
allowed-moves table, who may make the move and the deadline, runs the move's own checks and effects
under that lock, writes a PhaseChange row and an audit row, and sends `submission_phase_changed`
after the commit. The registry's guards read the phase: a registration or an edit either commits
before the phase changes or is refused after it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import AGENCY_ROLES, Role, User
from registry.models import AgencySubmission, AuditEvent, Status, WorkerRecord
from registry.services.transitions import records_mark_not_completed, records_restore_not_completed
from verification import blockers
from verification.audit import VerificationAuditAction
from verification.models import PhaseChange, SignedSptjm, Sptjm
from verification.signals import submission_phase_changed

logger = logging.getLogger(__name__)

Phase = AgencySubmission.Phase

# The allowed moves. Forward moves belong to the agency admin (and the national admin);
# any move back to open belongs to the national admin alone, with a reason.
MOVES: frozenset[tuple[str, str]] = frozenset(
    {
        (Phase.OPEN, Phase.PREFINALISED),
        (Phase.PREFINALISED, Phase.FINALISED),
        (Phase.FINALISED, Phase.COMPLETED),
        (Phase.PREFINALISED, Phase.OPEN),
        (Phase.FINALISED, Phase.OPEN),
        (Phase.COMPLETED, Phase.OPEN),
    }
)

# Forward moves an agency admin may make only until this deadline; afterwards only the national admin.
DEADLINE_OF = {Phase.PREFINALISED: "finalisation", Phase.FINALISED: "finalisation"}
TIMESTAMP_OF = {
    Phase.PREFINALISED: "prefinalised_at",
    Phase.FINALISED: "finalised_at",
    Phase.COMPLETED: "completed_at",
}


def can_move(actor: Any, submission: AgencySubmission, to: str) -> bool:
    """Whether this user may ask for this move at all (the role rule; the move's own checks come later)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_national_admin:
        return True
    if to == Phase.OPEN:
        return False
    return actor.role == Role.AGENCY_ADMIN and actor.agency_id == submission.agency_id


def undecided_records(submission: AgencySubmission):
    """Submitted records without a decision: they block prefinalisation and finalisation."""
    return WorkerRecord.objects.filter(
        agency_id=submission.agency_id, period_id=submission.period_id, status=Status.SUBMITTED
    )


def _refuse_undecided(submission: AgencySubmission) -> None:
    count = undecided_records(submission).count()
    if count:
        raise ValidationError(
            _("%(count)d submitted records have no decision yet. Decide them (MS, TMS or return) first.")
            % {"count": count},
            code="undecided",
        )


def awaiting_revision(submission: AgencySubmission):
    """Records returned to their worker for revision: they block prefinalisation (the worker could no
    longer send them, and finalisation would close them as "Tidak Lengkap")."""
    return WorkerRecord.objects.filter(
        agency_id=submission.agency_id, period_id=submission.period_id, status=Status.NEEDS_REVISION
    )


def _refuse_awaiting_revision(submission: AgencySubmission) -> None:
    count = awaiting_revision(submission).count()
    if count:
        raise ValidationError(
            _(
                "%(count)d records await their worker's revision. Prefinalisation would lock the workers out: "
                "wait until they send their data again and decide it, or release a record that will not come back."
            )
            % {"count": count},
            code="awaiting_revision",
        )


def public_test_end_if_prefinalised(
    submission: AgencySubmission, now: dt.datetime | None = None
) -> dt.datetime:
    """When the public test would end if the agency prefinalised at `now` (it lasts the period's days)."""
    return (now or timezone.now()) + dt.timedelta(days=submission.period.public_test_days)


def _refuse_window_past_deadline(submission: AgencySubmission) -> None:
    ends = public_test_end_if_prefinalised(submission)
    deadline = submission.deadline("finalisation")
    if ends > deadline:
        raise ValidationError(
            _(
                "Prefinalised now, the public test would end on %(ends)s, after the finalisation deadline "
                "(%(deadline)s): the agency could not finalise in time. Ask the national admin (BKN) to extend "
                "the agency's finalisation deadline first."
            )
            % {"ends": _deadline_text(ends), "deadline": _deadline_text(deadline)},
            code="window_past_deadline",
        )


def _check_prefinalise(submission: AgencySubmission, actor: Any) -> None:
    _refuse_undecided(submission)
    _refuse_awaiting_revision(submission)
    _refuse_window_past_deadline(submission)


def _check_finalise(submission: AgencySubmission, actor: Any) -> None:
    _refuse_undecided(submission)
    found = blockers.objections(submission)
    if found:
        raise ValidationError([message for message, _url in found], code="blocked")


def _check_complete(submission: AgencySubmission, actor: Any) -> None:
    # Generated after the last finalisation: a statement from before a reopening may be stale.
    done = Sptjm.objects.filter(submission=submission, status=Sptjm.Status.DONE)
    if submission.finalised_at:
        done = done.filter(created_at__gte=submission.finalised_at)
    if not done.exists():
        raise ValidationError(_("Generate the SPTJM first, then upload its signed scan."), code="no_sptjm")


CHECKS: dict[str, Callable[[AgencySubmission, Any], None]] = {
    Phase.PREFINALISED: _check_prefinalise,
    Phase.FINALISED: _check_finalise,
    Phase.COMPLETED: _check_complete,
}


def _deadline_text(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M")


@transaction.atomic
def submission_phase_change(
    *, submission_id: int, to: str, actor: Any, reason: str = "", ip: str | None = None
) -> AgencySubmission:
    """Move one agency's submission to phase `to`. Raises PermissionDenied or ValidationError."""
    submission = (
        AgencySubmission.objects.select_for_update(of=("self",))
        .select_related("agency", "period")
        .get(pk=submission_id)
    )
    old = submission.phase
    reason = (reason or "").strip()
    if not can_move(actor, submission, to):
        raise PermissionDenied
    if (old, to) not in MOVES:
        raise ValidationError(
            _("The agency cannot move from %(old)s to %(new)s.")
            % {"old": Phase(old).label, "new": Phase(to).label},
            code="not_allowed",
        )
    if to == Phase.OPEN and not reason:
        raise ValidationError({"reason": [_("Say why the agency is reopened.")]}, code="reason")
    kind = DEADLINE_OF.get(to)
    if kind and not actor.is_national_admin and not submission.before_deadline(kind):
        raise ValidationError(
            _("The finalisation deadline (%(deadline)s) has passed; only the national admin (BKN) can move "
              "the agency now.") % {"deadline": _deadline_text(submission.deadline(kind))},
            code="deadline",
        )  # fmt: skip
    if to in CHECKS:
        CHECKS[to](submission, actor)

    now = timezone.now()
    submission.phase = to
    update = ["phase", "updated_at"]
    if to in TIMESTAMP_OF:
        setattr(submission, TIMESTAMP_OF[to], now)
        update.append(TIMESTAMP_OF[to])
    if to == Phase.OPEN:
        submission.reopened_reason = reason
        update.append("reopened_reason")
    submission.save(update_fields=update)

    if to == Phase.FINALISED:
        moved = records_mark_not_completed(
            agency=submission.agency, period=submission.period, actor=actor, ip=ip
        )
        logger.info("submission %s finalised: %d records not completed", submission.pk, moved)
    if to == Phase.OPEN and old in (Phase.FINALISED, Phase.COMPLETED):
        # What finalisation closed as "Tidak Lengkap" is open again: the worker and the agency can act.
        restored = records_restore_not_completed(
            agency=submission.agency, period=submission.period, actor=actor, reason=reason, ip=ip
        )
        logger.info("submission %s reopened: %d records restored", submission.pk, restored)
    if to == Phase.OPEN:
        # The signed statement covered data that may now change: it no longer counts.
        SignedSptjm.objects.filter(submission=submission, superseded_at__isnull=True).update(
            superseded_at=now
        )

    PhaseChange.objects.create(
        submission=submission,
        from_phase=old,
        to_phase=to,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
        ip=ip,
        created_at=now,
    )
    AuditEvent.log(
        actor=actor, action=VerificationAuditAction.for_phase(to), obj=submission, before={"phase": old}, after={"phase": to},
        reason=reason, ip=ip,
    )  # fmt: skip
    actor_id = getattr(actor, "pk", None)
    transaction.on_commit(
        lambda: submission_phase_changed.send(
            sender=AgencySubmission, submission_id=submission.pk, old=old, new=to, actor_id=actor_id
        )
    )
    if to == Phase.OPEN:
        transaction.on_commit(lambda: _mail_reopened(submission.pk, reason))
    return submission


def submission_prefinalise(*, submission_id: int, actor: Any, ip: str | None = None) -> AgencySubmission:
    return submission_phase_change(submission_id=submission_id, to=Phase.PREFINALISED, actor=actor, ip=ip)


def submission_finalise(*, submission_id: int, actor: Any, ip: str | None = None) -> AgencySubmission:
    return submission_phase_change(submission_id=submission_id, to=Phase.FINALISED, actor=actor, ip=ip)


def submission_reopen(
    *, submission_id: int, actor: Any, reason: str, ip: str | None = None
) -> AgencySubmission:
    return submission_phase_change(
        submission_id=submission_id, to=Phase.OPEN, actor=actor, reason=reason, ip=ip
    )


def _mail_reopened(submission_id: int, reason: str) -> None:
    """Tell the agency's staff their agency is open again, and why (after the commit)."""
    submission = AgencySubmission.objects.select_related("agency", "period").get(pk=submission_id)
    recipients = list(
        User.objects.filter(agency_id=submission.agency_id, role__in=AGENCY_ROLES, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(agency)s is open again for %(period)s") % {
            "agency": submission.agency.name,
            "period": submission.period.name,
        }
        body = _(
            "The national admin (BKN) has reopened the data collection of %(agency)s.\n\n"
            "Reason: %(reason)s\n\n"
            "Records can be corrected again; prefinalise, finalise and upload a new signed SPTJM afterwards.\n"
            "%(url)s"
        ) % {
            "agency": submission.agency.name,
            "reason": reason,
            "url": settings.SITE_URL + "/instansi/fase/",
        }
    try:
        send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients])
    except Exception:  # a mail outage must not undo the reopening
        logger.exception("Reopen e-mail for submission %s failed", submission_id)


DEADLINE_FIELDS = {kind: f"{kind}_deadline_override" for kind in AgencySubmission.DEADLINE_KINDS}


@transaction.atomic
def submission_extend_deadline(
    *, submission_id: int, kind: str, until: dt.datetime, actor: Any, reason: str, ip: str | None = None
) -> AgencySubmission:
    """The national admin gives one agency a later deadline (input, correction or finalisation)."""
    if not getattr(actor, "is_national_admin", False):
        raise PermissionDenied
    if kind not in DEADLINE_FIELDS:
        raise ValidationError({"kind": [_("Choose which deadline to extend.")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the deadline is extended.")]})
    if until <= timezone.now():
        raise ValidationError({"until": [_("The new deadline must be in the future.")]})
    submission = (
        AgencySubmission.objects.select_for_update(of=("self",))
        .select_related("period")
        .get(pk=submission_id)
    )
    before = submission.deadline(kind)
    if until <= before:
        # An "extension" earlier than the deadline in force would shorten it: refused, with that date.
        raise ValidationError(
            {
                "until": [
                    _("An extension must be later than the deadline in force (%(deadline)s).")
                    % {"deadline": _deadline_text(before)}
                ]
            },
            code="not_later",
        )
    setattr(submission, DEADLINE_FIELDS[kind], until)
    submission.save(update_fields=[DEADLINE_FIELDS[kind], "updated_at"])
    AuditEvent.log(
        actor=actor,
        action=VerificationAuditAction.for_deadline(kind),
        obj=submission,
        before={kind: before.isoformat()},
        after={kind: until.isoformat()},
        reason=reason.strip(),
        ip=ip,
    )
    return submission
