"""The worker's status page and data completion: biodata, work history, education, documents, resume."""

from __future__ import annotations

import copy
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import client_ip, worker_record, worker_required
from accounts.forms_worker import BiodataForm, DocumentUploadForm, EducationForm, WorkHistoryFormSet
from registry.models import AgencySubmission, Document, WorkerRecord
from registry.services.phase import submission_for
from registry.services.worker_data import (
    APPOINTMENT_FIELDS,
    CONTACT_FIELDS,
    EDUCATION_FIELDS,
    HistoryEntry,
    NotEditable,
    document_store,
    missing_items,
    work_history_replace,
    worker_can_edit,
    worker_details_update,
    worker_submit,
)
from registry.timeline import period_timeline

SECTIONS = [
    ("biodata", "worker:biodata", gettext_lazy("Biodata")),
    ("history", "worker:history", gettext_lazy("Work History")),
    ("education", "worker:education", gettext_lazy("Education")),
    ("documents", "worker:documents", gettext_lazy("Documents")),
    ("resume", "worker:resume", gettext_lazy("Resume")),
]
READ_ONLY_MESSAGE = gettext_lazy(
    "Your data can no longer be changed: it has been decided, your agency has closed the input, or the deadline has passed."
)


def _section_context(record: WorkerRecord, current: str, submission: AgencySubmission | None = None) -> dict:
    missing = missing_items(record)
    by_section: dict[str, list[str]] = defaultdict(list)
    for item in missing:
        by_section[item.section].append(item.label)
    sections = [
        {
            "key": key,
            "url": reverse(url_name),
            "label": label,
            "number": i,
            "missing": len(by_section.get(key, [])),
            "current": key == current,
        }
        for i, (key, url_name, label) in enumerate(SECTIONS, start=1)
    ]
    return {
        "record": record,
        "sections": sections,
        "missing": missing,
        "missing_here": by_section.get(current, []),
        "editable": worker_can_edit(record, submission=submission),
        "read_only_message": READ_ONLY_MESSAGE,
        "current": current,
    }


RECORD_LISTS = ("work_history", "documents")


def worker_record_full(
    request: HttpRequest, *, with_contact: bool = False, lists: bool = True
) -> WorkerRecord:
    """The logged-in worker's record with what every worker page shows, in one query plus prefetches
    (with the agency's contact joined in for the home page). lists=False leaves out the work history
    and documents (RECORD_LISTS) for a request that may not draw a page: read them with
    prefetch_related_objects when it does."""
    related = ["agency", "period", "work_unit", *(["agency__contact"] if with_contact else [])]
    records = WorkerRecord.objects.select_related(*related)
    if lists:
        records = records.prefetch_related(*RECORD_LISTS)
    return records.get(
        pk=request.user.worker_record_id
    )  # worker_required checked it: no user.worker_record query


def _submission(record: WorkerRecord) -> AgencySubmission | None:
    """The agency's submission, read once per request: the page and the save both ask whether the
    worker may still edit."""
    return submission_for(agency=record.agency, period=record.period)


def _form_copy(record: WorkerRecord) -> WorkerRecord:
    """The record for a ModelForm to fill: a copy, so that a refused POST's values never reach the
    page's own view of the record (what is missing, the resume), without reading the row again."""
    return copy.copy(record)


@worker_required
def home(request: HttpRequest) -> HttpResponse:
    """The worker's status page: where the record stands, what is missing, what to do next."""
    record = worker_record_full(request, with_contact=True)
    submission = submission_for(agency=record.agency, period=record.period)
    context = _section_context(record, "", submission)
    context["can_print_data_card"] = record.submitted_at is not None
    context["timeline"] = period_timeline(submission=submission) if submission else None
    context["contact"] = getattr(record.agency, "contact", None)  # joined with the record
    return render(request, "accounts/worker_home.html", context)


def _save_fields(request: HttpRequest, form, fields, record, next_url: str, submission=None):
    if not worker_can_edit(record, submission=submission):
        messages.error(request, READ_ONLY_MESSAGE)
        return None
    if not form.is_valid():
        return None
    # Only the named fields reach the service, whatever else a forged POST carries.
    changes = {name: form.cleaned_data[name] for name in fields}
    try:
        saved = worker_details_update(
            record_id=record.pk, changes=changes, actor=request.user, ip=client_ip(request)
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    except NotEditable:
        messages.error(request, READ_ONLY_MESSAGE)
        return None
    if saved.updated_at == record.updated_at:  # the service found nothing to change
        messages.info(request, _("Nothing was changed."))
    else:
        messages.success(request, _("Saved."))
    return redirect(next_url)


@worker_required
def biodata(request: HttpRequest) -> HttpResponse:
    record = worker_record_full(request)
    submission = _submission(record)
    fields = (*CONTACT_FIELDS, *APPOINTMENT_FIELDS)
    form = BiodataForm(request.POST or None, instance=_form_copy(record))
    if request.method == "POST":
        response = _save_fields(request, form, fields, record, reverse("worker:history"), submission)
        if response:
            return response
    context = _section_context(record, "biodata", submission)
    context["form"] = form
    return render(request, "accounts/section_biodata.html", context)


@worker_required
def education(request: HttpRequest) -> HttpResponse:
    record = worker_record_full(request)
    submission = _submission(record)
    form = EducationForm(request.POST or None, instance=_form_copy(record))
    if request.method == "POST":
        response = _save_fields(
            request, form, EDUCATION_FIELDS, record, reverse("worker:documents"), submission
        )
        if response:
            return response
    context = _section_context(record, "education", submission)
    context["form"] = form
    return render(request, "accounts/section_education.html", context)


@worker_required
def history(request: HttpRequest) -> HttpResponse:
    record = worker_record_full(request)
    existing = [
        {
            "start_date": h.start_date,
            "end_date": h.end_date,
            "sk_number": h.sk_number,
            "position": h.position,
            "unit": h.unit,
        }
        for h in record.work_history.all()
    ]
    formset = WorkHistoryFormSet(request.POST or None, initial=existing, prefix="history")
    submission = _submission(record)
    if request.method == "POST":
        if not worker_can_edit(record, submission=submission):
            messages.error(request, READ_ONLY_MESSAGE)
        elif formset.is_valid():
            entries = [
                HistoryEntry(
                    **{
                        k: f.cleaned_data[k]
                        for k in ("start_date", "end_date", "sk_number", "position", "unit")
                    }
                )
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                work_history_replace(
                    record_id=record.pk, entries=entries, actor=request.user, ip=client_ip(request)
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            except NotEditable:
                messages.error(request, READ_ONLY_MESSAGE)
            else:
                messages.success(request, _("Saved."))
                if "add" in request.POST:
                    return redirect("worker:history")
                return redirect("worker:education")
    context = _section_context(record, "history", submission)
    context["formset"] = formset
    context["can_add"] = len(existing) < 5
    return render(request, "accounts/section_history.html", context)


@worker_required
def documents(request: HttpRequest) -> HttpResponse:
    # A successful upload redirects (five of them a journey): the lists the page shows are read only
    # when the page is drawn, after the upload, so they include it.
    uploading = request.method == "POST"
    record = worker_record_full(request, lists=not uploading)
    submission = _submission(record)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in Document.Kind.values:
            raise Http404
        form = DocumentUploadForm(request.POST, request.FILES)
        if not worker_can_edit(record, submission=submission):
            messages.error(request, READ_ONLY_MESSAGE)
        elif form.is_valid():
            try:
                document_store(
                    record=record,
                    kind=kind,
                    upload=form.cleaned_data["file"],
                    actor=request.user,
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                errors[kind] = exc.messages
            except NotEditable:
                messages.error(request, READ_ONLY_MESSAGE)
            else:
                messages.success(
                    request, _("%(document)s uploaded.") % {"document": Document.Kind(kind).label}
                )
                return redirect(reverse("worker:documents") + f"#doc-{kind}")
        else:
            errors[kind] = [_("Choose a file first.")]
    if uploading:
        prefetch_related_objects([record], *RECORD_LISTS)
    have = {d.kind: d for d in record.documents.all()}
    rows = [
        {
            "kind": kind,
            "label": label,
            "document": have.get(kind),
            "errors": errors.get(kind, []),
            "accept": "image/jpeg,image/png"
            if kind in ("photo", "selfie")
            else "image/jpeg,image/png,application/pdf",
        }
        for kind, label in Document.Kind.choices
    ]
    context = _section_context(record, "documents", submission)
    context["rows"] = rows
    return render(request, "accounts/section_documents.html", context, status=400 if errors else 200)


@worker_required
def resume(request: HttpRequest) -> HttpResponse:
    record = worker_record_full(request)
    context = _section_context(record, "resume")
    context["can_print_data_card"] = record.submitted_at is not None
    return render(request, "accounts/section_resume.html", context)


@worker_required
@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    record = worker_record(request.user)
    try:
        worker_submit(record_id=record.pk, actor=request.user, ip=client_ip(request))
    except NotEditable:
        messages.error(request, READ_ONLY_MESSAGE)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Your data has been sent to your agency for verification. Print your data collection card."),
        )
    return redirect("worker:resume")
