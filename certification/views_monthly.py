"""HR's monthly reports: the list, making one on demand, and the PDF download."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import MonthlyReport
from .reports.monthly import monthly_report_generate, report_language_label


def _hr_or_404(request: HttpRequest) -> None:
    if not request.user.is_hr:
        raise Http404


def _last_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    _hr_or_404(request)
    page = Paginator(
        MonthlyReport.objects.select_related("generated_by").order_by("-month"), 24
    ).get_page(request.GET.get("page"))
    for report in page:
        report.language_label = report_language_label(report)
    return render(
        request,
        "certification/reports/monthly_list.html",
        {"page": page, "default_month": _last_month().strftime("%Y-%m")},
    )


@login_required
@require_POST
def report_generate(request: HttpRequest) -> HttpResponse:
    _hr_or_404(request)
    raw = request.POST.get("month", "")
    try:
        year, number = (int(part) for part in raw.split("-"))
        month = datetime.date(year, number, 1)
    except ValueError:
        messages.error(request, _("Choose a month (YYYY-MM)."))
        return redirect("certification:monthly-reports")
    if month > timezone.localdate().replace(day=1):
        messages.error(request, _("A month still to come has no figures yet."))
        return redirect("certification:monthly-reports")
    report = monthly_report_generate(month=month, by=request.user, language=get_language())
    messages.success(
        request, _("The report for %(month)s is ready.") % {"month": report.month.strftime("%Y-%m")}
    )
    return redirect("certification:monthly-reports")


@login_required
def report_pdf(request: HttpRequest, pk: int) -> FileResponse:
    _hr_or_404(request)
    report = get_object_or_404(MonthlyReport, pk=pk)
    return FileResponse(
        report.pdf.open("rb"),
        as_attachment=True,
        filename=f"monthly-report-{report.month:%Y-%m}.pdf",
        content_type="application/pdf",
    )
