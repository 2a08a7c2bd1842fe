"""People import page (HR only): upload a roster, check it or import it, read the result;
the history of imports, each with its summary, its problems and its file.

People files are small, so the import runs in the request and the answer is the result
page itself. Anyone but HR gets a 404, like a page that does not exist.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from . import kpi_import, people_import
from .exports import FORMATS, table_response
from .files import file_response
from .models import ImportJob
from .views_kpi import ERRORS_PER_PAGE

# A roster has at most MAX_ROWS rows; beyond this many lines the page says how many
# more there are instead of growing without end.
SHOWN = 1000


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    dry_run = forms.BooleanField(label=_("Check only (save nothing)"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."), code="type")
        if upload.size > people_import.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."), code="too_big")
        return upload


def _hr_or_404(request: HttpRequest) -> None:
    if not request.user.is_hr:
        raise Http404


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    _hr_or_404(request)
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result, _job = people_import.people_import_recorded(
            upload=form.cleaned_data["file"],
            dry_run=form.cleaned_data["dry_run"],
            by=request.user,
        )
    context = {
        "form": form,
        "result": result,
        "shown": SHOWN,
        "max_rows": people_import.MAX_ROWS,
        "page": kpi_import.import_jobs_page(
            kind=ImportJob.Kind.PEOPLE, page_number=request.GET.get("page", 1)
        ),
    }
    if result is not None:
        context["errors"] = result.errors[:SHOWN]
        context["more_errors"] = max(0, len(result.errors) - SHOWN)
        context["changes"] = result.changes[:SHOWN]
        context["more_changes"] = max(0, len(result.changes) - SHOWN)
    return render(request, "lms/people_import.html", context)


@login_required
@require_GET
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    _hr_or_404(request)
    if fmt not in FORMATS:
        raise Http404
    headers, rows = people_import.template_rows()
    return table_response(fmt, headers, rows, "people-template")


def _job_or_404(pk: int) -> ImportJob:
    return get_object_or_404(
        ImportJob.objects.select_related("created_by"), pk=pk, kind=ImportJob.Kind.PEOPLE
    )


@login_required
@require_GET
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    _hr_or_404(request)
    job = _job_or_404(pk)
    errors = Paginator(job.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page", 1))
    return render(request, "lms/people_import_job.html", {"job": job, "errors_page": errors})


@login_required
@require_GET
def import_job_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The roster as uploaded: personal data, so HR only and never a public media URL."""
    _hr_or_404(request)
    job = _job_or_404(pk)
    return file_response(job.file.name, job.original_name)
