from django.urls import include, path

from . import api

urlpatterns = [
    path("", include("assessments.roleplay_api_urls")),
    path("", include("assessments.rubric_api_urls")),
    path("", include("assessments.calibration_api_urls")),
    path("banks/", api.BankListApi.as_view(), name="api-banks"),
    path("banks/<int:pk>/questions/", api.BankQuestionsApi.as_view(), name="api-bank-questions"),
    path("banks/<int:pk>/import/", api.BankImportApi.as_view(), name="api-bank-import"),
    path("questions/<int:pk>/", api.QuestionDetailApi.as_view(), name="api-question"),
    path("quizzes/", api.QuizListApi.as_view(), name="api-quizzes"),
    path("quizzes/<int:pk>/", api.QuizDetailApi.as_view(), name="api-quiz"),
    path("quizzes/<int:pk>/publish/", api.QuizPublishApi.as_view(), name="api-quiz-publish"),
    path("quizzes/<int:pk>/attempts/", api.QuizAttemptsApi.as_view(), name="api-quiz-attempts"),
    path("quizzes/<int:pk>/results/", api.QuizResultsApi.as_view(), name="api-quiz-results"),
    path(
        "quizzes/<int:pk>/item-analysis/",
        api.QuizItemAnalysisApi.as_view(),
        name="api-quiz-item-analysis",
    ),
    path("attempts/", api.AttemptListApi.as_view(), name="api-attempts"),
    path("attempts/<int:pk>/", api.AttemptDetailApi.as_view(), name="api-attempt"),
    path(
        "attempts/<int:pk>/answers/<int:question_id>/",
        api.AttemptAnswerApi.as_view(),
        name="api-attempt-answer",
    ),
    path("attempts/<int:pk>/submit/", api.AttemptSubmitApi.as_view(), name="api-attempt-submit"),
]
