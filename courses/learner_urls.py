from django.urls import path

from . import views_learner as views
from . import views_manage

urlpatterns = [
    path("learning/", views.my_learning, name="my-learning"),
    path(
        "learning/<int:enrolment_id>/withdraw/", views.enrolment_withdraw, name="enrolment-withdraw"
    ),
    path("learning/<int:enrolment_id>/lessons/<int:lesson_id>/", views.lesson, name="lesson"),
    path(
        "learning/<int:enrolment_id>/files/<int:lesson_id>/",
        views.lesson_file,
        name="lesson-file",
    ),
    path(
        "learning/<int:enrolment_id>/lessons/<int:lesson_id>/done/",
        views.lesson_done,
        name="lesson-done",
    ),
    path("courses/", views.catalogue, name="catalogue"),
    path("courses/<int:pk>/", views.course_detail, name="course-detail"),
    path("courses/<int:pk>/enrol/", views.course_enrol, name="course-enrol"),
    path("sessions/<int:session_id>/register/", views.session_register, name="session-register"),
    path("sessions/<int:session_id>/cancel/", views.session_cancel, name="session-cancel"),
    # Authors' download of a lesson's working-copy file (beside the manage pages' URLs).
    path("manage/lessons/<int:pk>/file/", views_manage.lesson_file, name="manage-lesson-file"),
]
