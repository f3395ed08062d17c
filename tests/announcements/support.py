"""What the public site's tests do to an agency: move its phase as verification's service does."""

from __future__ import annotations

from django.utils import timezone

from registry.models import AgencySubmission
from verification.signals import submission_phase_changed


def move_phase(submission: AgencySubmission, new: str, *, actor_id: int | None = None) -> None:
    """What verification's phase service does, as far as this app sees it: the row, then the signal."""
    old = submission.phase
    stamp = {
        AgencySubmission.Phase.PREFINALISED: "prefinalised_at",
        AgencySubmission.Phase.FINALISED: "finalised_at",
        AgencySubmission.Phase.COMPLETED: "completed_at",
    }.get(new)
    changes = {"phase": new, **({stamp: timezone.now()} if stamp else {})}
    AgencySubmission.objects.filter(pk=submission.pk).update(**changes)
    submission.refresh_from_db()
    submission_phase_changed.send(
        sender=None, submission_id=submission.pk, old=old, new=new, actor_id=actor_id
    )
