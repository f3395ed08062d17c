"""Named signals of the verification app (sent after the commit; receivers must not write back here).

submission_phase_changed(sender=AgencySubmission, submission_id, old, new, actor_id)
    an agency moved between phases; announcements publishes its lists on it.
"""

from django.dispatch import Signal

submission_phase_changed = Signal()
