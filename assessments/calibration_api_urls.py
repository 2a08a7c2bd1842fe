from django.urls import path

from . import calibration_api, plan_api

urlpatterns = [
    path(
        "calibration/agreement/",
        calibration_api.AgreementReportApi.as_view(),
        name="api-calibration-agreement",
    ),
    path(
        "calibration/second-graders/",
        calibration_api.SecondGradersSampleApi.as_view(),
        name="api-calibration-second-graders",
    ),
    path(
        "submissions/<int:pk>/second-grader/",
        calibration_api.SubmissionSecondGraderApi.as_view(),
        name="api-submission-second-grader",
    ),
    path("plans/", plan_api.PlanListApi.as_view(), name="api-plans"),
    path("plans/mine/", plan_api.MyCompositesApi.as_view(), name="api-plans-mine"),
    path("plans/<int:pk>/", plan_api.PlanDetailApi.as_view(), name="api-plan"),
    path("plans/<int:pk>/scores/", plan_api.PlanScoresApi.as_view(), name="api-plan-scores"),
]
