"""Competency report pages: teams × competencies, level distribution, one person's radar.

HR sees every team, a team lead the teams they lead; anybody else gets a 404, as for a
missing page. The radar follows the person page's rule (``person_get_for``). Every table
downloads as CSV or XLSX from the same URL with ``?format=csv|xlsx`` (and ``table=`` on
the report page, which has several).
"""

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from . import charts, reports, selectors
from .exports import FORMATS, table_response
from .models import Level, PositionProfile, Team, User
from .permissions import can_view_heatmap, heatmap_teams_for

DISTRIBUTION_FILLS = charts.LEVEL_FILLS
REQUIRED_COLOUR = "#f79009"
CURRENT_COLOUR = "#0b6e4f"


class ReportFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        label=gettext_lazy("Team"),
        queryset=Team.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("All my teams"),
    )
    position = forms.ModelChoiceField(
        label=gettext_lazy("Position profile"),
        queryset=PositionProfile.objects.order_by("order", "code"),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("All positions"),
    )

    def __init__(self, *args, viewer: User, **kwargs):
        super().__init__(*args, **kwargs)
        # A lead can only pick the teams they lead: any other code is an invalid choice.
        self.fields["team"].queryset = heatmap_teams_for(viewer).order_by("code")


def _level_labels() -> list[str]:
    return [_("Not yet assessed"), *(str(label) for label in Level.labels)]


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _team_export(heatmap: reports.TeamHeatmap, filename: str, fmt: str):
    headers = [
        _("Team"),
        _("Competency"),
        _("People"),
        _("Average level"),
        _("People whose position requires it"),
        _("At or above the required level"),
        _("Share at or above the required level (%)"),
    ]
    rows = (
        [
            row.team.name,
            competency.name,
            row.people,
            None if cell.average is None else round(cell.average, 2),
            cell.required_of,
            cell.meeting,
            _share(cell.share_meeting),
        ]
        for row in heatmap.rows
        for competency, cell in zip(heatmap.competencies, row.cells, strict=True)
    )
    return table_response(fmt, headers, rows, filename)


def _distribution_export(distribution: reports.LevelDistribution, filename: str, fmt: str):
    headers = [_("Competency"), *_level_labels(), _("People")]
    rows = ([row.competency.name, *row.counts, row.total] for row in distribution.rows)
    return table_response(fmt, headers, rows, filename)


EXPORT_TABLES = ("teams", "levels", "people")


@login_required
@require_GET
def competency_report(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    viewer = request.user
    if not can_view_heatmap(viewer):
        raise Http404
    form = ReportFilterForm(request.GET, viewer=viewer)
    # Bad filter values are reported beside the form and ignored: the page shows everything.
    filters = form.cleaned_data if form.is_valid() else {}
    team, position = filters.get("team"), filters.get("position")

    fmt = request.GET.get("format")
    if fmt in FORMATS:
        table = request.GET.get("table")
        if table == "teams":
            data = reports.team_competency_heatmap(viewer, team=team, position=position)
            return _team_export(data, "competency-heatmap-teams", fmt)
        if table == "levels":
            data = reports.level_distribution(viewer, team=team, position=position)
            return _distribution_export(data, "competency-levels", fmt)
        if table == "people":
            export = reports.people_competency_export(viewer, team=team, position=position)
            return table_response(fmt, export.headers, export.rows, "competency-heatmap-people")
        raise Http404

    heatmap = reports.team_competency_heatmap(viewer, team=team, position=position)
    distribution = reports.level_distribution(viewer, team=team, position=position)
    level_labels = _level_labels()
    heat_svg = charts.heat_grid(
        [row.team.name for row in heatmap.rows],
        [c.name for c in heatmap.competencies],
        [[cell.average for cell in row.cells] for row in heatmap.rows],
        title=_("Average level by team and competency"),
        chart_id="team-heatmap",
    )
    bars_svg = charts.stacked_bars(
        [(row.competency.name, row.counts) for row in distribution.rows],
        list(zip(level_labels, DISTRIBUTION_FILLS, strict=True)),
        title=_("Distribution of levels per competency"),
        chart_id="level-distribution",
    )
    query = urlencode(
        {
            k: v
            for k, v in {"team": team and team.code, "position": position and position.code}.items()
            if v
        }
    )
    context = {
        "form": form,
        "team": team,
        "position": position,
        "heatmap": heatmap,
        "distribution": distribution,
        "heat_svg": heat_svg,
        "bars_svg": bars_svg,
        "level_labels": level_labels,
        "levels": Level.choices,
        "query": query,
    }
    template = (
        "lms/reports/competencies.html#report" if request.htmx else "lms/reports/competencies.html"
    )
    return render(request, template, context)


@login_required
@require_GET
def person_radar(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    try:
        person = selectors.person_get_for(request.user, pk)
    except User.DoesNotExist as exc:
        raise Http404 from exc
    axes = reports.person_radar(person)
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        headers = [_("Competency"), _("Required"), _("Current"), _("Levels short")]
        rows = ([a.competency.name, a.required, a.current, a.gap] for a in axes)
        return table_response(fmt, headers, rows, f"competency-profile-{person.pk}")
    svg = charts.radar(
        [a.competency.name for a in axes],
        [
            charts.Series(_("Required"), [a.required for a in axes], REQUIRED_COLOUR, filled=False),
            charts.Series(_("Current"), [a.current for a in axes], CURRENT_COLOUR),
        ],
        title=_("%(person)s against the position profile") % {"person": person},
        chart_id="person-radar",
    )
    context = {"person": person, "axes": axes, "svg": svg}
    return render(request, "lms/reports/person_radar.html", context)
