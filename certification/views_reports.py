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
        subjects = sel.impact_subjects()
        self.fields["subject"].choices = [
            ("", _("Choose…")),
            (_("Courses"), [(f"course-{c.pk}", str(c)) for c in subjects["course"]]),
            (_("Learning paths"), [(f"path-{p.pk}", str(p)) for p in subjects["path"]]),
            (_("Certificates"), [(f"program-{p.pk}", str(p)) for p in subjects["program"]]),
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


def level_text(kpi: sel.Kpi, value: float | None) -> str:
    """A KPI's value (a mean): 42.0s, 85.0%, 1.2."""
    return _number(value, kpi.unit)


def change_text(kpi: sel.Kpi, value: float | None, *, signed: bool = True) -> str:
    """A difference of a KPI: -3.0s, +1.2, and for a share in % percentage points
    (+2.5 pp), since 80 % → 82.5 % is a rise of 2.5 points, not of 2.5 %."""
    if value is None:
        return "—"
    number = f"{value:+.1f}" if signed else f"{value:.1f}"
    if kpi.is_share:
        return _("%(value)s pp") % {"value": number}
    return f"{number}{kpi.unit}"


def interval_text(kpi: sel.Kpi, low: float | None, high: float | None, *, change: bool) -> str:
    if low is None or high is None:
        return "—"
    if change:
        return f"{change_text(kpi, low, signed=False)} … {change_text(kpi, high, signed=False)}"
    return f"{level_text(kpi, low)} … {level_text(kpi, high)}"


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
        "diff": change_text(kpi, diff),
        "low": change_text(kpi, low, signed=False),
        "high": change_text(kpi, high, signed=False),
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


# --- The tables' cells, as text (the template only lays them out) -----------------------


def _group_row(name: str, group: sel.Group, kpi: sel.Kpi) -> dict[str, object]:
    paired = group.paired
    return {
        "name": name,
        "n": paired.n,
        "before": level_text(kpi, paired.mean_before),
        "after": level_text(kpi, paired.mean_after),
        "change": change_text(kpi, paired.mean_difference),
        "interval": interval_text(kpi, paired.difference.low, paired.difference.high, change=True),
    }


def _did_row(did: stats.TwoGroups, kpi: sel.Kpi) -> dict[str, object]:
    return {
        "difference": change_text(kpi, did.difference),
        "n_a": did.n_a,
        "n_b": did.n_b,
        "interval": interval_text(kpi, did.low, did.high, change=True),
    }


def _drill_rows(drills: sel.Drills, kpi: sel.Kpi) -> list[dict[str, object]]:
    return [
        {
            "label": bucket.label,
            "n": bucket.interval.n,
            "mean": level_text(kpi, bucket.interval.mean),
            "interval": interval_text(kpi, bucket.interval.low, bucket.interval.high, change=False),
        }
        for bucket in drills.buckets
    ]


# --- Exports: the three tables of the page, as CSV or XLSX --------------------------------

EXPORT_TABLES = ("result", "did", "drills")


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


def _did_export(
    fmt: str, result: sel.Impact, subject, team: Team | None, verdict: str
) -> HttpResponse:
    """The difference-in-differences table: the completers' change against the change of
    the people who did not complete, over the aligned period (no row without one)."""
    kpi = result.kpi
    headers = [
        _("Course, path or certificate"),
        _("Service KPI"),
        _("Team"),
        _("Median completion week"),
        _("People"),
        _("People in the comparison group"),
        _("Change of those who completed"),
        _("Change in the comparison group"),
        _("Difference in differences"),
        _("Interval from"),
        _("Interval to"),
        _("Conclusion"),
    ]
    rows = []
    if result.did is not None and result.aligned is not None:
        did = result.did
        rows.append(
            [
                str(subject),
                _kpi_label(kpi),
                _team_name(team),
                result.aligned.week,
                did.n_a,
                did.n_b,
                _rounded(did.mean_a),
                _rounded(did.mean_b),
                _rounded(did.difference),
                _rounded(did.low),
                _rounded(did.high),
                verdict,
            ]
        )
    filename = f"impact-did-{kpi.code}-{timezone.localdate():%Y%m%d}"
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
    fmt, table = request.GET.get("format", ""), request.GET.get("table", "")
    if fmt in FORMATS and table not in EXPORT_TABLES:
        raise Http404  # a download of no table, as the dashboards answer an unknown section
    since, until = _default_drill_period()
    data = None
    if request.GET:
        # The drills period in force is written into the form, so that its inputs show it.
        data = request.GET.copy()
        for name, default in (("since", since), ("until", until)):
            if not data.get(name):
                data[name] = default.isoformat()
    form = ImpactForm(data, viewer=request.user, initial={"since": since, "until": until})
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
    exporting = fmt in FORMATS
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
        context["result_rows"] = [_group_row(_("Completed"), result.completers, kpi)]
        if result.comparison is not None:
            context["result_rows"].append(_group_row(_("Did not complete"), result.comparison, kpi))
        if result.did is not None:
            context["did_row"] = _did_row(result.did, kpi)
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
        if exporting and table == "did":
            return _did_export(fmt, result, subject, team, context.get("did_verdict", ""))
        if exporting:
            verdicts = {"paired": context["verdict"], "did": context.get("did_verdict", "")}
            return _result_export(fmt, result, subject, team, verdicts)
        context["chart"] = before_after_chart(result)
    drills = sel.kpi_by_drills(kpi, since, until, viewer=request.user, team=team)
    versus = drills.most_vs_none
    context["drills"] = drills
    context["drill_rows"] = _drill_rows(drills, kpi)
    context["drills_verdict"] = verdict_sentence(
        kpi, versus.verdict, min(versus.n_a, versus.n_b), versus.difference, versus.low, versus.high
    )
    return _render(request, context)


def _render(request: HttpRequest, context: dict) -> HttpResponse:
    template = "certification/reports/impact.html"
    if request.htmx:
        template += "#body"
    return render(request, template, context)
