"""Worker self-registration site: account creation, login, data completion, documents, cards, status."""

from __future__ import annotations

import time
from collections import defaultdict

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import can_view_record_files, client_ip, worker_record, worker_required
from accounts.backends import lockout_key
from accounts.cards import account_card_pdf, data_card_pdf
from accounts.forms import WorkerLoginForm
from accounts.forms_worker import (
    AccountCreateForm,
    BiodataForm,
    DocumentUploadForm,
    EducationForm,
    IdentityCheckForm,
    WorkHistoryFormSet,
)
from accounts.services.registration import (
    AccountNotAllowed,
    Identity,
    Outcome,
    account_create,
    identity_check,
)
from registry.models import Document, Status, WorkerRecord
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

REGISTRATION_SESSION_KEY = "worker_registration"
REGISTRATION_TTL_SECONDS = 30 * 60

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


# --- Step 1 and step 2 -----------------------------------------------------------------------


def register(request: HttpRequest) -> HttpResponse:
    """Langkah 1: Pengecekan Identitas."""
    form = IdentityCheckForm(request.POST or None)
    outcome = None
    retry_at = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        identity = Identity(
            nik=data["nik"],
            kk=data["kk"],
            full_name=data["full_name"],
            birth_place=data["birth_place"],
            birth_date=data["birth_date"],
            phone=data["phone"],
            email=data["email"],
        )
        result = identity_check(identity=identity, ip=client_ip(request))
        outcome = result.outcome.value
        if result.outcome == Outcome.MATCH:
            request.session[REGISTRATION_SESSION_KEY] = {
                "record_id": result.record.pk,
                "phone": identity.phone,
                "email": identity.email,
                "at": time.time(),
            }
            return redirect("worker:register-step2")
        if result.outcome == Outcome.NO_MATCH and result.slow_down_seconds:
            time.sleep(result.slow_down_seconds)  # make guessing slow, not only limited
        if result.outcome == Outcome.RATE_LIMITED:
            retry_at = date_format(timezone.localtime(result.retry_at), "H:i, d-m-Y")
        form = IdentityCheckForm(initial={k: v for k, v in data.items() if k != "captcha"})
    return render(
        request,
        "accounts/register_step1.html",
        {"form": form, "outcome": outcome, "retry_at": retry_at},
    )


def _pending_registration(request: HttpRequest) -> tuple[WorkerRecord, dict] | None:
    pending = request.session.get(REGISTRATION_SESSION_KEY)
    if not pending or time.time() - pending.get("at", 0) > REGISTRATION_TTL_SECONDS:
        return None
    record = (
        WorkerRecord.objects.select_related("agency")
        .filter(pk=pending["record_id"], status=Status.REGISTERED)
        .first()
    )
    return (record, pending) if record else None


def register_step2(request: HttpRequest) -> HttpResponse:
    """Langkah 2: Lengkapi Data — password, KTP, passport photo."""
    pending = _pending_registration(request)
    if pending is None:
        messages.warning(request, _("Start with step 1: check your identity first."))
        return redirect("worker:register")
    record, data = pending
    form = AccountCreateForm(request.POST or None, request.FILES or None, record=record)
    if request.method == "POST" and form.is_valid():
        try:
            user = account_create(
                record_id=record.pk,
                password=form.cleaned_data["password1"],
                phone=data["phone"],
                email=data["email"],
                ktp=form.cleaned_data["ktp"],
                photo=form.cleaned_data["photo"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except AccountNotAllowed:
            request.session.pop(REGISTRATION_SESSION_KEY, None)
            messages.error(
                request,
                _("An account cannot be created for this record now. Log in if you already have one."),
            )
            return redirect("worker:login")
        else:
            request.session.pop(REGISTRATION_SESSION_KEY, None)
            login(request, user, backend="accounts.backends.NikOrEmailBackend")
            return redirect("worker:account-created")
    return render(request, "accounts/register_step2.html", {"form": form, "record": record})


@worker_required
def account_created(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account_created.html", {"record": worker_record(request.user)})


# --- Login, logout, password reset -----------------------------------------------------------


class WorkerLoginView(auth_views.LoginView):
    template_name = "accounts/worker_login.html"
    authentication_form = WorkerLoginForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("worker:home")


class WorkerLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("worker:login")


class WorkerPasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("worker:password-reset-done")


class WorkerPasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class WorkerPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("worker:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # A new password chosen through the e-mailed link lifts the lockout (the lockout page says so).
        user = form.user
        names = [user.email, user.username]
        if user.worker_record_id:
            names.append(user.worker_record.nik)
        for name in filter(None, names):
            axes_reset(username=lockout_key(name))
        return response


class WorkerPasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- Status page and data completion ---------------------------------------------------------


def _section_context(record: WorkerRecord, current: str) -> dict:
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
        "editable": worker_can_edit(record),
        "read_only_message": READ_ONLY_MESSAGE,
        "current": current,
    }


def _record(request: HttpRequest) -> WorkerRecord:
    return (
        WorkerRecord.objects.select_related("agency", "period", "work_unit")
        .prefetch_related("work_history", "documents")
        .get(pk=worker_record(request.user).pk)
    )


@worker_required
def home(request: HttpRequest) -> HttpResponse:
    """The worker's status page: where the record stands, what is missing, what to do next."""
    record = _record(request)
    context = _section_context(record, "")
    context["can_print_data_card"] = record.submitted_at is not None
    return render(request, "accounts/worker_home.html", context)


def _save_fields(request: HttpRequest, form, fields, record, next_url: str):
    if not worker_can_edit(record):
        messages.error(request, READ_ONLY_MESSAGE)
        return None
    if not form.is_valid():
        return None
    # Only the named fields reach the service, whatever else a forged POST carries.
    changes = {name: form.cleaned_data[name] for name in fields}
    try:
        worker_details_update(record_id=record.pk, changes=changes, actor=request.user, ip=client_ip(request))
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    except NotEditable:
        messages.error(request, READ_ONLY_MESSAGE)
        return None
    messages.success(request, _("Saved."))
    return redirect(next_url)


@worker_required
def biodata(request: HttpRequest) -> HttpResponse:
    record = _record(request)
    fields = (*CONTACT_FIELDS, *APPOINTMENT_FIELDS)
    form = BiodataForm(request.POST or None, instance=WorkerRecord.objects.get(pk=record.pk))
    if request.method == "POST":
        response = _save_fields(request, form, fields, record, reverse("worker:history"))
        if response:
            return response
    context = _section_context(record, "biodata")
    context["form"] = form
    return render(request, "accounts/section_biodata.html", context)


@worker_required
def education(request: HttpRequest) -> HttpResponse:
    record = _record(request)
    form = EducationForm(request.POST or None, instance=WorkerRecord.objects.get(pk=record.pk))
    if request.method == "POST":
        response = _save_fields(request, form, EDUCATION_FIELDS, record, reverse("worker:documents"))
        if response:
            return response
    context = _section_context(record, "education")
    context["form"] = form
    return render(request, "accounts/section_education.html", context)


@worker_required
def history(request: HttpRequest) -> HttpResponse:
    record = _record(request)
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
    if request.method == "POST":
        if not worker_can_edit(record):
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
    context = _section_context(record, "history")
    context["formset"] = formset
    context["can_add"] = len(existing) < 5
    return render(request, "accounts/section_history.html", context)


@worker_required
def documents(request: HttpRequest) -> HttpResponse:
    record = _record(request)
    have = {d.kind: d for d in record.documents.all()}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in Document.Kind.values:
            raise Http404
        form = DocumentUploadForm(request.POST, request.FILES)
        if not worker_can_edit(record):
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
    context = _section_context(record, "documents")
    context["rows"] = rows
    return render(request, "accounts/section_documents.html", context, status=400 if errors else 200)


@worker_required
def resume(request: HttpRequest) -> HttpResponse:
    record = _record(request)
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


# --- Files and cards -------------------------------------------------------------------------


def document_file(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(Document.objects.select_related("record"), pk=pk)
    if not can_view_record_files(request.user, document.record):
        raise Http404
    extension = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}[document.content_type]
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=False,
        filename=f"{document.kind}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@worker_required
def account_card(request: HttpRequest) -> HttpResponse:
    record = _record(request)
    return _pdf(account_card_pdf(record), f"kartu-informasi-akun-{record.registration_number}.pdf")


@worker_required
def data_card(request: HttpRequest) -> HttpResponse:
    record = _record(request)
    if record.submitted_at is None:
        messages.error(request, _("Submit your data first; then the data collection card can be printed."))
        return redirect("worker:resume")
    return _pdf(data_card_pdf(record), f"kartu-pendataan-{record.registration_number}.pdf")
