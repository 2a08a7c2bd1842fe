"""The training-impact page: a course, path or certificate against the service KPIs, and
the KPIs by role-play drills. HR sees everyone, a team lead their teams; anyone else gets a
404. Every number comes from ``reports.impact``; this module only parses the choices and
lays the numbers out (sentences, and the before/after chart's geometry)."""

import datetime
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import Course, LearningPath
from lms.exports import FORMATS, table_response
from lms.models import Team, User

from .models import Program
from .reports import impact as sel
from .reports import stats

SUBJECT_KINDS = {"course": Course, "path": LearningPath, "program": Program}
DRILL_PERIOD_WEEKS = 12


def _kpi_label(kpi: sel.Kpi) -> str:
    better = _("lower is better") if kpi.lower_is_better else _("higher is better")
    return f"{kpi.label} ({better})"


class ImpactForm(forms.Form):
    subject = forms.ChoiceField(label=gettext_lazy("Course, path or certificate"), required=False)
    kpi = forms.ChoiceField(label=gettext_lazy("Service KPI"), initial="frt")
    weeks = forms.IntegerField(
        label=gettext_lazy("Weeks before and after"),
        min_value=sel.MIN_WEEKS,
        max_value=sel.MAX_WEEKS,
        initial=sel.DEFAULT_WEEKS,
    )
    team = forms.ModelChoiceField(
        queryset=None,
        required=False,
        to_field_name="code",
        label=gettext_lazy("Team"),
        empty_label=gettext_lazy("All teams"),
    )
    since = forms.DateField(
        required=False,
        label=gettext_lazy("Drills: from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        required=False,
        label=gettext_lazy("Drills: to"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, viewer: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = sel.heatmap_teams_for(viewer).order_by("code")
        self.fields["kpi"].choices = [(code, _kpi_label(kpi)) for code, kpi in sel.KPIS.items()]
        self.fields["subject"].choices = [
            ("", _("Choose…")),
            (
                _("Courses"),
                [
                    (f"course-{c.pk}", str(c))
                    for c in Course.objects.exclude(status=Course.Status.DRAFT).order_by("code")
                ],
            ),
            (
                _("Learning paths"),
                [(f"path-{p.pk}", str(p)) for p in LearningPath.objects.order_by("code")],
            ),
            (
                _("Certificates"),
                [(f"program-{p.pk}", str(p)) for p in Program.objects.order_by("code")],
            ),
        ]
        self._subjects = {
            value: label
            for _group, options in self.fields["subject"].choices[1:]
            for value, label in options
        }

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The period must start on or before its last day."))
        return data

    def subject_object(self) -> sel.Subject | None:
        raw = self.cleaned_data.get("subject") or ""
        if not raw:
            return None
        kind, _dash, pk = raw.partition("-")
        model = SUBJECT_KINDS[kind]
        # The choice was validated against the listed objects, so it exists.
        return model.objects.get(pk=int(pk))


def _default_drill_period() -> tuple[datetime.date, datetime.date]:
    """The last 12 full weeks (Monday to Sunday)."""
    this_monday = sel.monday(timezone.localdate())
    return this_monday - DRILL_PERIOD_WEEKS * sel.WEEK, this_monday - datetime.timedelta(days=1)


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:.1f}{unit}"


def _signed(value: float | None, unit: str = "") -> str:
    return "—" if value is None else f"{value:+.1f}{unit}"


def verdict_sentence(kpi: sel.Kpi, verdict: str, n: int, diff, low, high) -> str:
    """The plain-words conclusion for one comparison."""
    if verdict == stats.TOO_SMALL:
        return _("Too few people to conclude (n = %(n)s; at least %(min)s needed).") % {
            "n": n,
            "min": stats.MIN_PEOPLE,
        }
    if verdict == stats.NO_CLEAR_CHANGE:
        return _("No clear change: the interval includes zero.")
    values = {
        "kpi": kpi.label,
        "diff": _signed(diff, kpi.unit),
        "low": _number(low, kpi.unit),
        "high": _number(high, kpi.unit),
        "n": n,
    }
    if sel.outcome(kpi, verdict) == sel.IMPROVED:
        return (
            _("Improved: %(kpi)s changed by %(diff)s (95 %% CI %(low)s to %(high)s, n = %(n)s).")
            % values
        )
    return (
        _("Worsened: %(kpi)s changed by %(diff)s (95 %% CI %(low)s to %(high)s, n = %(n)s).")
        % values
    )


# --- The before/after chart: geometry here, markup in the template ---------------------

CHART_WIDTH, CHART_HEIGHT, CHART_TOP, CHART_BOTTOM, CHART_LEFT = 420, 220, 12, 40, 10
BAR_WIDTH, GROUP_GAP = 56, 60


@dataclass(frozen=True)
class ChartBar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    value: str
    whisker_x: float
    cap_left: float
    cap_right: float
    whisker_top: float | None
    whisker_bottom: float | None
    label: str


@dataclass(frozen=True)
class ChartGroup:
    label: str
    label_x: float
    bars: list[ChartBar]


def before_after_chart(result: sel.Impact) -> dict | None:
    """Bars for the mean before and after (completers, then the comparison group), each
    with the 95 % interval of that mean as a whisker. None when there is nothing to draw."""
    groups = [(_("Completed"), result.completers)]
    if result.comparison is not None and result.comparison.paired.n:
        groups.append((_("Did not complete"), result.comparison))
    intervals = [
        interval
        for _name, group in groups
        for interval in (group.before_interval, group.after_interval)
    ]
    tops = [i.high if i.high is not None else i.mean for i in intervals if i.mean is not None]
    if not tops:
        return None
    top = max(max(tops), 0.0) or 1.0
    plot = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    baseline = CHART_TOP + plot

    def y_of(value: float) -> float:
        return baseline - max(min(value / top, 1.0), 0.0) * plot

    chart_groups = []
    x = CHART_LEFT + 20.0
    for name, group in groups:
        bars = []
        for interval, label, colour in (
            (group.before_interval, _("Before"), "#98a2b3"),
            (group.after_interval, _("After"), "#2f6fb0"),
        ):
            value = interval.mean or 0.0
            y = y_of(value)
            bars.append(
                ChartBar(
                    x=x,
                    y=round(y, 1),
                    width=BAR_WIDTH,
                    height=round(baseline - y, 1),
                    colour=colour,
                    value=_number(interval.mean, result.kpi.unit),
                    whisker_x=x + BAR_WIDTH / 2,
                    cap_left=x + BAR_WIDTH / 2 - 6,
                    cap_right=x + BAR_WIDTH / 2 + 6,
                    whisker_top=None if interval.high is None else round(y_of(interval.high), 1),
                    whisker_bottom=None if interval.low is None else round(y_of(interval.low), 1),
                    label=label,
                )
            )
            x += BAR_WIDTH + 4
        chart_groups.append(ChartGroup(name, bars[0].x + BAR_WIDTH + 2, bars))
        x += GROUP_GAP
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "baseline": baseline,
        "label_y": baseline + 16,
        "group_y": baseline + 32,
        "groups": chart_groups,
        "title": _("%(kpi)s before and after, with 95 %% intervals") % {"kpi": result.kpi.label},
    }


# --- Exports: the two tables of the page, as CSV or XLSX ----------------------------------

EXPORT_TABLES = ("result", "drills")


def _export_links(
    form: ImpactForm,
    *,
    kpi: sel.Kpi,
    weeks: int,
    team: Team | None,
    since: datetime.date,
    until: datetime.date,
) -> dict[str, dict[str, str]]:
    """For each table, its CSV and XLSX address with the choices in effect spelled out
    (a first visit has none in its address, and a partial query would not validate)."""
    base = reverse("certification:impact")
    query = QueryDict(mutable=True)
    subject = form.cleaned_data.get("subject", "") if form.is_bound else ""
    query.update(
        {
            "subject": subject or "",
            "kpi": kpi.code,
            "weeks": str(weeks),
            "team": team.code if team else "",
            "since": since.isoformat(),
            "until": until.isoformat(),
        }
    )
    links: dict[str, dict[str, str]] = {}
    for table in EXPORT_TABLES:
        links[table] = {}
        for fmt in FORMATS:
            query["table"], query["format"] = table, fmt
            links[table][fmt] = f"{base}?{query.urlencode()}"
    return links


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _team_name(team: Team | None) -> str:
    return str(team) if team is not None else _("All teams")


# The interval columns hold the 95 % confidence interval (the change's, or the mean's).


def _result_export(
    fmt: str, result: sel.Impact, subject, team: Team | None, verdicts: dict
) -> HttpResponse:
    kpi = result.kpi
    headers = [
        _("Course, path or certificate"),
        _("Service KPI"),
        _("Team"),
        _("Group"),
        _("People"),
        _("People in the comparison group"),
        _("Mean before"),
        _("Mean after"),
        _("Change (after − before)"),
        _("Interval from"),
        _("Interval to"),
        _("Conclusion"),
    ]
    common = [str(subject), _kpi_label(kpi), _team_name(team)]
    rows = []
    groups = [(_("Completed"), result.completers, verdicts["paired"])]
    if result.comparison is not None:
        groups.append((_("Did not complete"), result.comparison, ""))
    for name, group, verdict in groups:
        paired = group.paired
        rows.append(
            [
                *common,
                name,
                paired.n,
                None,
                _rounded(paired.mean_before),
                _rounded(paired.mean_after),
                _rounded(paired.mean_difference),
                _rounded(paired.difference.low),
                _rounded(paired.difference.high),
                verdict,
            ]
        )
    if result.did is not None:
        did = result.did
        rows.append(
            [
                *common,
                _("Difference in differences"),
                did.n_a,
                did.n_b,
                None,
                None,
                _rounded(did.difference),
                _rounded(did.low),
                _rounded(did.high),
                verdicts.get("did", ""),
            ]
        )
    filename = f"impact-{kpi.code}-{timezone.localdate():%Y%m%d}"
    return table_response(fmt, headers, rows, filename)


def _drills_export(fmt: str, drills, kpi: sel.Kpi, team: Team | None) -> HttpResponse:
    headers = [
        _("Service KPI"),
        _("Team"),
        _("From"),
        _("To"),
        _("Graded drills"),
        _("People"),
        _("Mean"),
        _("Interval from"),
        _("Interval to"),
    ]
    rows = [
        [
            _kpi_label(kpi),
            _team_name(team),
            drills.since,
            drills.until,
            str(bucket.label),
            bucket.interval.n,
            _rounded(bucket.interval.mean),
            _rounded(bucket.interval.low),
            _rounded(bucket.interval.high),
        ]
        for bucket in drills.buckets
    ]
    filename = f"impact-drills-{kpi.code}-{drills.since:%Y%m%d}-{drills.until:%Y%m%d}"
    return table_response(fmt, headers, rows, filename)


@login_required
def impact(request: HttpRequest) -> HttpResponse:
    if not sel.can_view_impact(request.user):
        raise Http404
    since, until = _default_drill_period()
    form = ImpactForm(
        request.GET or None,
        viewer=request.user,
        initial={"since": since, "until": until},
    )
    kpi = sel.KPIS["frt"]
    weeks, team, subject = sel.DEFAULT_WEEKS, None, None
    if form.is_bound and form.is_valid():
        kpi = sel.KPIS[form.cleaned_data["kpi"]]
        weeks = form.cleaned_data["weeks"]
        team = form.cleaned_data["team"]
        since = form.cleaned_data["since"] or since
        until = form.cleaned_data["until"] or until
        subject = form.subject_object()
    context: dict = {
        "form": form,
        "kpi": kpi,
        "kpi_direction": _("lower is better") if kpi.lower_is_better else _("higher is better"),
        "weeks": weeks,
        "subject": subject,
        "min_people": stats.MIN_PEOPLE,
    }
    if form.is_bound and not form.is_valid():
        return _render(request, context)
    fmt, table = request.GET.get("format", ""), request.GET.get("table", "")
    exporting = fmt in FORMATS and table in EXPORT_TABLES
    if exporting and table == "drills":
        drills = sel.kpi_by_drills(kpi, since, until, viewer=request.user, team=team)
        return _drills_export(fmt, drills, kpi, team)
    if exporting and subject is None:
        raise Http404  # no subject chosen: there is no result table to download
    context["export_links"] = _export_links(
        form, kpi=kpi, weeks=weeks, team=team, since=since, until=until
    )
    if subject is not None:
        result = sel.impact_for(subject, kpi, weeks=weeks, team=team, viewer=request.user)
        paired = result.completers.paired
        context["result"] = result
        context["verdict"] = verdict_sentence(
            kpi,
            paired.verdict,
            paired.n,
            paired.mean_difference,
            paired.difference.low,
            paired.difference.high,
        )
        context["outcome"] = result.outcome
        if result.did is not None:
            context["did_verdict"] = verdict_sentence(
                kpi,
                result.did.verdict,
                min(result.did.n_a, result.did.n_b),
                result.did.difference,
                result.did.low,
                result.did.high,
            )
        if exporting:
            verdicts = {"paired": context["verdict"], "did": context.get("did_verdict", "")}
            return _result_export(fmt, result, subject, team, verdicts)
        context["chart"] = before_after_chart(result)
    drills = sel.kpi_by_drills(kpi, since, until, viewer=request.user, team=team)
    versus = drills.most_vs_none
    context["drills"] = drills
    context["drills_verdict"] = verdict_sentence(
        kpi, versus.verdict, min(versus.n_a, versus.n_b), versus.difference, versus.low, versus.high
    )
    return _render(request, context)


def _render(request: HttpRequest, context: dict) -> HttpResponse:
    template = "certification/reports/impact.html"
    if request.htmx:
        template += "#body"
    return render(request, template, context)
