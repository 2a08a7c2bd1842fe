from django.urls import path

from . import views_take as views

urlpatterns = [
    path("quizzes/", views.my_quizzes, name="my-quizzes"),
    path("quizzes/history/", views.history, name="history"),
    path("quizzes/<int:pk>/", views.quiz_detail, name="quiz-detail"),
    path("quizzes/<int:pk>/start/", views.quiz_start, name="quiz-start"),
    path("quizzes/course/<int:course_id>/", views.course_quizzes, name="course-quizzes"),
    path("attempts/<int:pk>/", views.attempt, name="attempt"),
    path(
        "attempts/<int:pk>/answers/<int:question_id>/",
        views.answer_save,
        name="answer-save",
    ),
    path("attempts/<int:pk>/submit/", views.attempt_submit, name="attempt-submit"),
    path("attempts/<int:pk>/result/", views.attempt_result, name="attempt-result"),
]
