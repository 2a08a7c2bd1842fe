from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import api

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        # Swagger UI's page carries a small inline stylesheet; scripts stay same-origin only.
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("auth/token/", api.TokenApi.as_view(), name="api-token"),
    path("me/", api.MeApi.as_view(), name="api-me"),
    path("matrix/", api.MatrixApi.as_view(), name="api-matrix"),
    path("people/", api.PersonListApi.as_view(), name="api-people"),
    path("people/<int:pk>/", api.PersonDetailApi.as_view(), name="api-person"),
    path("people/<int:pk>/levels/", api.PersonLevelsApi.as_view(), name="api-person-levels"),
    path("people/<int:pk>/evidence/", api.PersonEvidenceApi.as_view(), name="api-person-evidence"),
    path(
        "evidence/<int:pk>/withdraw/",
        api.EvidenceWithdrawApi.as_view(),
        name="api-evidence-withdraw",
    ),
    path("heatmap/", api.HeatmapApi.as_view(), name="api-heatmap"),
    path("teams/", api.TeamListApi.as_view(), name="api-teams"),
    path("mentorships/", api.MentorshipListApi.as_view(), name="api-mentorships"),
    path("mentorships/<int:pk>/end/", api.MentorshipEndApi.as_view(), name="api-mentorship-end"),
    path("", include("courses.api_urls")),
    path("", include("assessments.api_urls")),
    path("certification/", include("certification.api_urls")),
    path("", include("lms.reports_api_urls")),
    path("", include("certification.reports_api_urls")),
]
