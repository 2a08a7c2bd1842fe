from django.urls import path

from . import views_learner as views

urlpatterns = [
    path("learning/", views.my_learning, name="my-learning"),
    path(
        "learning/<int:enrolment_id>/withdraw/", views.enrolment_withdraw, name="enrolment-withdraw"
    ),
    path("learning/<int:enrolment_id>/lessons/<int:lesson_id>/", views.lesson, name="lesson"),
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
]
