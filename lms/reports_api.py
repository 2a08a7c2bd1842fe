"""The reports API on the lms side: people and KPI imports, competency reports, a radar.

The same rules as the pages (``views_import``, ``views_kpi``, ``views_reports``): imports
are HR's; the competency reports are for HR (every team) and team leads (the teams they
lead); a person's radar follows the person page (``selectors.person_get_for``). A role
that may not act answers 403; an object the requester may not see answers 404 like a
missing one; bad input answers 400 with translated messages and changes nothing.
"""

from django.core.paginator import Page, Paginator
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import kpi_import, people_import, reports, selectors
from .exports import table_response
from .models import Competency, ImportJob, PositionProfile, Team, User
from .permissions import can_view_heatmap, heatmap_teams_for
from .views_kpi import ERRORS_PER_PAGE
from .views_reports import _level_labels

# --- Shared pieces ---------------------------------------------------------------------


class SelectorPagination(PageNumberPagination):
    """DRF's page format for a page a selector has already cut (its size and order)."""

    def use_page(self, page: Page, request: Request) -> list:
        self.page = page
        self.request = request
        return list(page)


def _hr_or_403(user: User, message: str) -> None:
    if not user.is_hr:
        raise PermissionDenied(message)


class ReportTeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "code", "name"]


class ReportPositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PositionProfile
        fields = ["id", "code", "name"]


class ReportCompetencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Competency
        fields = ["id", "code", "name"]


class ReportPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "display_name"]


class RowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The file's line (1 is the header; 0: the file).")
    message = serializers.CharField()


class ImportFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A .csv (UTF-8, UTF-8 with BOM or GBK) or .xlsx file.")
    dry_run = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Check only: report what would change, save nothing.",
    )
    # Each import sets its own limit and says it, as its page's form does.
    max_bytes: int
    too_big: str

    def validate_file(self, upload):
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise serializers.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > self.max_bytes:
            raise serializers.ValidationError(self.too_big)
        return upload


# --- People import ---------------------------------------------------------------------


class PeopleImportInputSerializer(ImportFileSerializer):
    max_bytes = people_import.MAX_BYTES
    too_big = gettext_lazy("The file is larger than 5 MB.")


class FieldChangeSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The field, in words.")
    old = serializers.CharField(help_text="The stored value (— when none).")
    new = serializers.CharField()


class RowChangeSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    employee_no = serializers.CharField()
    name = serializers.CharField()
    created = serializers.BooleanField(help_text="A new person (else an update).")
    fields = FieldChangeSerializer(many=True)


class PeopleImportResultSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text="False: the file was rejected and nothing changed.")
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField(help_text="Rows read from the file.")
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    teams_created = serializers.ListField(child=serializers.CharField())
    changes = RowChangeSerializer(many=True, help_text="Every person created or updated.")
    errors = RowErrorSerializer(many=True, help_text="Every problem, by line.")


class PeopleImportApi(APIView):
    """Import (or check, with ``dry_run``) a roster (HR). The file is small, so the import
    runs in the request: 200 with what changed, or 400 with every bad row and nothing
    saved. A real import (not a check) is kept in the history on the import page."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": PeopleImportInputSerializer},
        responses={200: PeopleImportResultSerializer, 400: PeopleImportResultSerializer},
    )
    def post(self, request: Request) -> Response:
        _hr_or_403(request.user, _("Only HR can import people."))
        data = PeopleImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result, _job = people_import.people_import_recorded(
            upload=data.validated_data["file"],
            dry_run=data.validated_data["dry_run"],
            by=request.user,
        )
        body = PeopleImportResultSerializer(result).data
        return Response(
            body, status=status.HTTP_200_OK if result.ok else status.HTTP_400_BAD_REQUEST
        )


class PeopleImportTemplateApi(APIView):
    """The roster template as CSV: Chinese headers and two example rows."""

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY})
    def get(self, request: Request):
        _hr_or_403(request.user, _("Only HR can import people."))
        headers, rows = people_import.template_rows()
        return table_response("csv", headers, rows, "people-template")


# --- KPI imports -----------------------------------------------------------------------


class KPIImportInputSerializer(ImportFileSerializer):
    max_bytes = kpi_import.MAX_BYTES
    too_big = gettext_lazy("The file is larger than 10 MB.")


class ImportJobSerializer(serializers.ModelSerializer):
    status = serializers.CharField(help_text="queued, running, done, rejected or failed.")
    status_label = serializers.CharField(source="get_status_display")
    finished = serializers.SerializerMethodField()
    percent = serializers.IntegerField(help_text="Rows checked so far, 0–100.")
    summary = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Once done: rows, created, updated, unchanged (would be, for a check).",
    )
    error_count = serializers.SerializerMethodField()
    created_by = ReportPersonSerializer(allow_null=True)
    url = serializers.SerializerMethodField(help_text="This job in the API.")
    page_url = serializers.SerializerMethodField(help_text="This job's page.")

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "original_name",
            "dry_run",
            "status",
            "status_label",
            "finished",
            "total",
            "processed",
            "percent",
            "summary",
            "error_count",
            "created_by",
            "created_at",
            "finished_at",
            "url",
            "page_url",
        ]

    def get_finished(self, job: ImportJob) -> bool:
        return job.status in kpi_import.FINISHED

    def get_error_count(self, job: ImportJob) -> int:
        return len(job.errors)

    def get_url(self, job: ImportJob) -> str:
        url = reverse("api-kpi-import", args=[job.pk])
        return self.context["request"].build_absolute_uri(url)

    def get_page_url(self, job: ImportJob) -> str:
        url = reverse("kpis:import-job", args=[job.pk])
        return self.context["request"].build_absolute_uri(url)


class ImportErrorsPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    results = RowErrorSerializer(many=True, help_text=f"At most {ERRORS_PER_PAGE} a page.")


class ImportJobDetailSerializer(ImportJobSerializer):
    errors = serializers.SerializerMethodField(help_text="Every bad row, a page at a time.")

    class Meta(ImportJobSerializer.Meta):
        fields = [*ImportJobSerializer.Meta.fields, "errors"]

    @extend_schema_field(ImportErrorsPageSerializer)
    def get_errors(self, job: ImportJob) -> dict:
        page = Paginator(job.errors, ERRORS_PER_PAGE).get_page(self.context["errors_page"])
        return ImportErrorsPageSerializer(
            {
                "count": page.paginator.count,
                "page": page.number,
                "num_pages": page.paginator.num_pages,
                "results": list(page),
            }
        ).data


class PageQuerySerializer(serializers.Serializer):
    page = serializers.IntegerField(required=False, min_value=1, default=1)


class KPIImportListApi(ListAPIView):
    """KPI import jobs, newest first (HR); POST a file to start one. The job runs in the
    background: poll its ``url`` until ``finished``."""

    serializer_class = ImportJobSerializer
    pagination_class = SelectorPagination
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(parameters=[PageQuerySerializer])
    def get(self, request: Request) -> Response:
        _hr_or_403(request.user, _("Only HR can import service KPIs."))
        query = PageQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        page = kpi_import.import_jobs_page(
            kind=ImportJob.Kind.KPI, page_number=query.validated_data["page"]
        )
        rows = self.paginator.use_page(page, request)
        data = ImportJobSerializer(rows, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        request={"multipart/form-data": KPIImportInputSerializer},
        responses={202: ImportJobSerializer},
    )
    def post(self, request: Request) -> Response:
        _hr_or_403(request.user, _("Only HR can import service KPIs."))
        data = KPIImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = kpi_import.kpi_import_job_create(
            upload=data.validated_data["file"],
            dry_run=data.validated_data["dry_run"],
            created_by=request.user,
        )
        body = ImportJobSerializer(job, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)


class KPIImportDetailApi(APIView):
    """One KPI import job: its progress, and once finished its summary or its errors."""

    @extend_schema(parameters=[PageQuerySerializer], responses=ImportJobDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        _hr_or_403(request.user, _("Only HR can import service KPIs."))
        query = PageQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        job = (
            ImportJob.objects.select_related("created_by")
            .filter(pk=pk, kind=ImportJob.Kind.KPI)
            .first()
        )
        if job is None:
            raise NotFound(_("No such import."))
        context = {"request": request, "errors_page": query.validated_data["page"]}
        return Response(ImportJobDetailSerializer(job, context=context).data)


# --- Competency reports ----------------------------------------------------------------


class CompetencyReportQuerySerializer(serializers.Serializer):
    team = serializers.CharField(required=False, allow_blank=True, help_text="Team code.")
    position = serializers.CharField(
        required=False, allow_blank=True, help_text="Position profile code."
    )


def _report_filters(viewer: User, params) -> tuple[Team | None, PositionProfile | None]:
    """The team (one the viewer may report on) and the position, or a 400."""
    query = CompetencyReportQuerySerializer(data=params.dict())
    query.is_valid(raise_exception=True)
    team = position = None
    if code := query.validated_data.get("team"):
        team = heatmap_teams_for(viewer).filter(code=code).first()
        if team is None:
            raise serializers.ValidationError({"team": [_("No such team.")]})
    if code := query.validated_data.get("position"):
        position = PositionProfile.objects.filter(code=code).first()
        if position is None:
            raise serializers.ValidationError({"position": [_("No such position profile.")]})
    return team, position


class TeamCellSerializer(serializers.Serializer):
    average = serializers.FloatField(
        allow_null=True, help_text="Average level, 0 (not yet assessed) to 3; null: no people."
    )
    required_of = serializers.IntegerField(help_text="People whose position requires it.")
    meeting = serializers.IntegerField(help_text="Of those, people at or above the level.")
    share_meeting = serializers.FloatField(
        allow_null=True, help_text="0–100; null when nobody's position requires it."
    )


class TeamHeatmapRowSerializer(serializers.Serializer):
    team = ReportTeamSerializer()
    people = serializers.IntegerField()
    cells = TeamCellSerializer(many=True, help_text="In the order of `competencies`.")


class DistributionRowSerializer(serializers.Serializer):
    competency = ReportCompetencySerializer()
    counts = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="People at each level, in the order of `level_labels` (0 to 3).",
    )
    total = serializers.IntegerField()


class CompetencyReportSerializer(serializers.Serializer):
    team = ReportTeamSerializer(allow_null=True, help_text="The team filter, if any.")
    position = ReportPositionSerializer(allow_null=True, help_text="The position filter.")
    competencies = ReportCompetencySerializer(many=True)
    teams = TeamHeatmapRowSerializer(many=True, help_text="Teams × competencies.")
    people = serializers.IntegerField(help_text="Agents in scope.")
    level_labels = serializers.ListField(child=serializers.CharField())
    distribution = DistributionRowSerializer(many=True, help_text="Levels per competency.")


class CompetencyReportApi(APIView):
    """The competency heatmap by team and the distribution of levels per competency (HR:
    every team; a team lead: the teams they lead). Levels are today's: no period."""

    @extend_schema(
        parameters=[CompetencyReportQuerySerializer], responses=CompetencyReportSerializer
    )
    def get(self, request: Request) -> Response:
        viewer = request.user
        if not can_view_heatmap(viewer):
            raise PermissionDenied(_("Only HR and team leads can see the heatmap."))
        team, position = _report_filters(viewer, request.query_params)
        heatmap = reports.team_competency_heatmap(viewer, team=team, position=position)
        distribution = reports.level_distribution(viewer, team=team, position=position)
        data = {
            "team": team,
            "position": position,
            "competencies": heatmap.competencies,
            "teams": [
                {
                    "team": row.team,
                    "people": row.people,
                    "cells": [
                        {
                            "average": cell.average,
                            "required_of": cell.required_of,
                            "meeting": cell.meeting,
                            "share_meeting": cell.share_meeting,
                        }
                        for cell in row.cells
                    ],
                }
                for row in heatmap.rows
            ],
            "people": distribution.people,
            "level_labels": _level_labels(),
            "distribution": [
                {"competency": r.competency, "counts": list(r.counts), "total": r.total}
                for r in distribution.rows
            ],
        }
        return Response(CompetencyReportSerializer(data).data)


class RadarAxisSerializer(serializers.Serializer):
    competency = ReportCompetencySerializer()
    required = serializers.IntegerField(help_text="The position profile's level.")
    current = serializers.IntegerField(help_text="The person's level (0: not yet assessed).")
    gap = serializers.IntegerField(help_text="Levels short of the required one.")


class RadarSerializer(serializers.Serializer):
    person = ReportPersonSerializer()
    position = ReportPositionSerializer(allow_null=True)
    axes = RadarAxisSerializer(many=True, help_text="Empty when the person has no position.")


class PersonRadarApi(APIView):
    """One person's levels against their position profile, to whoever may see the
    person."""

    @extend_schema(responses=RadarSerializer)
    def get(self, request: Request, pk: int) -> Response:
        try:
            person = selectors.person_get_for(request.user, pk)
        except User.DoesNotExist:
            raise NotFound(_("No such person.")) from None
        axes = reports.person_radar(person)
        data = {
            "person": person,
            "position": person.position,
            "axes": [
                {
                    "competency": a.competency,
                    "required": a.required,
                    "current": a.current,
                    "gap": a.gap,
                }
                for a in axes
            ],
        }
        return Response(RadarSerializer(data).data)
