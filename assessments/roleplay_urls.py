from django.urls import path

from . import views_roleplay as views

urlpatterns = [
    path("roleplay/", views.scenario_list, name="roleplay-list"),
    path("roleplay/mine/", views.my_submissions, name="roleplay-mine"),
    path("roleplay/queue/", views.grading_queue, name="roleplay-queue"),
    path("roleplay/calibration/", views.calibration_report, name="roleplay-calibration"),
    path("roleplay/scenarios/<int:pk>/start/", views.scenario_start, name="roleplay-start"),
    path("roleplay/submissions/<int:pk>/", views.submission_page, name="roleplay-submission"),
    path("roleplay/submissions/<int:pk>/reply/", views.turn_reply, name="roleplay-reply"),
    path("roleplay/submissions/<int:pk>/submit/", views.submission_submit, name="roleplay-submit"),
    path(
        "roleplay/submissions/<int:pk>/turns/<int:order>/audio/",
        views.turn_audio,
        name="roleplay-turn-audio",
    ),
    path(
        "roleplay/submissions/<int:pk>/turns/<int:order>/audio/upload/",
        views.turn_audio_upload,
        name="roleplay-turn-audio-upload",
    ),
    path(
        "roleplay/submissions/<int:pk>/recording/",
        views.submission_recording,
        name="roleplay-recording",
    ),
    path("roleplay/submissions/<int:pk>/grade/", views.grade_page, name="roleplay-grade"),
    path(
        "roleplay/submissions/<int:pk>/grade/criteria/<int:criterion_id>/",
        views.score_set,
        name="roleplay-score",
    ),
    path(
        "roleplay/submissions/<int:pk>/grade/finalise/",
        views.grade_finalise,
        name="roleplay-finalise",
    ),
    path(
        "roleplay/submissions/<int:pk>/grade/return/",
        views.submission_return,
        name="roleplay-return",
    ),
    path(
        "roleplay/submissions/<int:pk>/second-grader/",
        views.second_grader_request,
        name="roleplay-second-grader",
    ),
]
