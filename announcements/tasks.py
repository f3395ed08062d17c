"""Background work of the public site (run by `manage.py db_worker`): large lists and their PDFs."""

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
