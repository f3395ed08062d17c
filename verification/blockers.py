"""Objections to finalising an agency, registered by other apps (announcements: open complaints).

Verification never imports those apps: each registers a function in its AppConfig.ready():

    register_blocker(open_complaints)   # fn(submission) -> [(message, url), ...]

Finalisation is refused while any registered function returns an objection.
"""

from __future__ import annotations

from collections.abc import Callable

from registry.models import AgencySubmission

Objection = tuple[str, str]  # (message shown to the agency admin, url to act on it; may be "")
Blocker = Callable[[AgencySubmission], list[Objection]]

_blockers: list[Blocker] = []


def register_blocker(fn: Blocker) -> Blocker:
    """Register fn (usable as a decorator); registering the same function twice keeps one."""
    if fn not in _blockers:
        _blockers.append(fn)
    return fn


def unregister_blocker(fn: Blocker) -> None:
    if fn in _blockers:
        _blockers.remove(fn)


def objections(submission: AgencySubmission) -> list[Objection]:
    found: list[Objection] = []
    for fn in list(_blockers):
        found.extend(fn(submission) or [])
    return found
