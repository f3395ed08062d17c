"""The verification queue and the record page: access helper → form → service → redirect/render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from accounts.access import agency_staff_required, client_ip, get_for_agency, scoped, user_agency
from registry.listing import LIST_COLUMNS, encode_cursor, filter_records, keyset_page, list_rows
from registry.models import Document, Flag, Period, Status, WorkerRecord, record_timeline
from registry.portal import active_period
from registry.services.memos import filter_units
from registry.services.phase import CLOSED_CODES, submission_for
from verification.forms_decisions import BulkForm, ChangeForm, DecisionForm, QueueFilterForm, ReopenForm
from verification.services.decisions import (
    Outcome,
    RecordChanged,
    decision_bulk_eligible,
    decision_change,
    decision_record,
    decision_reopen,
    decisions_closed_reason,
    revision_permission,
)

QUEUE_SORT = "submitted"


def _queue(user, params: QueryDict, period: Period) -> tuple[QueueFilterForm, QuerySet[WorkerRecord], str]:
    """The queue's form, its records (oldest submission first) and its filters as a query string."""
    form = QueueFilterForm(params or None, units=filter_units(user_agency(user).pk))
    filters = form.filters()
    qs = scoped(user, WorkerRecord.objects.filter(period=period, submitted_at__isnull=False))
    qs = filter_records(qs, status=filters["status"], flag=filters["flag"], unit=filters["unit"])
    query = urlencode(
        {k: v for k, v in filters.items() if v and not (k == "status" and v == Status.SUBMITTED)}
    )
    return form, qs, query


def _record_url(record: WorkerRecord, queue: str = "") -> str:
    url = reverse("verify:record", args=[record.pk])
    return f"{url}?{queue}" if queue else url


def _queue_url(queue: str = "") -> str:
    url = reverse("verify:queue")
    return f"{url}?{queue}" if queue else url


def _next_url(request: HttpRequest, record: WorkerRecord, queue: str) -> str:
    """The record after this one in the queue (same filters), else the first still waiting, else the queue."""
    _form, qs, _query = _queue(request.user, QueryDict(queue), record.period)
    page = keyset_page(
        qs, sort=QUEUE_SORT, after=encode_cursor(record.submitted_at, record.pk), size=1, with_count=False
    )
    if not page.rows:
        page = keyset_page(qs.exclude(pk=record.pk), sort=QUEUE_SORT, size=1, with_count=False)
    if not page.rows:
        messages.info(request, _("No more records are waiting in the queue."))
        return _queue_url(queue)
    return _record_url(page.rows[0], queue)


@agency_staff_required
def queue(request: HttpRequest) -> HttpResponse:
    period = active_period()
    form, qs, query = _queue(request.user, request.GET, period)
    page = keyset_page(
        qs.select_related("work_unit").only(*LIST_COLUMNS, "submitted_at"),
        sort=QUEUE_SORT,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        # What the count depends on (cached a few seconds for a big queue): the agency, the period
        # and the filters — named here rather than by compiling the count's SQL on every page.
        count_key=repr(("queue", request.user.agency_id, period.pk, sorted(form.filters().items()))),
    )
    closed = decisions_closed_reason(submission_for(agency=user_agency(request.user), period=period))
    can_decide = request.user.can_write_agency_data and closed is None
    status = form.filters()["status"]
    record_url = reverse("verify:record", args=[0]).replace("/0/", "/{}/") + (f"?{query}" if query else "")
    return render(
        request,
        "verification/queue.html",
        {
            "form": form,
            "page": page,
            "rows": list_rows(page.rows, detail_url=record_url, submitted=True),
            "query": query,
            "status": status,
            "can_decide": can_decide,
            "selectable": can_decide and status == Status.SUBMITTED,
            "closed_reason": closed,
        },
    )


DOCUMENTS_BESIDE = {
    "identity_docs": (Document.Kind.KTP, Document.Kind.KK, Document.Kind.PHOTO, Document.Kind.SELFIE),
    "appointment_docs": (Document.Kind.SK, Document.Kind.PAY_PROOF),
    "education_docs": (Document.Kind.DIPLOMA,),
}


def _documents_beside_data(record: WorkerRecord) -> dict[str, list[tuple[str, str, Document | None]]]:
    """Each section's documents (kind, label, the upload or None), shown beside its data."""
    uploaded = {d.kind: d for d in record.documents.all()}
    return {
        section: [(kind.value, kind.label, uploaded.get(kind.value)) for kind in kinds]
        for section, kinds in DOCUMENTS_BESIDE.items()
    }


def _render_record(request: HttpRequest, record: WorkerRecord, **forms) -> HttpResponse:
    queue = forms.pop("queue", None)
    if queue is None:
        _form, _qs, queue = _queue(request.user, request.GET, record.period)
    submission = submission_for(agency=record.agency, period=record.period)
    closed = decisions_closed_reason(submission)
    can_decide = request.user.can_write_agency_data and closed is None
    context = {
        "record": record,
        "queue": queue,
        "flag_labels": dict(Flag.choices),
        **_documents_beside_data(record),
        "history": list(record.work_history.all()),
        "events": record_timeline(record.pk),
        "can_decide": can_decide,
        "closed_reason": closed,
        "decided": record.status in (Status.ELIGIBLE, Status.INELIGIBLE),
    }
    if can_decide and record.status == Status.SUBMITTED:
        context["decision_form"] = forms.get("decision_form") or DecisionForm.seen(
            record, queue, return_refused=revision_permission(submission).reason
        )
    if can_decide and context["decided"]:
        context["change_form"] = forms.get("change_form") or ChangeForm.seen(record, queue, prefix="change")
        context["reopen_form"] = forms.get("reopen_form") or ReopenForm.seen(record, queue, prefix="reopen")
    return render(request, "verification/record.html", context)


def _get_record(request: HttpRequest, pk: int) -> WorkerRecord:
    return get_for_agency(
        request.user,
        WorkerRecord.objects.select_related("work_unit", "period", "agency", "decided_by"),
        pk=pk,
    )


@agency_staff_required
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_record(request, _get_record(request, pk))


def _refused(request: HttpRequest, record: WorkerRecord, form, exc: ValidationError, name: str, queue: str):
    """A record changed meanwhile: say so and show it as it is now; other refusals stay on the form."""
    if isinstance(exc, RecordChanged) or not hasattr(exc, "error_dict"):
        messages.error(request, " ".join(exc.messages))
        return redirect(_record_url(record, queue))
    form.add_error(None, exc)
    return _render_record(request, record, queue=queue, **{name: form})


@require_POST
@agency_staff_required(write=True)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_record(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render_record(request, record, queue=form.data.get("queue", ""), decision_form=form)
    data, queue = form.cleaned_data, form.cleaned_data["queue"]
    try:
        record = decision_record(
            record_id=record.pk,
            outcome=data["outcome"],
            tms_reason=data["tms_reason"],
            reason=data["reason"],
            expected_status=data["expected_status"],
            expected_updated_at=data["expected_updated_at"],
            actor=request.user,
            ip=client_ip(request),
        )
    except ValidationError as exc:
        if data["outcome"] == Outcome.RETURN and getattr(exc, "code", None) in CLOSED_CODES:
            # The page now says why beside the choices, where "return" was: the refusal shown once.
            return redirect(_record_url(record, queue))
        return _refused(request, record, form, exc, "decision_form", queue)
    done = {
        Outcome.ELIGIBLE: _("%(name)s: decided MS (meets the requirements)."),
        Outcome.INELIGIBLE: _("%(name)s: decided TMS (does not meet the requirements)."),
        Outcome.RETURN: _("%(name)s was returned to the worker for revision."),
    }[Outcome(data["outcome"])]
    messages.success(request, done % {"name": record.full_name})
    if "save_next" in request.POST:
        return redirect(_next_url(request, record, queue))
    return redirect(_record_url(record, queue))


@require_POST
@agency_staff_required(write=True)
def change(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_record(request, pk)
    form = ChangeForm(request.POST, prefix="change")
    if not form.is_valid():
        return _render_record(request, record, queue=form.data.get("change-queue", ""), change_form=form)
    data, queue = form.cleaned_data, form.cleaned_data["queue"]
    before = record.updated_at
    try:
        record = decision_change(
            record_id=record.pk,
            outcome=data["outcome"],
            tms_reason=data["tms_reason"],
            reason=data["reason"],
            expected_status=data["expected_status"],
            expected_updated_at=data["expected_updated_at"],
            actor=request.user,
            ip=client_ip(request),
        )
    except ValidationError as exc:
        return _refused(request, record, form, exc, "change_form", queue)
    if record.updated_at == before:  # the record already had this decision
        messages.info(
            request,
            _("%(name)s already has the decision %(status)s; nothing was changed.")
            % {"name": record.full_name, "status": record.get_status_display()},
        )
    else:
        messages.success(
            request,
            _("The decision on %(name)s was changed to %(status)s.")
            % {"name": record.full_name, "status": record.get_status_display()},
        )
    return redirect(_record_url(record, queue))


@require_POST
@agency_staff_required(write=True)
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_record(request, pk)
    form = ReopenForm(request.POST, prefix="reopen")
    if not form.is_valid():
        return _render_record(request, record, queue=form.data.get("reopen-queue", ""), reopen_form=form)
    data, queue = form.cleaned_data, form.cleaned_data["queue"]
    try:
        record = decision_reopen(
            record_id=record.pk,
            reason=data["reason"],
            expected_status=data["expected_status"],
            expected_updated_at=data["expected_updated_at"],
            actor=request.user,
            ip=client_ip(request),
        )
    except ValidationError as exc:
        return _refused(request, record, form, exc, "reopen_form", queue)
    messages.success(
        request,
        _("The decision on %(name)s was reopened; the record is back in the queue.")
        % {"name": record.full_name},
    )
    return redirect(_record_url(record, queue))


@require_POST
@agency_staff_required(write=True)
def bulk_eligible(request: HttpRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    queue = form.data.get("queue", "")
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(_queue_url(queue))
    # Only the user's agency's records reach the service; another agency's ids are dropped here.
    ids = list(
        scoped(request.user, WorkerRecord.objects.filter(pk__in=form.cleaned_data["records"])).values_list(
            "pk", flat=True
        )
    )
    try:
        result = decision_bulk_eligible(
            agency=user_agency(request.user), record_ids=ids, actor=request.user, ip=client_ip(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_queue_url(queue))
    if result.decided:
        messages.success(request, _("%(n)s records decided MS.") % {"n": len(result.decided)})
    if result.flagged:
        messages.error(
            request,
            _("Not decided in bulk, their flags need a look one by one: %(names)s.")
            % {"names": ", ".join(r.full_name for r in result.flagged)},
        )
    if result.skipped:
        messages.warning(
            request,
            _("No longer waiting for a decision, left unchanged: %(names)s.")
            % {"names": ", ".join(r.full_name for r in result.skipped)},
        )
    return redirect(_queue_url(queue))


@xframe_options_sameorigin
@agency_staff_required
def document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """A record's document for the viewer beside the data (PDFs are framed by the record page)."""
    record = get_for_agency(request.user, WorkerRecord.objects.all(), pk=pk)
    doc = get_object_or_404(record.documents.all(), pk=document_pk)
    extension = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}[doc.content_type]
    response = FileResponse(
        doc.file.open("rb"), content_type=doc.content_type, filename=f"{doc.kind}.{extension}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
