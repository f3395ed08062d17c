"""Background work of the verification app (run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from verification.services.sptjm import sptjm_build


@task()
def build_sptjm(sptjm_id: int) -> dict[str, int]:
    sptjm = sptjm_build(sptjm_id=sptjm_id)
    return {"rows": sptjm.total_rows}
