"""Issue 16, point 8: in every phase, an action the page offers is one its POST accepts, and an action
it does not offer is refused — the button and the POST read one rule (registry.services.phase:
agency_write_permission, record_edit_permission, record_release_permission; verification's
decisions_closed_reason and revision_permission; the worker's worker_can_edit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from registry.forms import WorkerForm
from registry.models import AgencySubmission, Document, ImportJob, Status, WorkerRecord
from tests.accounts.support import complete, jpeg_bytes, make_worker, upload
from tests.factories import UserFactory, WorkerRecordFactory, make_kk, make_nik
from tests.registry.support import import_row, worker_fields, xlsx_bytes
from tests.registry.support import upload as xlsx_upload
from tests.verification.decisions_helpers import change_post, decide_post, reopen_post

pytestmark = pytest.mark.django_db
Phase = AgencySubmission.Phase


@pytest.fixture(autouse=True)
def _inline(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.CAPTCHA_TEST_MODE = True


def _set(agency, period, *, phase: str = Phase.OPEN, input_ago: bool = False, correction_ago: bool = False):
    now = timezone.now()
    if input_ago:
        period.input_deadline = now - dt.timedelta(days=2)
    if correction_ago:
        period.correction_deadline = now - dt.timedelta(hours=1)
    period.save()
    stamps = {
        Phase.PREFINALISED: {"prefinalised_at": now},
        Phase.FINALISED: {"prefinalised_at": now, "finalised_at": now},
        Phase.COMPLETED: {"prefinalised_at": now, "finalised_at": now, "completed_at": now},
    }.get(phase, {})
    AgencySubmission.objects.filter(agency=agency, period=period).update(phase=phase, **stamps)


PHASES: dict[str, Callable] = {
    "open": lambda a, p: _set(a, p),
    "input deadline passed": lambda a, p: _set(a, p, input_ago=True),
    "prefinalised": lambda a, p: _set(a, p, phase=Phase.PREFINALISED, input_ago=True),
    "prefinalised, correction deadline passed": lambda a, p: _set(
        a, p, phase=Phase.PREFINALISED, input_ago=True, correction_ago=True
    ),
    "finalised": lambda a, p: _set(a, p, phase=Phase.FINALISED, input_ago=True),
    "completed": lambda a, p: _set(a, p, phase=Phase.COMPLETED, input_ago=True),
    "reopened": lambda a, p: AgencySubmission.objects.filter(agency=a, period=p).update(
        phase=Phase.OPEN, reopened_reason="Dibuka kembali oleh BKN"
    ),
}


def _form_values(record: WorkerRecord, **changes) -> dict:
    form = WorkerForm(instance=record)
    values = {name: form[name].value() for name in form.fields}
    values.update(changes)
    return {name: "" if value is None else value for name, value in values.items()}


@dataclass
class World:
    client: object
    operator: object
    worker: object
    submitted: WorkerRecord
    registered: WorkerRecord
    decided: WorkerRecord
    own: WorkerRecord  # the worker's record, complete and sent
    released: WorkerRecord


def _as_operator(w: World) -> object:
    w.client.force_login(w.operator)
    return w.client


def _as_worker(w: World) -> object:
    w.client.force_login(w.worker, backend="accounts.backends.LoginBackend")
    return w.client


def _page(client, name: str, *args) -> str:
    return client.get(reverse(name, args=args)).content.decode()


# Born on a day no factory record is (their NIKs differ), so only this POST can create it.
NEW_WORKER = worker_fields(birth=dt.date(1979, 9, 9), serial=77)

# (is it offered on its page?, is the POST accepted?) per action.
ACTIONS: dict[str, tuple[Callable[[World], bool], Callable[[World], bool]]] = {
    "Daftarkan pegawai": (
        lambda w: 'name="nik"' in _page(_as_operator(w), "registry:worker-create"),
        lambda w: (
            _as_operator(w).post(reverse("registry:worker-create"), NEW_WORKER),
            WorkerRecord.objects.filter(nik=NEW_WORKER["nik"]).exists(),
        )[1],
    ),
    "Impor XLSX": (
        lambda w: reverse("registry:import-upload") in _page(_as_operator(w), "registry:import-list"),
        lambda w: (
            _as_operator(w).post(
                reverse("registry:import-upload"), {"file": xlsx_upload(xlsx_bytes([import_row(serial=88)]))}
            ),
            ImportJob.objects.exists(),
        )[1],
    ),
    "Ubah": (
        lambda w: (
            reverse("registry:worker-edit", args=[w.submitted.pk])
            in _page(_as_operator(w), "registry:worker-detail", w.submitted.pk)
        ),
        lambda w: (
            _as_operator(w).post(
                reverse("registry:worker-edit", args=[w.submitted.pk]),
                _form_values(w.submitted, position="Guru Kelas"),
            ),
            WorkerRecord.objects.get(pk=w.submitted.pk).position == "Guru Kelas",
        )[1],
    ),
    "Lepas": (
        lambda w: 'id="release-form"' in _page(_as_operator(w), "registry:worker-detail", w.registered.pk),
        lambda w: (
            _as_operator(w).post(
                reverse("registry:worker-release", args=[w.registered.pk]), {"reason": "Pindah"}
            ),
            WorkerRecord.objects.get(pk=w.registered.pk).status == Status.RELEASED,
        )[1],
    ),
    "Ubah (MS)": (
        lambda w: (
            reverse("registry:worker-edit", args=[w.decided.pk])
            in _page(_as_operator(w), "registry:worker-detail", w.decided.pk)
        ),
        lambda w: (
            _as_operator(w).post(
                reverse("registry:worker-edit", args=[w.decided.pk]),
                _form_values(w.decided, position="Kepala"),
            ),
            WorkerRecord.objects.get(pk=w.decided.pk).position == "Kepala",
        )[1],
    ),
    "Ubah (dilepas)": (
        lambda w: (
            reverse("registry:worker-edit", args=[w.released.pk])
            in _page(_as_operator(w), "registry:worker-detail", w.released.pk)
        ),
        lambda w: (
            _as_operator(w).post(
                reverse("registry:worker-edit", args=[w.released.pk]),
                _form_values(w.released, position="Kepala"),
            ),
            WorkerRecord.objects.get(pk=w.released.pk).position == "Kepala",
        )[1],
    ),
    "Lepas (MS)": (
        lambda w: 'id="release-form"' in _page(_as_operator(w), "registry:worker-detail", w.decided.pk),
        lambda w: (
            _as_operator(w).post(
                reverse("registry:worker-release", args=[w.decided.pk]), {"reason": "Pindah"}
            ),
            WorkerRecord.objects.get(pk=w.decided.pk).status == Status.RELEASED,
        )[1],
    ),
    "Lepas (dikirim)": (
        lambda w: 'id="release-form"' in _page(_as_operator(w), "registry:worker-detail", w.submitted.pk),
        lambda w: (
            _as_operator(w).post(
                reverse("registry:worker-release", args=[w.submitted.pk]), {"reason": "Pindah"}
            ),
            WorkerRecord.objects.get(pk=w.submitted.pk).status == Status.RELEASED,
        )[1],
    ),
    "Putuskan MS": (
        lambda w: 'id="decision-form"' in _page(_as_operator(w), "verify:record", w.submitted.pk),
        lambda w: (
            decide_post(_as_operator(w), w.submitted, outcome="ms"),
            WorkerRecord.objects.get(pk=w.submitted.pk).status == Status.ELIGIBLE,
        )[1],
    ),
    "Kembalikan untuk perbaikan": (
        lambda w: 'value="return"' in _page(_as_operator(w), "verify:record", w.submitted.pk),
        lambda w: (
            decide_post(_as_operator(w), w.submitted, outcome="return", reason="Perbaiki SK"),
            WorkerRecord.objects.get(pk=w.submitted.pk).status == Status.NEEDS_REVISION,
        )[1],
    ),
    "Ubah keputusan": (
        lambda w: 'id="change-form"' in _page(_as_operator(w), "verify:record", w.decided.pk),
        lambda w: (
            change_post(
                _as_operator(w), w.decided, outcome="tms", tms_reason="fake", reason="Aduan terbukti"
            ),
            WorkerRecord.objects.get(pk=w.decided.pk).status == Status.INELIGIBLE,
        )[1],
    ),
    "Buka keputusan": (
        lambda w: 'id="reopen-form"' in _page(_as_operator(w), "verify:record", w.decided.pk),
        lambda w: (
            reopen_post(_as_operator(w), w.decided),
            WorkerRecord.objects.get(pk=w.decided.pk).status == Status.SUBMITTED,
        )[1],
    ),
    "Pegawai: simpan biodata": (
        lambda w: 'id="save-biodata"' in _page(_as_worker(w), "worker:biodata"),
        lambda w: (
            _as_worker(w).post(
                reverse("worker:biodata"),
                {
                    "phone": "081298765432",
                    "email": w.own.email,
                    "address": "Jl. Baru 9",
                    **{
                        k: v
                        for k, v in _form_values(w.own).items()
                        if k in ("sk_number", "sk_signer_position")
                    },
                    "sk_date": w.own.sk_date.isoformat(),
                    "start_date": w.own.start_date.isoformat(),
                    "monthly_pay": w.own.monthly_pay,
                },
            ),
            WorkerRecord.objects.get(pk=w.own.pk).address == "Jl. Baru 9",
        )[1],
    ),
    "Pegawai: unggah dokumen": (
        lambda w: 'name="kind" value="selfie"' in _page(_as_worker(w), "worker:documents"),
        lambda w: (
            _as_worker(w).post(
                reverse("worker:documents"),
                {"kind": "selfie", "file": upload(jpeg_bytes((400, 400), (1, 2, 3)))},
            ),
            Document.objects.filter(record=w.own, kind="selfie").values_list("checksum", flat=True).first()
            != w.selfie_checksum,
        )[1],
    ),
    "Pegawai: Kirim ulang": (
        lambda w: 'id="submit-record"' in _page(_as_worker(w), "worker:resume"),
        lambda w: (
            _as_worker(w).post(reverse("worker:submit")),
            WorkerRecord.objects.get(pk=w.own.pk).submitted_at != w.own.submitted_at,
        )[1],
    ),
}


@pytest.fixture
def world(client, agency, period) -> World:
    operator = UserFactory(role=Role.OPERATOR, agency=agency)
    birth = dt.date(1988, 3, 4)
    own = WorkerRecordFactory(
        agency=agency,
        period=period,
        birth_date=birth,
        sex="F",
        nik=make_nik(birth, "F", serial=9),
        kk=make_kk(serial=9),
    )
    worker = make_worker(own, email="own@example.test")
    complete(own, worker)
    own.refresh_from_db()
    Document.objects.filter(record=own, kind="selfie").delete()
    WorkerRecord.objects.filter(pk=own.pk).update(status=Status.SUBMITTED, submitted_at=timezone.now())
    client.force_login(worker, backend="accounts.backends.LoginBackend")
    client.post(reverse("worker:documents"), {"kind": "selfie", "file": upload(jpeg_bytes((300, 300)))})
    own.refresh_from_db()
    w = World(
        client=client,
        operator=operator,
        worker=worker,
        submitted=WorkerRecordFactory(
            agency=agency,
            period=period,
            status=Status.SUBMITTED,
            submitted_at=timezone.now(),
            position="Guru",
        ),
        registered=WorkerRecordFactory(agency=agency, period=period),
        decided=WorkerRecordFactory(agency=agency, period=period, status=Status.ELIGIBLE),
        own=own,
        released=WorkerRecordFactory(agency=agency, period=period, status=Status.RELEASED, position="Guru"),
    )
    w.selfie_checksum = Document.objects.get(record=own, kind="selfie").checksum
    return w


@pytest.mark.parametrize("phase", PHASES)
def test_in_each_phase_an_action_is_offered_exactly_when_its_post_is_accepted(world, agency, period, phase):
    """Every action starts from the same world in this phase: each runs in a savepoint rolled back
    after it (and with an empty cache), so the world is built once per phase, not once per action."""
    PHASES[phase](agency, period)
    disagreements = []
    for action, (offered, accepted) in ACTIONS.items():
        cache.clear()
        with transaction.atomic():
            shown = offered(world)
            done = accepted(world)
            transaction.set_rollback(True)
        if shown != done:
            disagreements.append(f"{action}: offered={shown}, accepted={done}")
    assert not disagreements, f"phase '{phase}':\n" + "\n".join(disagreements)
