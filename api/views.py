"""The HR-system API (/api/v1/): thin views over the portal's own forms, services and selectors.

Each view: the key (authentication), its rights (permissions), its minute's count (throttle), then
the portal's form -> the portal's service -> a JSON answer. Refusals are problem documents (problems.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import client_ip, get_record_for_agency, scoped, user_agency
from api import services
from api.auth import AgencyKey, ApiKeyAuthentication, NationalKey, PerKeyRate, max_body_bytes
from api.models import ApiKey
from api.problems import PROBLEM_TYPE, ApiProblem, ProblemSerializer, problem_response
from api.serializers import (
    DOCUMENT_COLUMNS,
    AgencySummarySerializer,
    BaselinePageSerializer,
    BaselineRecordSerializer,
    BulkInputSerializer,
    BulkResultSerializer,
    ChangesPageSerializer,
    ReleaseInputSerializer,
    WorkerInputSerializer,
    WorkerPageSerializer,
    WorkerSerializer,
    worker_document,
)
from registry.forms import ReleaseForm, WorkerFilterForm, WorkerForm
from registry.listing import DEFAULT_SORT, filter_args, filter_records, keyset_page, names_alone
from registry.models import AgencySubmission, AuditEvent, RecordName, Status, WorkerRecord
from registry.services.counts import agency_counts
from registry.services.memos import current_period, filter_units
from registry.services.phase import submission_for
from registry.services.records import worker_register, worker_release, worker_update

PROBLEM_STATUSES = (400, 401, 403, 404, 405, 406, 409, 413, 415, 429)
LIST_MAX = 100
CHANGES_MAX = 500
BASELINE_MAX = 1000


class ProblemsAutoSchema(AutoSchema):
    """Every operation documents the problem answers it can give, as application/problem+json."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status in PROBLEM_STATUSES:
            responses.setdefault(
                str(status),
                self._get_response_for_code(ProblemSerializer, str(status), [PROBLEM_TYPE], direction),
            )
        return responses


class ApiView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [AgencyKey]
    throttle_classes = [PerKeyRate]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    schema = ProblemsAutoSchema()

    def initial(self, request: Request, *args, **kwargs) -> None:
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > max_body_bytes():
            raise ApiProblem(
                413,
                "request_too_large",
                _("The request body is larger than %(size)d bytes; send fewer workers at a time.")
                % {"size": max_body_bytes()},
            )
        # Read (and keep) the body now: the Idempotency-Key's fingerprint needs it after parsing.
        request._request.body  # noqa: B018
        super().initial(request, *args, **kwargs)

    @property
    def key(self) -> ApiKey:
        return self.request.auth

    def period(self):
        period = current_period()
        if period is None:
            raise Http404
        return period

    def json_object(self, request: Request) -> dict[str, Any]:
        data = request.data
        if not isinstance(data, dict):
            raise ApiProblem(400, "malformed_json", _("Send one JSON object."))
        return data

    def with_idempotency(self, request: Request, produce) -> Response:
        """Run `produce` once per Idempotency-Key (when the request has one): a retry gets the stored answer."""
        idem = request.headers.get("Idempotency-Key", "").strip()
        if not idem:
            status, body = produce()
            return Response(body, status=status)
        if len(idem) > 200 or not idem.isprintable():
            raise ApiProblem(400, "bad_idempotency_key", _("An Idempotency-Key has at most 200 characters."))
        fingerprint = services.request_fingerprint(request.method, request.path, request.body)
        try:
            status, body, replayed = services.idempotent_answer(
                key=self.key, idempotency_key=idem, fingerprint=fingerprint, produce=produce
            )
        except services.IdempotencyConflict:
            raise ApiProblem(
                409,
                "idempotency_key_reused",
                _("This Idempotency-Key was used for a different request. Use a new key for a new request."),
            ) from None
        response = Response(body, status=status)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response


def _size(request: Request, *, maximum: int, default: int | None) -> int | None:
    """The `size` query parameter: a whole number from 1 to `maximum` (400 otherwise)."""
    raw = request.query_params.get("size")
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= maximum:
        raise ApiProblem(
            400,
            "bad_size",
            _("'size' is a whole number from 1 to %(max)d.") % {"max": maximum},
        )
    return int(raw)


def _size_parameter(maximum: int, default: int) -> OpenApiParameter:
    return OpenApiParameter(
        "size",
        {"type": "integer", "minimum": 1, "maximum": maximum},
        description=f"Rows a page (1-{maximum}, {default} by default).",
    )


def _worker(record: WorkerRecord) -> dict:
    return worker_document(record)


def _form_data(data: dict[str, Any]) -> dict[str, Any]:
    values, errors = services.form_input(data)
    if errors:
        raise ApiProblem(
            400, "validation_failed", _("Correct the fields named in errors and send again."), errors=errors
        )
    return values


class WorkerListView(ApiView):
    @extend_schema(
        operation_id="workers_list",
        parameters=[
            OpenApiParameter("q", str, description="Name, NIK (whole or 6+ digits) or registration number."),
            OpenApiParameter("status", str, enum=["", *Status.values]),
            OpenApiParameter("category", str),
            OpenApiParameter("flag", str, description="A flag, `any` or `none`."),
            # A string of digits, empty for every unit (as the portal's filter sends it): an empty
            # `unit=` is what a client sends for "no unit", and an integer cannot describe it.
            OpenApiParameter(
                "unit", str, pattern=r"^[0-9]*$", description="A work unit id; empty: every unit."
            ),
            OpenApiParameter("sort", str, enum=["", "name", "-name", "newest", "oldest"]),
            OpenApiParameter("after", str, description="next_cursor of the previous page."),
            OpenApiParameter("before", str, description="prev_cursor of the next page."),
            _size_parameter(LIST_MAX, 25),
        ],
        responses={200: WorkerPageSerializer},
    )
    def get(self, request: Request) -> Response:
        """The agency's workers, filtered and sorted as on the portal's list, a page at a time."""
        period = self.period()
        agency = user_agency(request.user)
        form = WorkerFilterForm(request.query_params, units=filter_units(agency.pk))
        if not form.is_valid():
            raise ApiProblem(
                400, "validation_failed", _("Correct the fields named in errors and send again."),
                errors=services.field_errors(form.errors),
            )  # fmt: skip
        filters = form.cleaned_data
        size = _size(request, maximum=LIST_MAX, default=None)
        qs = filter_records(
            scoped(request.user, WorkerRecord.objects.filter(period=period)), **filter_args(filters)
        )
        chosen = sorted((k, str(v)) for k, v in filters.items() if k != "sort" and v not in ("", None))
        page = keyset_page(
            qs.select_related("work_unit").only(*DOCUMENT_COLUMNS),
            sort=filters.get("sort") or DEFAULT_SORT,
            after=request.query_params.get("after"),
            before=request.query_params.get("before"),
            size=size,
            count_key=repr(("workers", agency.pk, period.pk, chosen)),
            search=filters.get("q", ""),
            names=names_alone(
                scoped(request.user, RecordName.objects.filter(period=period)), **filter_args(filters)
            ),
        )
        return Response(
            {
                "results": [worker_document(r) for r in page.rows],
                "next_cursor": page.next_cursor,
                "prev_cursor": page.prev_cursor,
                "count": page.count,
                "count_capped": page.count_capped,
            }
        )

    @extend_schema(
        operation_id="workers_create",
        request=WorkerInputSerializer,
        responses={201: WorkerSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def post(self, request: Request) -> Response:
        """Register one worker: the portal's form and rules; hard errors refused, eligibility problems flagged."""
        data = _form_data(self.json_object(request))
        agency, period = user_agency(request.user), self.period()

        def produce() -> tuple[int, Any]:
            form = WorkerForm(data=data, units=[])
            if not form.is_valid():
                return 400, _problem_body(400, services.field_errors(form.errors))
            record = worker_register(
                agency=agency,
                period=period,
                data=form.worker_data(),
                actor=request.user,
                ip=client_ip(request),
            )
            return 201, _worker(record)

        response = self.with_idempotency(request, produce)
        if response.status_code == 201:
            response["Location"] = reverse("api:worker-detail", args=[response.data["id"]])
        elif response.status_code >= 400:
            response.content_type = PROBLEM_TYPE
        return response


def _problem_body(status: int, errors: dict) -> dict:
    response = problem_response(
        status, "validation_failed", _("Correct the fields named in errors and send again."), errors=errors
    )
    return response.data


class WorkerDetailView(ApiView):
    @extend_schema(operation_id="workers_read", responses={200: WorkerSerializer})
    def get(self, request: Request, pk: int) -> Response:
        """One worker of the agency (another agency's id: 404)."""
        return Response(_worker(get_record_for_agency(request.user, pk)))

    @extend_schema(
        operation_id="workers_replace", request=WorkerInputSerializer, responses={200: WorkerSerializer}
    )
    def put(self, request: Request, pk: int) -> Response:
        """Replace what the agency entered (fields left out become empty), as the portal's edit form does."""
        return self._update(request, pk, partial=False)

    @extend_schema(
        operation_id="workers_update",
        request=WorkerInputSerializer(partial=True),
        responses={200: WorkerSerializer},
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Change some fields; the others keep their values."""
        return self._update(request, pk, partial=True)

    def _update(self, request: Request, pk: int, *, partial: bool) -> Response:
        record = get_record_for_agency(request.user, pk)
        data = _form_data(self.json_object(request))
        if partial:
            data = {**_current_values(record), **data}
        form = WorkerForm(data=data, instance=record, units=[])
        if not form.is_valid():
            return _invalid(form)
        updated = worker_update(
            record_id=record.pk,
            data=form.worker_data(),
            reason=form.change_reason() or str(data.get("reason", "")),
            actor=request.user,
            ip=client_ip(request),
        )
        return Response(_worker(updated))


def _current_values(record: WorkerRecord) -> dict[str, str]:
    """The record's values as the form would receive them (what PATCH starts from)."""
    initial = WorkerForm(instance=record).initial
    out = {}
    for name, value in initial.items():
        if value is None:
            out[name] = ""
        elif isinstance(value, dt.date):
            out[name] = value.isoformat()
        else:
            out[name] = str(value)
    out["work_unit_name"] = record.work_unit.name if record.work_unit_id else ""
    out.pop("work_unit", None)
    return out


def _invalid(form) -> Response:
    return problem_response(
        400,
        "validation_failed",
        _("Correct the fields named in errors and send again."),
        errors=services.field_errors(form.errors),
    )


class WorkerReleaseView(ApiView):
    @extend_schema(
        operation_id="workers_release", request=ReleaseInputSerializer, responses={200: WorkerSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        """The worker left the agency: the record stays (released), the NIK becomes free in the period."""
        record = get_record_for_agency(request.user, pk)
        form = ReleaseForm(data=_form_data(self.json_object(request)))
        if not form.is_valid():
            return _invalid(form)
        released = worker_release(
            record_id=record.pk, reason=form.cleaned_data["reason"], actor=request.user, ip=client_ip(request)
        )
        return Response(_worker(released))


class WorkerBulkView(ApiView):
    @extend_schema(
        operation_id="workers_bulk_upsert",
        request=BulkInputSerializer,
        responses={200: BulkResultSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def post(self, request: Request) -> Response:
        """Create or update up to 1,000 workers (matched by NIK), each through the portal's form and
        services; one result per item. With an Idempotency-Key a retry changes nothing twice."""
        items = self.json_object(request).get("items")
        if (
            not isinstance(items, list)
            or not 0 < len(items) <= services.BULK_MAX_ITEMS
            or not all(isinstance(item, dict) for item in items)
        ):
            raise ApiProblem(
                400,
                "bad_items",
                _("Send 'items': a list of 1 to %(max)d workers, each a JSON object.")
                % {"max": services.BULK_MAX_ITEMS},
            )
        agency, period = user_agency(request.user), self.period()

        def produce() -> tuple[int, Any]:
            results = services.bulk_upsert(
                agency=agency, period=period, items=items, actor=request.user, ip=client_ip(request)
            )
            counts = {name: 0 for name in ("created", "updated", "unchanged", "refused")}
            answer = []
            for r in results:
                counts[r.result] += 1
                item: dict[str, Any] = {
                    "index": r.index,
                    "result": r.result,
                    "id": r.id,
                    "registration_number": r.registration_number,
                    "status": r.status,
                    "flags": r.flags,
                }
                if r.errors:
                    item["errors"] = r.errors
                answer.append(item)
            return 200, {**counts, "items": answer}

        return self.with_idempotency(request, produce)


def _settle_seconds() -> float:
    return float(getattr(settings, "API_CHANGES_SETTLE_SECONDS", 5))


class ChangesView(ApiView):
    @extend_schema(
        operation_id="changes",
        parameters=[
            OpenApiParameter(
                "since", str, description="next_cursor of the previous answer; 0 or none: from the start."
            ),
            _size_parameter(CHANGES_MAX, CHANGES_MAX),
        ],
        responses={200: ChangesPageSerializer},
    )
    def get(self, request: Request) -> Response:
        """Status changes and decisions of the agency's records, in the order they happened.

        Events show once they are a few seconds old (API_CHANGES_SETTLE_SECONDS), so that a change
        committed late by a slower transaction is never skipped by a cursor that went past it."""
        since = request.query_params.get("since", "0") or "0"
        if not since.isdigit() or len(since) > 18:
            raise ApiProblem(400, "bad_cursor", _("'since' is the next_cursor of an earlier answer."))
        size = _size(request, maximum=CHANGES_MAX, default=CHANGES_MAX)
        settled = timezone.now() - dt.timedelta(seconds=_settle_seconds())
        events = list(
            scoped(request.user, AuditEvent.objects.all())
            .filter(pk__gt=int(since), action__startswith="status:", created_at__lte=settled)
            .order_by("pk")
            .values(
                "pk", "record_id", "record__registration_number", "before", "after", "reason", "created_at"
            )[: size + 1]
        )
        more = len(events) > size
        events = events[:size]
        return Response(
            {
                "results": [
                    {
                        "cursor": str(e["pk"]),
                        "worker_id": e["record_id"],
                        "registration_number": e["record__registration_number"],
                        "status_before": (e["before"] or {}).get("status"),
                        "status": (e["after"] or {}).get("status"),
                        "reason": e["reason"],
                        "at": e["created_at"],
                    }
                    for e in events
                ],
                "next_cursor": str(events[-1]["pk"]) if events else since,
                "has_more": more,
            }
        )


def _deadlines(submission: AgencySubmission) -> dict:
    return {kind: submission.deadline(kind) for kind in AgencySubmission.DEADLINE_KINDS}


class AgencyView(ApiView):
    @extend_schema(operation_id="agency", responses={200: AgencySummarySerializer})
    def get(self, request: Request) -> Response:
        """The key's agency: its phase, its deadlines (the agency's own, with any extension) and its counts."""
        agency, period = user_agency(request.user), self.period()
        submission = submission_for(agency=agency, period=period)
        if submission is None:
            raise Http404
        counts = agency_counts(agency_id=agency.pk, period_id=period.pk)
        return Response(
            {
                "code": agency.code,
                "name": agency.name,
                "kind": agency.kind,
                "period": period.name,
                "phase": submission.phase,
                "open_for_input": submission.is_open and submission.before_deadline("input"),
                "deadlines": _deadlines(submission),
                "counts": {
                    "per_status": counts.per_status,
                    "per_flag": counts.per_flag,
                    "flagged": counts.flagged,
                },
            }
        )


class NationalAgenciesView(ApiView):
    permission_classes = [NationalKey]

    @extend_schema(operation_id="national_agencies", responses={200: AgencySummarySerializer(many=True)})
    def get(self, request: Request) -> Response:
        """Every agency of the active period: phase, deadlines and counts (the national desk's numbers)."""
        from verification.services.national import desk_rows

        period = self.period()
        return Response(
            [
                {
                    "code": row.agency.code,
                    "name": row.agency.name,
                    "kind": row.agency.kind,
                    "period": period.name,
                    "phase": row.submission.phase,
                    "open_for_input": row.submission.is_open and row.submission.before_deadline("input"),
                    "deadlines": _deadlines(row.submission),
                    "counts": {"per_status": row.statuses, "per_flag": row.flags, "flagged": row.flagged},
                }
                for row in sorted(desk_rows(period), key=lambda r: r.agency.code)
            ]
        )


class NationalRecordsView(ApiView):
    permission_classes = [NationalKey]

    @extend_schema(
        operation_id="national_records",
        parameters=[
            OpenApiParameter("after", str, description="next_cursor of the previous page."),
            _size_parameter(BASELINE_MAX, BASELINE_MAX),
        ],
        responses={200: BaselinePageSerializer},
    )
    def get(self, request: Request) -> Response:
        """The national baseline: the records (not released) of every completed agency, by id, a page at a time."""
        after = request.query_params.get("after", "0") or "0"
        if not after.isdigit() or len(after) > 18:
            raise ApiProblem(400, "bad_cursor", _("'after' is the next_cursor of an earlier page."))
        size = _size(request, maximum=BASELINE_MAX, default=BASELINE_MAX)
        period = self.period()
        completed = AgencySubmission.objects.filter(
            period=period, phase=AgencySubmission.Phase.COMPLETED
        ).values("agency_id")
        rows = list(
            WorkerRecord.objects.filter(period=period, agency_id__in=completed, pk__gt=int(after))
            .exclude(status=Status.RELEASED)
            .select_related("agency", "work_unit")
            .order_by("pk")[: size + 1]
        )
        more = len(rows) > size
        rows = rows[:size]
        services.baseline_read_log(key=self.key, after_id=int(after), rows=len(rows), ip=client_ip(request))
        return Response(
            {
                "results": BaselineRecordSerializer(rows, many=True).data,
                "next_cursor": str(rows[-1].pk) if rows and more else None,
            }
        )


@csrf_exempt  # no cookie authenticates here; a POST to an unknown address answers 404, not a CSRF page
def not_found(request, *args, **kwargs):
    """Any other address under /api/v1/ (e.g. a worker id that is no number): a problem document."""
    body = problem_response(404, "not_found", _("There is no such address in this API.")).data
    return JsonResponse(body, status=404, content_type=PROBLEM_TYPE)
