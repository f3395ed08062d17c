"""The public test window seen from finalisation: an agency is finalised only after its window ended.

The window's rule is the registry's (`AgencySubmission.public_test_window`); this module registers
the finalisation blocker that reads it, so the public always has the whole window to object.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from announcements.models import KIND_SLUGS, SnapshotKind
from registry.models import AgencySubmission


def window_text(moment) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M")


def public_test_not_ended_blocker(submission: AgencySubmission) -> list[tuple[str, str]]:
    """Registered with verification: finalisation is refused until the public test has ended."""
    window = submission.public_test_window()
    if window.closes is None or window.has_ended:
        return []
    url = reverse(
        "announcements:announcement", args=[submission.agency.code, KIND_SLUGS[SnapshotKind.PUBLIC_TEST]]
    )
    return [
        (
            _(
                "The public test runs until %(closes)s WIB: the agency can be finalised once it has ended, "
                "so that the public has the whole period to object."
            )
            % {"closes": window_text(window.closes)},
            url,
        )
    ]
