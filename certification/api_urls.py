"""The certification API, mounted under /api/certification/."""

from django.urls import path

from . import api, api_ladder, api_points

urlpatterns = [
    path("programs/", api.ProgramListApi.as_view(), name="api-cert-programs"),
    path("programs/<int:pk>/", api.ProgramDetailApi.as_view(), name="api-cert-program"),
    path(
        "programs/<int:pk>/eligibility/",
        api.ProgramEligibilityApi.as_view(),
        name="api-cert-program-eligibility",
    ),
    path("programs/<int:pk>/issue/", api.ProgramIssueApi.as_view(), name="api-cert-program-issue"),
    path(
        "programs/<int:pk>/issue-all/",
        api.ProgramIssueAllApi.as_view(),
        name="api-cert-program-issue-all",
    ),
    path("certificates/", api.CertificateListApi.as_view(), name="api-cert-certificates"),
    path("certificates/<int:pk>/", api.CertificateDetailApi.as_view(), name="api-cert-certificate"),
    path(
        "certificates/<int:pk>/revoke/",
        api.CertificateRevokeApi.as_view(),
        name="api-cert-certificate-revoke",
    ),
    path("checklist/", api.ChecklistApi.as_view(), name="api-cert-checklist"),
    path("points/rules/", api_points.PointRulesApi.as_view(), name="api-cert-point-rules"),
    path("points/leaderboard/", api_points.LeaderboardApi.as_view(), name="api-cert-leaderboard"),
    path(
        "points/entries/<int:pk>/",
        api_points.PointsEntryApi.as_view(),
        name="api-cert-points-entry",
    ),
    path("points/<int:person_id>/", api_points.StatementApi.as_view(), name="api-cert-points"),
    path("honours/", api_points.HonourListApi.as_view(), name="api-cert-honours"),
    path("honours/types/", api_points.HonourTypeListApi.as_view(), name="api-cert-honour-types"),
    path("ladder/me/", api_ladder.LadderMeApi.as_view(), name="api-cert-ladder-me"),
    path("ladder/board/", api_ladder.PromotionBoardApi.as_view(), name="api-cert-ladder-board"),
    path(
        "ladder/decisions/",
        api_ladder.PromotionDecisionsApi.as_view(),
        name="api-cert-ladder-decisions",
    ),
]
