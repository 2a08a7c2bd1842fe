"""The reports API on the lms side (imports, competency reports), mounted under /api/."""

from django.urls import path

from . import reports_api

urlpatterns = [
    path("people/import/", reports_api.PeopleImportApi.as_view(), name="api-people-import"),
    path(
        "people/import/template.csv",
        reports_api.PeopleImportTemplateApi.as_view(),
        name="api-people-import-template",
    ),
    path("people/<int:pk>/radar/", reports_api.PersonRadarApi.as_view(), name="api-person-radar"),
    path("kpis/imports/", reports_api.KPIImportListApi.as_view(), name="api-kpi-imports"),
    path("kpis/imports/<int:pk>/", reports_api.KPIImportDetailApi.as_view(), name="api-kpi-import"),
    path(
        "reports/competencies/",
        reports_api.CompetencyReportApi.as_view(),
        name="api-report-competencies",
    ),
]
