"""The reports API on the certification side: dashboards, impact, monthly reports."""

from django.urls import path

from . import reports_api

urlpatterns = [
    # A section the requester may not see (or none) answers the API's own 404.
    path(
        "reports/dashboards/<str:section>/",
        reports_api.DashboardSectionApi.as_view(),
        name="api-report-dashboard",
    ),
    path("reports/impact/", reports_api.ImpactApi.as_view(), name="api-report-impact"),
    path(
        "reports/impact/drills/",
        reports_api.ImpactDrillsApi.as_view(),
        name="api-report-impact-drills",
    ),
    path("reports/monthly/", reports_api.MonthlyReportListApi.as_view(), name="api-report-monthly"),
]
