"""Demo data: the 2022 rules, real agency names, staff accounts, and synthetic workers in every state.

Prints every demo account, one a line: role<TAB>username<TAB>password<TAB>agency code; the staff
first, then the workers (or, with --workers-file, the workers into that file, named at the end).
Re-running replaces the demo workers and accounts (agencies and the period are kept).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from demo.data import (
    AGENCIES,
    DEMO_COMPLAINTS,
    DEMO_PERIOD,
    EDUCATION,
    EXCLUDED_POSITIONS,
    FAMILY,
    MEN,
    PLACES,
    POSITIONS,
    STAFFED,
    UNITS,
    WOMEN,
)
from registry.models import Agency, AgencySubmission, Document, Period, Status, WorkerRecord, WorkUnit
from registry.services.phase import submission_open
from registry.services.records import WorkerData, worker_register
from registry.services.transitions import record_transition
from registry.services.worker_data import HistoryEntry, document_store, work_history_replace, worker_submit

# Share of each final state among the demo workers (every state appears once there are ≥ 8 workers).
STATE_PLAN = [
    Status.REGISTERED, Status.ACCOUNT_CREATED, Status.SUBMITTED, Status.ELIGIBLE, Status.INELIGIBLE,
    Status.NEEDS_REVISION, Status.NOT_COMPLETED, Status.RELEASED,
    Status.SUBMITTED, Status.ELIGIBLE, Status.REGISTERED, Status.ACCOUNT_CREATED, Status.ELIGIBLE, Status.SUBMITTED,
]  # fmt: skip
# The moves that lead from "registered" to each state.
PATHS = {
    Status.REGISTERED: [],
    Status.ACCOUNT_CREATED: [Status.ACCOUNT_CREATED],
    Status.SUBMITTED: [Status.ACCOUNT_CREATED, Status.SUBMITTED],
    Status.ELIGIBLE: [Status.ACCOUNT_CREATED, Status.SUBMITTED, Status.ELIGIBLE],
    Status.INELIGIBLE: [Status.ACCOUNT_CREATED, Status.SUBMITTED, Status.INELIGIBLE],
    Status.NEEDS_REVISION: [Status.ACCOUNT_CREATED, Status.SUBMITTED, Status.NEEDS_REVISION],
    Status.NOT_COMPLETED: [Status.NOT_COMPLETED],
    Status.RELEASED: [Status.RELEASED],
}
REASONS = {
    Status.INELIGIBLE: "Jabatan termasuk yang dikecualikan dari pendataan",
    Status.NEEDS_REVISION: "Unggah ulang SK pengangkatan yang terbaca jelas",
    Status.RELEASED: "Pindah tugas ke instansi lain",
    Status.NOT_COMPLETED: "Data tidak lengkap sampai batas waktu",
}


def _demo_files() -> dict[str, tuple[bytes, str, str]]:
    """One synthetic, clearly fake file per document kind: (content, file name, content type)."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    files: dict[str, tuple[bytes, str, str]] = {}
    for kind, label in Document.Kind.choices:
        colour = (40, 90, 200) if kind == "photo" else (235, 238, 242)
        image = Image.new("RGB", (480, 320) if kind != "photo" else (300, 400), colour)
        draw = ImageDraw.Draw(image)
        draw.rectangle((8, 8, image.width - 9, image.height - 9), outline=(120, 120, 120), width=3)
        draw.text(
            (24, 24), f"CONTOH / DEMO\n{label}", fill=(20, 20, 20) if kind != "photo" else (255, 255, 255)
        )
        buffer = BytesIO()
        if kind == "sk":
            image.save(buffer, "PDF")
            files[kind] = (buffer.getvalue(), "sk.pdf", "application/pdf")
        else:
            image.save(buffer, "JPEG", quality=85)
            files[kind] = (buffer.getvalue(), f"{kind}.jpg", "image/jpeg")
    return files


def _password(rng: random.Random) -> str:
    words = ["Merdeka", "Nusantara", "Garuda", "Pancasila", "Bhinneka", "Cendrawasih", "Rajawali", "Melati"]
    return f"{rng.choice(words)}-{rng.randint(1000, 9999)}-{rng.choice('abcdefghjkmnpqrstuvwxyz')}"


class Command(BaseCommand):
    help = "Load demo data (period, agencies, accounts, workers in every state) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=40, help="workers per staffed agency (default 40)")
        parser.add_argument(
            "--seed", type=int, default=2022, help="random seed; the same seed gives the same data"
        )
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")
        parser.add_argument(
            "--workers-file",
            default="",
            help="write the worker accounts to this file instead of the console (make run: var/demo-workers.tsv)",
        )

    def handle(self, *args, workers: int, seed: int, force: bool, workers_file: str = "", **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo loads demo accounts with known passwords; it runs only with DEBUG on (or --force)."
            )
        if workers < 0:
            raise CommandError("--workers must be 0 or more.")
        rng = random.Random(seed)
        # The demo workers' status changes would each send an e-mail (to made-up addresses).
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            lines = self.seed(rng=rng, workers=workers)
            prefinalised = (
                AgencySubmission.objects.filter(
                    period__name=DEMO_PERIOD, phase=AgencySubmission.Phase.PREFINALISED
                )
                .select_related("agency")
                .first()
            )
            if prefinalised is not None:
                records = WorkerRecord.objects.filter(agency=prefinalised.agency, period=prefinalised.period)
                seed_complaints(agency=prefinalised.agency, records=list(records.order_by("pk")), rng=rng)
            from announcements.services.statistics import statistics_refresh

            # The open statistics as the task worker builds them, so that the demo's first visitor
            # of /statistik/ sees figures rather than "Angka sedang disiapkan".
            statistics_refresh(period=Period.objects.get(name=DEMO_PERIOD), force=True)
        # The staff accounts a newcomer needs first; the many worker lines after them, or in a file.
        staff = [line for line in lines if line[0] != "worker"]
        worker_lines = [line for line in lines if line[0] == "worker"]
        for line in staff:
            self.stdout.write("\t".join(line))
        if workers_file:
            path = Path(workers_file)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join("\t".join(line) + "\n" for line in worker_lines))
            self.stdout.write(
                f"# {len(worker_lines)} worker accounts (role, NIK, password, agency) are in {path}; "
                "workers log in at /akun/masuk/ with the NIK."
            )
        else:
            for line in worker_lines:
                self.stdout.write("\t".join(line))

    @transaction.atomic
    def seed(self, *, rng: random.Random, workers: int) -> list[tuple[str, str, str, str]]:
        User = get_user_model()
        now = timezone.now()
        Period.objects.filter(is_active=True).exclude(name=DEMO_PERIOD).update(is_active=False)
        period, _ = Period.objects.update_or_create(
            name=DEMO_PERIOD,
            defaults={
                "is_active": True,
                "cutoff_date": dt.date(2021, 12, 31),
                "min_age": 20,
                "max_age": 56,
                "min_service_years": 1,
                "excluded_positions": EXCLUDED_POSITIONS,
                "input_deadline": now + dt.timedelta(days=30),
                "public_test_days": 5,
                "correction_deadline": now + dt.timedelta(days=40),
                "finalisation_deadline": now + dt.timedelta(days=45),
            },
        )
        agencies = {}
        for code, name, kind, region in AGENCIES:
            agency, _ = Agency.objects.update_or_create(code=code, defaults={"name": name, "kind": kind})
            agencies[code] = (agency, region)
            # The demo agencies join the period the way an agency always does, then start open.
            submission_open(agency=agency, period=period, actor=None)
            AgencySubmission.objects.filter(agency=agency, period=period).update(
                phase=AgencySubmission.Phase.OPEN
            )

        staffed = [agencies[code][0] for code, _short in STAFFED]
        # Start again from a clean slate for the demo people (staff, workers and their records).
        User.objects.filter(worker_record__agency__in=staffed).delete()
        User.objects.filter(username__in=self._staff_usernames()).delete()
        for document in Document.objects.filter(record__agency__in=staffed):
            document.file.delete(save=False)
        WorkerRecord.objects.filter(agency__in=staffed).delete()

        lines: list[tuple[str, str, str, str]] = []
        password = _password(rng)
        User.objects.create_superuser(
            username="bkn.admin", email="admin@bkn.demo", password=password, role="national_admin"
        )
        lines.append(("national_admin", "bkn.admin", password, "-"))

        for code, short in STAFFED:
            agency, region = agencies[code]
            for role, prefix in (
                ("agency_admin", "admin"),
                ("operator", "operator"),
                ("helpdesk", "helpdesk"),
            ):
                username = f"{prefix}.{short}"
                password = _password(rng)
                User.objects.create_user(
                    username=username,
                    password=password,
                    email=f"{username}@instansi.demo",
                    role=role,
                    agency=agency,
                    first_name=prefix.capitalize(),
                    last_name=agency.name.split()[-1],
                )
                lines.append((role, username, password, code))
            operator = User.objects.get(username=f"operator.{short}")
            units = [
                WorkUnit.objects.update_or_create(agency=agency, name=name, defaults={"is_blu": blu})[0]
                for name, blu in UNITS
            ]
            used_niks: set[str] = set()
            files = _demo_files()
            # Demo workers of one agency share a password: hashing one per worker would make seeding slow.
            worker_password = _password(rng)
            worker_hash = make_password(worker_password)
            for i in range(workers):
                target = STATE_PLAN[i % len(STATE_PLAN)]
                record = worker_register(
                    agency=agency,
                    period=period,
                    data=self._worker_data(rng, region=region, units=units, used=used_niks),
                    actor=operator,
                    ip="127.0.0.1",
                )
                worker = None
                for step in PATHS[target]:
                    if step == Status.ACCOUNT_CREATED:
                        worker = User.objects.create(
                            username=f"w{record.nik}",
                            password=worker_hash,
                            email=record.email,
                            role="worker",
                            worker_record=record,
                            first_name=record.full_name[:150],
                        )
                        lines.append(("worker", record.nik, worker_password, code))
                        record_transition(record_id=record.pk, to=step, actor=worker, ip="127.0.0.1")
                        self._upload(record, worker, files, kinds=("ktp", "photo"))
                    elif step == Status.SUBMITTED:
                        # The worker completes the data as the real journey asks, then submits.
                        self._upload(
                            record, worker, files, kinds=tuple(k for k in files if k not in ("ktp", "photo"))
                        )
                        work_history_replace(
                            record_id=record.pk,
                            entries=[
                                HistoryEntry(
                                    start_date=record.start_date,
                                    end_date=None,
                                    sk_number=record.sk_number,
                                    position=record.position,
                                    unit=record.work_unit.name if record.work_unit else agency.name,
                                )
                            ],
                            actor=worker,
                            ip="127.0.0.1",
                        )
                        worker_submit(record_id=record.pk, actor=worker, ip="127.0.0.1")
                    else:
                        record_transition(
                            record_id=record.pk,
                            to=step,
                            actor=operator,
                            reason=REASONS.get(step, ""),
                            ip="127.0.0.1",
                        )
        seed_phases(period=period, rng=rng, workers=workers)
        return lines

    @staticmethod
    def _upload(
        record: WorkerRecord, worker, files: dict[str, tuple[bytes, str, str]], *, kinds: tuple[str, ...]
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        for kind in kinds:
            content, name, content_type = files[kind]
            upload = SimpleUploadedFile(name, content, content_type=content_type)
            document_store(record=record, kind=kind, upload=upload, actor=worker, ip="127.0.0.1")

    @staticmethod
    def _staff_usernames() -> list[str]:
        return [f"{p}.{short}" for _c, short in STAFFED for p in ("admin", "operator", "helpdesk")] + [
            "bkn.admin"
        ]

    @staticmethod
    def _worker_data(rng: random.Random, *, region: str, units: list[WorkUnit], used: set[str]) -> WorkerData:
        sex = rng.choice("MF")
        first = rng.choice(MEN if sex == "M" else WOMEN)
        name = f"{first} {rng.choice(FAMILY)}"
        # Mostly eligible ages on the cut-off date, with a few too old or too young to show the flag.
        birth_year = rng.choice([rng.randint(1970, 1999)] * 9 + [rng.choice([1960, 1962, 2003])])
        birth_date = dt.date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
        while True:
            day = birth_date.day + (40 if sex == "F" else 0)
            nik = f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{rng.randint(1, 9999):04d}"
            if nik not in used:
                used.add(nik)
                break
        kk = f"{region}{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(10, 21):02d}{rng.randint(1, 9999):04d}"
        category = rng.choice(["non_asn"] * 4 + ["thk2"])
        position, asn_position = rng.choice(POSITIONS)
        start = dt.date(rng.randint(2005, 2021), rng.randint(1, 12), rng.randint(1, 28))
        level, institution = rng.choice(EDUCATION)
        user_part = name.lower().replace(" ", ".")
        return WorkerData(
            nik=nik,
            kk=kk,
            full_name=name,
            birth_place=rng.choice(PLACES),
            birth_date=birth_date,
            sex=sex,
            category=category,
            thk2_number=f"THK2-{rng.randint(10**7, 10**8 - 1)}" if category == "thk2" else "",
            position=position,
            asn_position=asn_position,
            work_unit=rng.choice(units),
            pay_source=rng.choice(["APBD"] * 8 + ["APBN", "OTHER"]),
            sk_number=f"800/{rng.randint(100, 999)}/BKPSDM/{start.year}",
            sk_date=start,
            sk_signer_position="Kepala Badan Kepegawaian dan Pengembangan SDM",
            start_date=start,
            monthly_pay=rng.choice([1_500_000, 2_000_000, 2_500_000, 3_000_000]),
            education_level=level,
            education_institution=institution,
            education_major=rng.choice(
                ["Pendidikan Guru SD", "Keperawatan", "Administrasi Negara", "Informatika"]
            ),
            diploma_number=f"DN-{rng.randint(100000, 999999)}",
            graduation_date=dt.date(min(start.year, 2020) - 1, 8, 30),
            phone=f"08{rng.randint(1100000000, 1399999999)}",
            email=f"{user_part}.{len(used)}@contoh.id",
            address=f"Jl. Merdeka No. {rng.randint(1, 200)}, {rng.choice(PLACES)}",
        )


# --- Phases (verification app): one agency open, one prefinalised, one completed -----------------
# Kept apart from the rest of the demo on purpose; every move goes through verification's services.
COMPLETED_DEMO_AGENCY = "B3204"  # no staff accounts: finished through the national admin
COMPLETED_DEMO_WORKERS = 6


def seed_phases(*, period: Period, rng: random.Random, workers: int) -> None:
    """Bandung stays open with submitted records to decide; Sleman's records are decided and the
    agency prefinalised; Kabupaten Bandung is finalised and completed with a generated SPTJM."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from verification.models import PhaseChange, SignedSptjm, Sptjm
    from verification.services.phases import submission_finalise, submission_prefinalise
    from verification.services.sptjm import sptjm_build, sptjm_start, sptjm_upload_signed

    User = get_user_model()
    national = User.objects.get(username="bkn.admin")
    completed = Agency.objects.get(code=COMPLETED_DEMO_AGENCY)
    demo = [Agency.objects.get(code=code) for code, _short in STAFFED] + [completed]
    submissions = AgencySubmission.objects.filter(period=period, agency__in=demo)
    for signed in SignedSptjm.objects.filter(submission__in=submissions):
        signed.file.delete(save=False)
        signed.delete()
    for sptjm in Sptjm.objects.filter(submission__in=submissions):
        sptjm.file.delete(save=False)
        sptjm.delete()
    PhaseChange.objects.filter(submission__in=submissions).delete()
    User.objects.filter(worker_record__agency=completed).delete()
    for document in Document.objects.filter(record__agency=completed):
        document.file.delete(save=False)
    WorkerRecord.objects.filter(agency=completed).delete()

    # Sleman: every submitted record decided (flagged ones TMS), then prefinalised by its admin.
    sleman = Agency.objects.get(code=STAFFED[1][0])
    operator = User.objects.get(username=f"operator.{STAFFED[1][1]}")
    # Records returned for revision block prefinalisation: their workers send them again first.
    for record in WorkerRecord.objects.filter(agency=sleman, status=Status.NEEDS_REVISION):
        worker = User.objects.filter(worker_record=record).first()
        record_transition(record_id=record.pk, to=Status.SUBMITTED, actor=worker, ip="127.0.0.1")
    for record in WorkerRecord.objects.filter(agency=sleman, status=Status.SUBMITTED):
        target = Status.INELIGIBLE if record.flags else Status.ELIGIBLE
        record_transition(
            record_id=record.pk, to=target, actor=operator, reason=REASONS.get(target, ""), ip="127.0.0.1"
        )
    submission_prefinalise(
        submission_id=AgencySubmission.objects.get(agency=sleman, period=period).pk,
        actor=User.objects.get(username=f"admin.{STAFFED[1][1]}"),
        ip="127.0.0.1",
    )

    # Kabupaten Bandung: a few workers, decided, finalised, the SPTJM generated and "signed".
    units = [WorkUnit.objects.get_or_create(agency=completed, name=name, defaults={"is_blu": blu})[0]
             for name, blu in UNITS if not blu]  # fmt: skip
    used: set[str] = set()
    files = _demo_files()
    for _ in range(min(workers, COMPLETED_DEMO_WORKERS)):
        record = worker_register(
            agency=completed, period=period, ip="127.0.0.1", actor=national,
            data=Command._worker_data(rng, region="320401", units=units, used=used),
        )  # fmt: skip
        # The worker's journey (no printed login: these workers only fill the completed agency's list).
        worker = User(username=f"w{record.nik}", role="worker", worker_record=record, email=record.email)
        worker.set_unusable_password()
        worker.save()
        record_transition(record_id=record.pk, to=Status.ACCOUNT_CREATED, actor=worker, ip="127.0.0.1")
        Command._upload(record, worker, files, kinds=tuple(files))
        work_history_replace(
            record_id=record.pk,
            entries=[
                HistoryEntry(
                    start_date=record.start_date,
                    end_date=None,
                    sk_number=record.sk_number,
                    position=record.position,
                    unit=record.work_unit.name,
                )
            ],  # fmt: skip
            actor=worker,
            ip="127.0.0.1",
        )
        worker_submit(record_id=record.pk, actor=worker, ip="127.0.0.1")
        record_transition(record_id=record.pk, to=Status.ELIGIBLE, actor=national, ip="127.0.0.1")
    submission = AgencySubmission.objects.get(agency=completed, period=period)
    submission_prefinalise(submission_id=submission.pk, actor=national, ip="127.0.0.1")
    _public_test_dated_back(submission)
    submission_finalise(submission_id=submission.pk, actor=national, ip="127.0.0.1")
    sptjm = sptjm_start(
        submission_id=submission.pk,
        ppk_name="Drs. Contoh Pejabat, M.Si.",
        ppk_nip="197001012000031001",
        ppk_position="Sekretaris Daerah Kabupaten Bandung",
        actor=national,
    )
    sptjm = sptjm_build(sptjm_id=sptjm.pk)
    with sptjm.file.open("rb") as fh:
        scan = SimpleUploadedFile("sptjm-ditandatangani.pdf", fh.read(), content_type="application/pdf")
    sptjm_upload_signed(submission_id=submission.pk, upload=scan, actor=national, ip="127.0.0.1")


def _public_test_dated_back(submission: AgencySubmission) -> None:
    """The completed demo agency's public test really ended: its prefinalisation (and the window its
    public-test list shows) dated back by the public-test days, so finalisation's rule holds unchanged."""
    from announcements.models import ListSnapshot

    submission.refresh_from_db()
    back = dt.timedelta(days=submission.period.public_test_days, hours=1)
    AgencySubmission.objects.filter(pk=submission.pk).update(
        prefinalised_at=submission.prefinalised_at - back
    )
    for snapshot in ListSnapshot.objects.filter(submission=submission, objections_open_at__isnull=False):
        ListSnapshot.objects.filter(pk=snapshot.pk).update(
            objections_open_at=snapshot.objections_open_at - back,
            objections_close_at=snapshot.objections_close_at - back,
        )
    # The phase history the agency and the national desk read tells the same story: prefinalised
    # (and the records decided before it) a public test's length before the finalisation.
    from verification.models import PhaseChange

    for change in PhaseChange.objects.filter(
        submission=submission, to_phase=AgencySubmission.Phase.PREFINALISED
    ):
        PhaseChange.objects.filter(pk=change.pk).update(created_at=change.created_at - back)


# --- Complaints (announcements app): a few in each state for the prefinalised agency -------------
# Kept apart from the rest of the demo on purpose; filed and answered through announcements' services.
@transaction.atomic
def seed_complaints(*, agency: Agency, records: list[WorkerRecord], rng: random.Random) -> None:
    """Complaints open, accepted (the record's decision changed MS → TMS) and rejected, plus one open
    "not listed" report, for the agency in its public test. Re-running replaces them."""
    from announcements.models import Complaint
    from announcements.services.complaints.answering import complaint_answer
    from announcements.services.complaints.filing import Complainant, complaint_file, report_file
    from announcements.services.complaints.window import complaint_window, public_submission

    for complaint in Complaint.objects.filter(agency=agency):
        if complaint.evidence:
            complaint.evidence.delete(save=False)
    Complaint.objects.filter(agency=agency).delete()
    if not complaint_window(public_submission(agency)).is_open:
        return
    User = get_user_model()
    operator = User.objects.filter(agency=agency, role="operator").first() or User.objects.get(
        username="bkn.admin"
    )
    records = list(
        WorkerRecord.objects.filter(pk__in=[r.pk for r in records]).order_by("pk")
    )  # current statuses
    listed = [r for r in records if r.status != Status.RELEASED]
    eligible = [r for r in listed if r.status == Status.ELIGIBLE]
    used: set[str] = {r.nik for r in records}
    region = records[0].nik[:6] if records else "340401"
    for i, (state, description, answer) in enumerate(DEMO_COMPLAINTS):
        pool = eligible if state == "accepted" and eligible else listed
        if not pool:
            return
        record = pool[i % len(pool)]
        complaint = complaint_file(
            agency=agency,
            record_id=record.pk,
            complainant=Complainant(*_demo_person(rng, region=region, used=used)),
            description=description,
        )
        if state != "open":
            complaint_answer(
                complaint_id=complaint.pk,
                accepted=state == "accepted",
                answer=answer,
                change_to="tms" if state == "accepted" and record.status == Status.ELIGIBLE else "",
                tms_reason="fake",
                actor=operator,
                ip="127.0.0.1",
            )
    missing_name, missing_nik, _email, _phone = _demo_person(rng, region=region, used=used)
    report_file(
        agency=agency,
        nik=missing_nik,
        name=missing_name,
        complainant=Complainant(*_demo_person(rng, region=region, used=used)),
        description="Bekerja sebagai tenaga administrasi di Sekretariat Daerah sejak 2017, tetapi tidak ada di daftar.",
    )


def _demo_person(rng: random.Random, *, region: str, used: set[str]) -> tuple[str, str, str, str]:
    """A made-up member of the public: name, a valid NIK (unused in the demo), e-mail, phone."""
    sex = rng.choice("MF")
    name = f"{rng.choice(MEN if sex == 'M' else WOMEN)} {rng.choice(FAMILY)}"
    while True:
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1965, 2000)
        nik = f"{region}{day + (40 if sex == 'F' else 0):02d}{month:02d}{year % 100:02d}{rng.randint(1, 9999):04d}"
        if nik not in used:
            used.add(nik)
            break
    email = f"{name.lower().replace(' ', '.')}.{len(used)}@contoh.id"
    return name, nik, email, f"08{rng.randint(1100000000, 1399999999)}"
