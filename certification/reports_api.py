"""The reports API on the certification side: training dashboards, training impact and
the monthly reports.

The same rules as the pages (``views_dashboards``, ``views_reports``, ``views_monthly``):
HR sees everyone and team leads the teams they lead; the grader-agreement section is for
those who run calibration; monthly reports are HR's. A role that may not see a report
answers 403; a section, subject or team the requester may not see answers 404 or 400;
every number comes from the same selectors as the pages.
"""

import datetime

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.models import Course, LearningPath
from lms.models import User

from .api import CertPersonRefSerializer, hr_or_403
from .models import MonthlyReport, Program
from .reports import dashboards, stats
from .reports import impact as sel
from .reports.monthly import monthly_report_generate, report_language
from .views_dashboards import SECTIONS, DashboardFilterForm, _sections_for
from .views_reports import _default_drill_period, verdict_sentence

# --- Dashboards ------------------------------------------------------------------------


class DashboardQuerySerializer(serializers.Serializer):
    team = serializers.CharField(required=False, help_text="Team code (one in view).")
    position = serializers.CharField(required=False, help_text="Position profile code.")
    path = serializers.CharField(
        required=False, help_text="Learning path code (the path section; default onboarding)."
    )
    start = serializers.DateField(required=False, help_text="First day (default: 90 days ago).")
    end = serializers.DateField(required=False, help_text="Last day (default: today).")


class DashboardFiltersSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    team = serializers.CharField(allow_null=True, help_text="Team code.")
    position = serializers.CharField(allow_null=True, help_text="Position profile code.")
    path = serializers.CharField(allow_null=True, help_text="Learning path code.")


class DashboardSectionSerializer(serializers.Serializer):
    section = serializers.CharField()
    title = serializers.CharField()
    note = serializers.CharField(help_text="What is counted, in words.")
    filters = DashboardFiltersSerializer(help_text="The filters applied, defaults filled in.")
    headers = serializers.ListField(child=serializers.CharField(), help_text="Column titles.")
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.JSONField()),
        help_text="One list a row, in the order of `headers`: text, numbers, or null.",
    )
    footer = serializers.ListField(
        child=serializers.JSONField(), allow_null=True, help_text="The totals row, if any."
    )


def _dashboard_filters(request: Request):
    """The filters of the page's form (``DashboardQuerySerializer`` documents them), or a
    400 with its messages: unlike the page, bad input is not replaced by the defaults."""
    start, end = dashboards.default_period()
    form = DashboardFilterForm(request.query_params, viewer=request.user)
    if not form.is_valid():
        raise serializers.ValidationError(form.errors)
    data = form.cleaned_data
    filters = dashboards.Filters(
        start=data["start"] or start,
        end=data["end"] or end,
        team=data["team"],
        position=data["position"],
    )
    if filters.start > filters.end:
        raise serializers.ValidationError(
            {"start": [_("The period must start on or before its last day.")]}
        )
    path = data["path"] or dashboards.default_path(list(dashboards.report_paths()))
    return filters, path


class DashboardSectionApi(APIView):
    """One dashboard section's table, as on its page: training, path, mastery,
    certification, grading, agreement (HR and authors only)."""

    @extend_schema(
        parameters=[
            DashboardQuerySerializer,
            OpenApiParameter(
                "section", str, OpenApiParameter.PATH, enum=list(SECTIONS), description="Section."
            ),
        ],
        responses=DashboardSectionSerializer,
    )
    def get(self, request: Request, section: str) -> Response:
        if not dashboards.can_view_dashboards(request.user):
            raise PermissionDenied(_("Only HR and team leads see the training dashboards."))
        if section not in _sections_for(request.user):
            raise NotFound(_("No such dashboard section."))
        filters, path = _dashboard_filters(request)
        table = SECTIONS[section](request.user, filters, path)
        data = {
            "section": section,
            "title": table.title,
            "note": table.note,
            "filters": {
                "start": filters.start,
                "end": filters.end,
                "team": filters.team and filters.team.code,
                "position": filters.position and filters.position.code,
                "path": path and path.code,
            },
            "headers": [str(h) for h in table.headers],
            "rows": [[_plain(v) for v in row] for row in table.rows],
            "footer": [_plain(v) for v in table.footer] if table.footer else None,
        }
        return Response(DashboardSectionSerializer(data).data)


def _plain(value):
    """Numbers stay numbers; labels become text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if hasattr(value, "as_tuple"):  # Decimal
        return float(value)
    return str(value)


# --- Training impact -------------------------------------------------------------------

SUBJECT_TYPES = {"course": Course, "path": LearningPath, "program": Program}


def _subjects(kind: str) -> QuerySet:
    """What the impact page offers: courses out of draft, every path, every program."""
    if kind == "course":
        return Course.objects.exclude(status=Course.Status.DRAFT)
    return SUBJECT_TYPES[kind].objects.all()


class ImpactQuerySerializer(serializers.Serializer):
    subject_type = serializers.ChoiceField(choices=list(SUBJECT_TYPES))
    subject = serializers.IntegerField(help_text="The course's, path's or program's id.")
    kpi = serializers.ChoiceField(choices=list(sel.KPIS), default="frt")
    weeks = serializers.IntegerField(
        min_value=sel.MIN_WEEKS, max_value=sel.MAX_WEEKS, default=sel.DEFAULT_WEEKS
    )
    team = serializers.CharField(required=False, help_text="Team code (one in view).")


class DrillsQuerySerializer(serializers.Serializer):
    kpi = serializers.ChoiceField(choices=list(sel.KPIS), default="frt")
    since = serializers.DateField(required=False, help_text="Default: 12 full weeks ago.")
    until = serializers.DateField(required=False, help_text="Default: last Sunday.")
    team = serializers.CharField(required=False, help_text="Team code (one in view).")


def _impact_viewer_or_403(user: User) -> None:
    if not sel.can_view_impact(user):
        raise PermissionDenied(_("Only HR and team leads see the training impact."))


def _team_or_400(user: User, code: str | None):
    if not code:
        return None
    team = sel.heatmap_teams_for(user).filter(code=code).first()
    if team is None:
        raise serializers.ValidationError({"team": [_("No such team.")]})
    return team


class ImpactKpiSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField(help_text="Of a value: s, % or empty (per 100 contacts).")
    change_unit = serializers.CharField(
        help_text="Of a difference: s, pp (percentage points, for a share in %) or empty."
    )
    lower_is_better = serializers.BooleanField()


class MeanIntervalSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    sd = serializers.FloatField(allow_null=True)
    low = serializers.FloatField(allow_null=True, help_text="95 % interval.")
    high = serializers.FloatField(allow_null=True)


class ImpactGroupSerializer(serializers.Serializer):
    n = serializers.IntegerField(help_text="People with KPI weeks on both sides.")
    mean_before = serializers.FloatField(allow_null=True)
    mean_after = serializers.FloatField(allow_null=True)
    difference = serializers.FloatField(allow_null=True, help_text="Mean of after − before.")
    low = serializers.FloatField(allow_null=True, help_text="95 % interval of the difference.")
    high = serializers.FloatField(allow_null=True)
    before = MeanIntervalSerializer()
    after = MeanIntervalSerializer()
    verdict = serializers.CharField(help_text="too_small, no_clear_change, increase or decrease.")
    outcome = serializers.CharField(
        help_text="too_small, no_clear_change, improved or worsened (for this KPI)."
    )
    verdict_text = serializers.CharField(help_text="The conclusion in words.")


class TwoGroupsSerializer(serializers.Serializer):
    n_a = serializers.IntegerField()
    n_b = serializers.IntegerField()
    mean_a = serializers.FloatField(allow_null=True)
    mean_b = serializers.FloatField(allow_null=True)
    difference = serializers.FloatField(allow_null=True, help_text="a − b.")
    low = serializers.FloatField(allow_null=True, help_text="95 % interval (Welch).")
    high = serializers.FloatField(allow_null=True)
    verdict = serializers.CharField()
    outcome = serializers.CharField()
    verdict_text = serializers.CharField()


class AlignedPeriodSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The completers' median completion week.")
    before_first = serializers.DateField()
    before_last = serializers.DateField()
    after_first = serializers.DateField()
    after_last = serializers.DateField()


class ImpactSubjectSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField()
    title = serializers.CharField()


class ImpactExcludedSerializer(serializers.Serializer):
    missing_before = serializers.IntegerField()
    missing_after = serializers.IntegerField()
    missing_both = serializers.IntegerField()
    total = serializers.IntegerField()


class ImpactSerializer(serializers.Serializer):
    subject = ImpactSubjectSerializer()
    kpi = ImpactKpiSerializer()
    weeks = serializers.IntegerField()
    min_people = serializers.IntegerField(help_text="Fewer people than this: too small.")
    completed = serializers.IntegerField(help_text="Completers in scope, with or without KPIs.")
    excluded = ImpactExcludedSerializer(help_text="Completers left out for lack of KPI weeks.")
    completers = ImpactGroupSerializer(help_text="Completers, paired before and after.")
    aligned = AlignedPeriodSerializer(allow_null=True)
    comparison = ImpactGroupSerializer(
        allow_null=True, help_text="Not completed, over the aligned period."
    )
    did = TwoGroupsSerializer(
        allow_null=True,
        help_text="Difference in differences: completers' change − comparison's change.",
    )


def _kpi(kpi: sel.Kpi) -> dict:
    return {
        "code": kpi.code,
        "label": str(kpi.label),
        "unit": kpi.unit,
        "change_unit": sel.change_unit(kpi),
        "lower_is_better": kpi.lower_is_better,
    }


def _interval(interval: stats.MeanInterval) -> dict:
    return {
        "n": interval.n,
        "mean": interval.mean,
        "sd": interval.sd,
        "low": interval.low,
        "high": interval.high,
    }


def _group(kpi: sel.Kpi, group: sel.Group) -> dict:
    paired = group.paired
    low, high = paired.difference.low, paired.difference.high
    return {
        "n": paired.n,
        "mean_before": paired.mean_before,
        "mean_after": paired.mean_after,
        "difference": paired.mean_difference,
        "low": low,
        "high": high,
        "before": _interval(group.before_interval),
        "after": _interval(group.after_interval),
        "verdict": paired.verdict,
        "outcome": sel.outcome(kpi, paired.verdict),
        "verdict_text": verdict_sentence(
            kpi, paired.verdict, paired.n, paired.mean_difference, low, high
        ),
    }


def _two_groups(kpi: sel.Kpi, result: stats.TwoGroups) -> dict:
    n = min(result.n_a, result.n_b)
    return {
        "n_a": result.n_a,
        "n_b": result.n_b,
        "mean_a": result.mean_a,
        "mean_b": result.mean_b,
        "difference": result.difference,
        "low": result.low,
        "high": result.high,
        "verdict": result.verdict,
        "outcome": sel.outcome(kpi, result.verdict),
        "verdict_text": verdict_sentence(
            kpi, result.verdict, n, result.difference, result.low, result.high
        ),
    }


class ImpactApi(APIView):
    """Did completing a course, path or certificate move a service KPI? The completers'
    mean weekly KPI in the N weeks before against the N weeks after their completion
    week (paired), the same change for those who had not completed (aligned period), and
    the difference in differences, each with its 95 % interval and verdict. Method:
    docs/impact-method.md."""

    @extend_schema(parameters=[ImpactQuerySerializer], responses=ImpactSerializer)
    def get(self, request: Request) -> Response:
        _impact_viewer_or_403(request.user)
        query = ImpactQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        values = query.validated_data
        kind = values["subject_type"]
        subject = _subjects(kind).filter(pk=values["subject"]).first()
        if subject is None:
            raise NotFound(_("No such course, path or certificate."))
        team = _team_or_400(request.user, values.get("team"))
        kpi = sel.KPIS[values["kpi"]]
        result = sel.impact_for(subject, kpi, weeks=values["weeks"], team=team, viewer=request.user)
        aligned = result.aligned
        data = {
            "subject": {"type": kind, "id": subject.pk, "title": str(subject)},
            "kpi": _kpi(kpi),
            "weeks": result.weeks,
            "min_people": stats.MIN_PEOPLE,
            "completed": result.completed,
            "excluded": {
                "missing_before": result.missing_before,
                "missing_after": result.missing_after,
                "missing_both": result.missing_both,
                "total": result.left_out,
            },
            "completers": _group(kpi, result.completers),
            "aligned": None
            if aligned is None
            else {
                "week": aligned.week,
                "before_first": aligned.before_first,
                "before_last": aligned.before_last,
                "after_first": aligned.after_first,
                "after_last": aligned.after_last,
            },
            "comparison": None if result.comparison is None else _group(kpi, result.comparison),
            "did": None if result.did is None else _two_groups(kpi, result.did),
        }
        return Response(ImpactSerializer(data).data)


class DrillBucketSerializer(MeanIntervalSerializer):
    label = serializers.CharField(help_text="Graded role-play drills: 0, 1–4 or 5+.")


class DrillsSerializer(serializers.Serializer):
    kpi = ImpactKpiSerializer()
    since = serializers.DateField()
    until = serializers.DateField()
    buckets = DrillBucketSerializer(many=True, help_text="Each person's mean weekly KPI.")
    most_vs_none = TwoGroupsSerializer(help_text="5+ drills against none.")


class ImpactDrillsApi(APIView):
    """The service KPI by the number of role-play drills people had graded."""

    @extend_schema(parameters=[DrillsQuerySerializer], responses=DrillsSerializer)
    def get(self, request: Request) -> Response:
        _impact_viewer_or_403(request.user)
        query = DrillsQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        values = query.validated_data
        since, until = _default_drill_period()
        since, until = values.get("since") or since, values.get("until") or until
        if since > until:
            raise serializers.ValidationError(
                {"since": [_("The period must start on or before its last day.")]}
            )
        team = _team_or_400(request.user, values.get("team"))
        kpi = sel.KPIS[values["kpi"]]
        drills = sel.kpi_by_drills(kpi, since, until, viewer=request.user, team=team)
        data = {
            "kpi": _kpi(kpi),
            "since": drills.since,
            "until": drills.until,
            "buckets": [{"label": b.label, **_interval(b.interval)} for b in drills.buckets],
            "most_vs_none": _two_groups(kpi, drills.most_vs_none),
        }
        return Response(DrillsSerializer(data).data)


# --- Monthly reports -------------------------------------------------------------------


class MonthlyReportSerializer(serializers.ModelSerializer):
    month = serializers.DateField(format="%Y-%m", help_text="YYYY-MM.")
    generated_by = CertPersonRefSerializer(allow_null=True, help_text="null: the schedule.")
    figures = serializers.JSONField(help_text="The key figures per team, as in the PDF.")
    download_url = serializers.SerializerMethodField(help_text="The PDF (HR).")
    language = serializers.SerializerMethodField(
        help_text="The PDF's language (zh-hans or en); null for a report made before it was "
        "recorded."
    )

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "month",
            "language",
            "generated_at",
            "generated_by",
            "pdf_sha256",
            "figures",
            "download_url",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_language(self, report: MonthlyReport) -> str | None:
        return report_language(report)

    @extend_schema_field(serializers.URLField())
    def get_download_url(self, report: MonthlyReport) -> str:
        url = reverse("certification:monthly-pdf", args=[report.pk])
        return self.context["request"].build_absolute_uri(url)


class MonthlyReportInputSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM; a month already reported is made again.")

    def validate_month(self, raw: str) -> datetime.date:
        try:
            year, number = (int(part) for part in raw.split("-"))
            month = datetime.date(year, number, 1)
        except ValueError:
            raise serializers.ValidationError(_("Choose a month (YYYY-MM).")) from None
        if month > timezone.localdate().replace(day=1):
            raise serializers.ValidationError(_("A month still to come has no figures yet."))
        return month


class MonthlyReportListApi(ListAPIView):
    """HR's monthly reports, newest first; POST a month to make (or remake) its report."""

    serializer_class = MonthlyReportSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MonthlyReport.objects.none()
        return MonthlyReport.objects.select_related("generated_by").order_by("-month")

    def get(self, request: Request, *args, **kwargs) -> Response:
        hr_or_403(request.user, _("Only HR sees the monthly reports."))
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=MonthlyReportInputSerializer,
        responses={201: MonthlyReportSerializer, 200: MonthlyReportSerializer},
    )
    def post(self, request: Request) -> Response:
        hr_or_403(request.user, _("Only HR sees the monthly reports."))
        data = MonthlyReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        month = data.validated_data["month"]
        existed = MonthlyReport.objects.filter(month=month).exists()
        report = monthly_report_generate(month=month, by=request.user, language=get_language())
        body = MonthlyReportSerializer(report, context={"request": request}).data
        return Response(body, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)
