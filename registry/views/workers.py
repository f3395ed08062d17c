"""The agency portal's worker pages: the list (search, filters, export), one worker, add, edit, release."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import (
    agency_staff_required,
    client_ip,
    get_record_for_agency,
    scoped,
    user_agency,
)
from registry.forms import ReleaseForm, WorkerFilterForm, WorkerForm
from registry.listing import (
    DEFAULT_SORT,
    LIST_COLUMNS,
    Page,
    filter_args,
    filter_records,
    keyset_page,
    list_rows,
    names_alone,
    ordering,
)
from registry.models import Flag, RecordName, WorkerRecord, WorkUnit, record_timeline
from registry.portal import active_period, add_service_errors, export_download
from registry.rules import possible_duplicates
from registry.services.exports import export_csv_rows, export_log, export_xlsx
from registry.services.memos import filter_units
from registry.services.phase import (
    agency_write_permission,
    record_edit_permission,
    record_release_permission,
    submission_for,
)
from registry.services.records import (
    EDITABLE_STATUSES,
    worker_register,
    worker_release,
    worker_update,
)


def _units(user) -> list[WorkUnit]:
    """The agency's units, read now: the register and edit forms validate a write against them."""
    return list(scoped(user, WorkUnit.objects.all()).only("id", "name", "is_blu"))


def _filtered(request: HttpRequest):
    """The filter form, its values, the records it selects (None when a filter is invalid) and the period.

    An invalid filter (an unknown status, another agency's unit) never widens to the whole agency:
    the list shows the errors and no rows, the export refuses.
    """
    period = active_period()
    form = WorkerFilterForm(request.GET or None, units=filter_units(user_agency(request.user).pk))
    if form.is_bound and not form.is_valid():
        return form, {}, None, period
    filters = form.cleaned_data if form.is_bound else {}
    qs = filter_records(
        scoped(request.user, WorkerRecord.objects.filter(period=period)), **filter_args(filters)
    )
    return form, filters, qs, period


def _count_key(request: HttpRequest, period, filters: dict) -> str:
    """What a list's count depends on: the user's agency, the active period and the filters."""
    chosen = sorted((k, str(v)) for k, v in filters.items() if k != "sort" and v not in ("", None))
    return repr(("workers", request.user.agency_id, period.pk, chosen))


@agency_staff_required
def worker_list(request: HttpRequest) -> HttpResponse:
    form, filters, qs, period = _filtered(request)
    sort = filters.get("sort") or DEFAULT_SORT
    if qs is None:
        page = Page(rows=[], next_cursor=None, prev_cursor=None, count=0, count_capped=False)
    else:
        page = keyset_page(
            qs.select_related("work_unit").only(*LIST_COLUMNS),
            sort=sort,
            after=request.GET.get("after"),
            before=request.GET.get("before"),
            count_key=_count_key(request, period, filters),
            search=filters.get("q", ""),
            names=names_alone(
                scoped(request.user, RecordName.objects.filter(period=period)), **filter_args(filters)
            ),
        )
    params = request.GET.copy()
    for key in ("after", "before"):
        params.pop(key, None)
    detail_url = reverse("registry:worker-detail", args=[0]).replace("/0/", "/{}/")
    return render(
        request,
        "registry/worker_list.html",
        {
            "form": form,
            "filter_invalid": qs is None,
            "page": page,
            "rows": list_rows(page.rows, detail_url=detail_url),
            "query": params.urlencode(),
            "flag_labels": dict(Flag.choices),
            "can_write": request.user.can_write_agency_data,
        },
    )


@agency_staff_required
def worker_export(request: HttpRequest, file_format: str) -> HttpResponse:
    form, filters, qs, _period = _filtered(request)
    if qs is None:
        messages.error(request, _("Nothing was exported: correct the filter first."))
        return redirect(f"{reverse('registry:worker-list')}?{request.GET.urlencode()}")
    qs = qs.order_by(*ordering(filters.get("sort") or DEFAULT_SORT))
    agency = user_agency(request.user)
    export_log(
        agency=agency,
        actor=request.user,
        file_format=file_format,
        filters={k: str(v) for k, v in filters.items() if v},
        ip=client_ip(request),
    )
    return export_download(
        file_format,
        "tenaga-non-asn",
        csv_lines=lambda: export_csv_rows(qs),
        xlsx_file=lambda: export_xlsx(qs),
    )


@agency_staff_required(write=True)
def worker_create(request: HttpRequest) -> HttpResponse:
    period = active_period()
    agency = user_agency(request.user)
    units = _units(request.user)
    form = WorkerForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            record = worker_register(
                agency=agency,
                period=period,
                data=form.worker_data(),
                actor=request.user,
                ip=client_ip(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if record.flags:
                messages.warning(
                    request,
                    _("%(name)s was registered, with eligibility flags to review.")
                    % {"name": record.full_name},
                )
            else:
                messages.success(request, _("%(name)s was registered.") % {"name": record.full_name})
            if "add_another" in request.POST:
                return redirect("registry:worker-create")
            return redirect("registry:worker-detail", pk=record.pk)
    return render(
        request, "registry/worker_form.html", {"form": form, "record": None, **_phase(agency, period)}
    )


def _phase(agency, period, record=None) -> dict:
    """What the form page says before anything is typed: the same rule the service applies to the POST
    (phase, input deadline, the record's status), so a refusal is shown once, up front."""
    submission = submission_for(agency=agency, period=period)
    if record is not None:
        permission = record_edit_permission(record, submission, editable_statuses=EDITABLE_STATUSES)
    else:
        permission = agency_write_permission(submission, period=period)
    return {"is_open": permission.allowed, "closed_message": permission.reason}


@agency_staff_required
def worker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_record_for_agency(request.user, pk)
    duplicates = possible_duplicates(
        period=record.period,
        nik=record.nik,
        full_name=record.full_name,
        birth_date=record.birth_date,
        exclude_pk=record.pk,
    )
    own_duplicates, other_duplicates = [], 0
    if Flag.POSSIBLE_DUPLICATE in record.flags:  # the flag is kept current on every write
        duplicates = list(duplicates.only("id", "full_name", "agency_id"))
        own_duplicates = [d for d in duplicates if d.agency_id == record.agency_id]
        other_duplicates = sum(1 for d in duplicates if d.agency_id != record.agency_id)
    submission = submission_for(agency=record.agency, period=record.period)
    edit = record_edit_permission(record, submission, editable_statuses=EDITABLE_STATUSES)
    release = record_release_permission(record, submission)
    return render(
        request,
        "registry/worker_detail.html",
        {
            "record": record,
            "flag_labels": dict(Flag.choices),
            "documents": record.documents.all(),
            "history": record.work_history.all(),
            "events": record_timeline(record.pk),
            "has_account": record.has_worker_account,
            "own_duplicates": own_duplicates,
            "other_duplicates": other_duplicates,
            "can_edit": request.user.can_write_agency_data and edit.allowed,
            "can_release": request.user.can_write_agency_data and release.allowed,
            "release_form": ReleaseForm(),
        },
    )


@agency_staff_required(write=True)
def worker_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_record_for_agency(request.user, pk)
    form = WorkerForm(request.POST or None, instance=record, units=_units(request.user))
    phase = _phase(record.agency, record.period, record)
    if request.method == "POST" and form.is_valid() and phase["is_open"]:
        try:
            updated = worker_update(
                record_id=record.pk,
                data=form.worker_data(),
                reason=form.change_reason(),
                actor=request.user,
                ip=client_ip(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if updated.updated_at == record.updated_at:  # the service found nothing to change
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(request, _("The changes were saved."))
            return redirect("registry:worker-detail", pk=record.pk)
    record.refresh_from_db()
    return render(
        request,
        "registry/worker_form.html",
        {
            "form": form,
            "record": record,
            "has_account": record.has_worker_account,
            **phase,
        },
    )


@require_POST
@agency_staff_required(write=True)
def worker_release_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_record_for_agency(request.user, pk)
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            worker_release(
                record_id=record.pk,
                reason=form.cleaned_data["reason"],
                actor=request.user,
                ip=client_ip(request),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(name)s was released; the NIK can now be registered by another agency.")
                % {"name": record.full_name},
            )
    else:
        messages.error(request, _("Say why the record is released."))
    return redirect("registry:worker-detail", pk=record.pk)
