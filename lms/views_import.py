"""People import page (HR only): upload a roster, check it or import it, read the result.

People files are small, so the import runs in the request and the answer is the result
page itself. Anyone but HR gets a 404, like a page that does not exist.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from . import people_import
from .exports import FORMATS, table_response

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
        upload = form.cleaned_data["file"]
        result = people_import.people_import(
            upload=upload,
            filename=upload.name,
            dry_run=form.cleaned_data["dry_run"],
            by=request.user,
        )
    context = {
        "form": form,
        "result": result,
        "shown": SHOWN,
        "max_rows": people_import.MAX_ROWS,
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
