from django.urls import path

from . import roleplay_api as api

urlpatterns = [
    path("scenarios/", api.ScenarioListApi.as_view(), name="api-scenarios"),
    path("scenarios/<int:pk>/", api.ScenarioDetailApi.as_view(), name="api-scenario"),
    path(
        "scenarios/<int:pk>/submissions/",
        api.ScenarioSubmissionsApi.as_view(),
        name="api-scenario-submissions",
    ),
    path("submissions/", api.SubmissionListApi.as_view(), name="api-submissions"),
    path("submissions/<int:pk>/", api.SubmissionDetailApi.as_view(), name="api-submission"),
    path(
        "submissions/<int:pk>/replies/",
        api.SubmissionReplyApi.as_view(),
        name="api-submission-replies",
    ),
    path(
        "submissions/<int:pk>/submit/",
        api.SubmissionSubmitApi.as_view(),
        name="api-submission-submit",
    ),
    path(
        "submissions/<int:pk>/grade/",
        api.SubmissionGradeApi.as_view(),
        name="api-submission-grade",
    ),
    path("grading-queue/", api.GradingQueueApi.as_view(), name="api-grading-queue"),
    path(
        "grades/<int:pk>/scores/<int:criterion_id>/",
        api.GradeScoreApi.as_view(),
        name="api-grade-score",
    ),
    path("grades/<int:pk>/finalise/", api.GradeFinaliseApi.as_view(), name="api-grade-finalise"),
    path("grades/<int:pk>/return/", api.GradeReturnApi.as_view(), name="api-grade-return"),
]
