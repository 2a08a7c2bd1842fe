"""Training dashboards: the overview of the four sections, one section on its own page,
and every table as CSV or XLSX (``?format=csv|xlsx``). HR sees everyone, a team lead
their teams; anyone else gets a 404."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments import calibration
from courses.permissions import can_author
from lms.exports import FORMATS, table_response
from lms.models import PositionProfile, User

from .reports import dashboards as sel
from .reports.svg import bar_chart


class DashboardFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=None,
        required=False,
        to_field_name="code",
        label=gettext_lazy("Team"),
        empty_label=gettext_lazy("All teams"),
    )
    position = forms.ModelChoiceField(
        queryset=PositionProfile.objects.order_by("order", "code"),
        required=False,
        to_field_name="code",
        # "Position" alone is already translated as an order (顺序) elsewhere.
        label=capfirst(gettext_lazy("position")),
        empty_label=gettext_lazy("All positions"),
    )
    path = forms.ModelChoiceField(
        queryset=None,
        required=False,
        to_field_name="code",
        label=gettext_lazy("Learning path"),
        empty_label=None,
    )
    start = forms.DateField(
        required=False,
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        required=False,
        label=gettext_lazy("Until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, viewer: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = sel.dashboard_teams_for(viewer)
        self.fields["path"].queryset = sel.report_paths()

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period must start on or before its last day."))
        return data


def _filters(request: HttpRequest) -> tuple[DashboardFilterForm, sel.Filters, object]:
    """The form as submitted, and the filters to use: the defaults (every team and
    position in view, the last 90 days, the onboarding path) wherever the input is bad."""
    start, end = sel.default_period()
    form = DashboardFilterForm(
        request.GET or None,
        viewer=request.user,
        initial={"start": start, "end": end},
    )
    paths = list(form.fields["path"].queryset)
    path = sel.default_path(paths)
    filters = sel.Filters(start=start, end=end)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = sel.Filters(
            start=data["start"] or start,
            end=data["end"] or end,
            team=data["team"],
            position=data["position"],
        )
        path = data["path"] or path
    if path is not None:
        form.initial["path"] = path.code
    return form, filters, path


@dataclass
class Section:
    key: str
    title: str
    note: str
    headers: list[str]
    rows: list[list]
    chart: SafeString | None = None
    footer: list | None = None
    links: dict[str, str] = field(default_factory=dict)


def _training(viewer: User, filters: sel.Filters, path) -> Section:
    table = sel.training_by_team(viewer, filters)
    return Section(
        key="training",
        title=_("Training completion"),
        note=_(
            "Enrolments made in the period and the share completed by its end; overdue: "
            "enrolments marked overdue or still open past their due date, as of today."
        ),
        headers=[
            _("Team"),
            _("Enrolments in the period"),
            _("Completed"),
            _("Completion rate (%)"),
            _("Overdue now"),
        ],
        rows=[
            [r.team, r.enrolments, r.completed, r.completion_rate, r.overdue] for r in table.rows
        ],
        footer=[
            table.total.team,
            table.total.enrolments,
            table.total.completed,
            table.total.completion_rate,
            table.total.overdue,
        ],
        chart=bar_chart(
            [(r.team, r.completion_rate) for r in table.rows],
            title=_("Completion rate by team"),
            unit="%",
            maximum=100,
        ),
    )


def _path(viewer: User, filters: sel.Filters, path) -> Section:
    table = sel.path_completion_by_team(viewer, filters, path)
    return Section(
        key="path",
        title=_("Days to complete a learning path"),
        note=(
            _(
                "%(path)s: people assigned the path, those who finished all of its courses "
                "in the period, and the average number of days from assignment to the last "
                "course completed."
            )
            % {"path": path.title}
            if path
            else _("No learning path has been published yet.")
        ),
        headers=[
            _("Team"),
            _("People assigned"),
            _("Finished in the period"),
            _("Average days to complete"),
        ],
        rows=[[r.team, r.assigned, r.completed, r.average_days] for r in table.rows],
        footer=[
            table.total.team,
            table.total.assigned,
            table.total.completed,
            table.total.average_days,
        ],
        chart=bar_chart(
            [(r.team, r.average_days) for r in table.rows],
            title=_("Average days to complete the path by team"),
        ),
    )


def _mastery(viewer: User, filters: sel.Filters, path) -> Section:
    rows = sel.mastery_by_competency(viewer, filters)
    return Section(
        key="mastery",
        title=_("Knowledge mastery by competency"),
        note=_(
            "Quiz attempts submitted in the period, retakes included. An attempt counts for "
            "the competency its quiz evidences; a quiz without one counts for each "
            "competency of its questions."
        ),
        headers=[
            _("Competency"),
            _("Attempts"),
            _("Passed"),
            _("Mastery rate (%)"),
            _("Average score (%)"),
        ],
        rows=[[r.competency, r.attempts, r.passed, r.mastery_rate, r.average_score] for r in rows],
        chart=bar_chart(
            [(r.competency, r.mastery_rate) for r in rows],
            title=_("Mastery rate by competency"),
            unit="%",
            maximum=100,
        ),
    )


def _coverage(viewer: User, filters: sel.Filters, path) -> Section:
    rows = sel.coverage_by_program(viewer, filters)
    windows = sel.EXPIRY_WINDOWS
    return Section(
        key="certification",
        title=_("Certification coverage"),
        note=_(
            "As of today, whatever the period: the share of people in view holding a valid "
            "certificate of each program (expired, revoked and renewed certificates do not "
            "count), and how many of those certificates expire within 30, 60 and 90 days."
        ),
        headers=[
            _("Program"),
            _("People in view"),
            _("Holders of a valid certificate"),
            _("Coverage (%)"),
            *[_("Expiring within %(days)s days") % {"days": days} for days in windows],
        ],
        rows=[
            [r.program, r.people, r.holders, r.coverage, *[r.expiring[d] for d in windows]]
            for r in rows
        ],
        chart=bar_chart(
            [(r.program, r.coverage) for r in rows],
            title=_("Certification coverage by program"),
            unit="%",
            maximum=100,
        ),
    )


def _grading(viewer: User, filters: sel.Filters, path) -> Section:
    rows = sel.turnaround_by_grader(viewer, filters)
    return Section(
        key="grading",
        title=_("Grading turnaround"),
        note=_(
            "Role-play submissions of people in view graded in the period, by their grader, "
            "and the median hours from hand-in to the final grade."
        ),
        headers=[_("Grader"), _("Graded"), _("Median hours to grade")],
        rows=[[r.grader, r.graded, r.median_hours] for r in rows],
        chart=bar_chart(
            [(r.grader, r.median_hours) for r in rows],
            title=_("Median hours to grade by grader"),
        ),
    )


def _agreement(viewer: User, filters: sel.Filters, path) -> Section:
    rows = calibration.agreement_report().by_grader
    return Section(
        key="agreement",
        title=_("Grader agreement"),
        note=_(
            "All double-graded submissions, whatever the filters: how often the second "
            "grader chose the same level as the grader."
        ),
        headers=[
            _("Grader"),
            _("Submissions"),
            _("Double-graded criteria"),
            _("Same level (%)"),
            _("Kappa"),
            _("Score difference"),
        ],
        rows=[
            [
                r.label,
                r.submissions,
                r.criteria,
                r.exact_percent,
                None if r.kappa is None else Decimal(str(round(r.kappa, 2))),
                r.mean_score_difference,
            ]
            for r in rows
        ],
        chart=bar_chart(
            [(r.label, r.exact_percent) for r in rows],
            title=_("Same level chosen by both graders"),
            unit="%",
            maximum=100,
        ),
    )


SECTIONS: dict[str, Callable[[User, sel.Filters, object], Section]] = {
    "training": _training,
    "path": _path,
    "mastery": _mastery,
    "certification": _coverage,
    "grading": _grading,
    "agreement": _agreement,
}


def _sections_for(viewer: User) -> list[str]:
    # The agreement report covers every grader of the organisation, not a team: only
    # for those who run calibration (HR and authors), as on its own page.
    return [key for key in SECTIONS if key != "agreement" or can_author(viewer)]


def _dashboard_viewer_or_404(request: HttpRequest) -> None:
    if not sel.can_view_dashboards(request.user):
        raise Http404


def _with_links(request: HttpRequest, section: Section) -> Section:
    base = reverse("certification:dashboard-section", args=[section.key])
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("page", None)
    for fmt in FORMATS:
        query["format"] = fmt
        section.links[fmt] = f"{base}?{query.urlencode()}"
    query.pop("format", None)
    section.links["page"] = f"{base}?{query.urlencode()}" if query else base
    return section


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _dashboard_viewer_or_404(request)
    form, filters, path = _filters(request)
    sections = [
        _with_links(request, SECTIONS[key](request.user, filters, path))
        for key in _sections_for(request.user)
    ]
    context = {"form": form, "filters": filters, "sections": sections, "single": False}
    template = "certification/reports/dashboard.html"
    if request.htmx:
        template += "#body"
    return render(request, template, context)


@login_required
def dashboard_section(request: HttpRequest, section: str) -> HttpResponse:
    _dashboard_viewer_or_404(request)
    if section not in _sections_for(request.user):
        raise Http404
    form, filters, path = _filters(request)
    table = SECTIONS[section](request.user, filters, path)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        rows = table.rows + ([table.footer] if table.footer else [])
        filename = f"{section}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}"
        return table_response(fmt, table.headers, rows, filename)
    context = {
        "form": form,
        "filters": filters,
        "sections": [_with_links(request, table)],
        "single": True,
    }
    template = "certification/reports/dashboard.html"
    if request.htmx:
        template += "#body"
    return render(request, template, context)
