"""Named signals verification sends; other apps connect to them in their AppConfig.ready().

submission_phase_changed  after the commit of an agency's phase change (open, prefinalised,
                          finalised, completed): submission_id, old, new, actor_id
"""

from django.dispatch import Signal

submission_phase_changed = Signal()
