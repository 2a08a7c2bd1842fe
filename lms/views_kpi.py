"""Service KPI import pages (HR only): upload a file, watch its job, read its report.

The import runs in a Celery task; the job page polls a fragment of itself with htmx every
second while the job is queued or running. The fragment sent once the job has finished
carries no trigger, which ends the polling. Anyone but HR gets a 404, as for a missing job.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from . import kpi_import
from .models import ImportJob

ERRORS_PER_PAGE = 100
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class KPIImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (save nothing)"),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."), code="type")
        if upload.size > kpi_import.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."), code="too_big")
        return upload


def _hr_or_404(request: HttpRequest) -> None:
    if not request.user.is_hr:
        raise Http404


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    _hr_or_404(request)
    form = KPIImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = kpi_import.kpi_import_job_create(
            upload=form.cleaned_data["file"],
            dry_run=form.cleaned_data["dry_run"],
            created_by=request.user,
        )
        return redirect("kpis:import-job", job.pk)
    page = kpi_import.import_jobs_page(
        kind=ImportJob.Kind.KPI, page_number=request.GET.get("page", 1)
    )
    return render(
        request,
        "lms/kpi_import.html",
        {"form": form, "page": page, "max_rows": kpi_import.MAX_ROWS},
    )


@login_required
@require_GET
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    _hr_or_404(request)
    job = get_object_or_404(
        ImportJob.objects.select_related("created_by"), pk=pk, kind=ImportJob.Kind.KPI
    )
    errors = Paginator(job.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page", 1))
    context = {
        "job": job,
        "finished": job.status in kpi_import.FINISHED,
        "errors_page": errors,
    }
    if request.htmx:
        return render(request, "lms/kpi_import_job.html#status", context)
    return render(request, "lms/kpi_import_job.html", context)


@login_required
@require_GET
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    _hr_or_404(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if fmt == "xlsx":
        response = HttpResponse(kpi_import.template_xlsx(), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(kpi_import.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kpi-template.{fmt}"'
    return response
