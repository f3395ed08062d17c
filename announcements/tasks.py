"""Background work of the public site (run by `manage.py task_worker`): large lists and their PDFs,
the open statistics' tables."""

from __future__ import annotations

from django_tasks import task


@task()
def build_snapshot(snapshot_id: int) -> dict[str, int | str]:
    from announcements.services.publish import snapshot_build

    snapshot = snapshot_build(snapshot_id=snapshot_id)
    return {"snapshot": snapshot.pk if snapshot else 0, "rows": snapshot.row_count if snapshot else 0}


@task()
def build_snapshot_pdf(snapshot_id: int) -> dict[str, str]:
    from announcements.services.downloads import snapshot_pdf_ensure

    snapshot = snapshot_pdf_ensure(snapshot_id=snapshot_id)
    return {"pdf": snapshot.pdf.name if snapshot.pdf else ""}


@task()
def refresh_statistics(period_id: int) -> dict[str, bool]:
    """New tables for /statistik/ when they are due (asked for by the page; a late duplicate only looks)."""
    from announcements.services.statistics import statistics_refresh
    from registry.models import Period

    period = Period.objects.filter(pk=period_id).first()
    return {"built": statistics_refresh(period=period) if period else False}
