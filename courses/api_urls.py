from django.urls import path

from . import api

urlpatterns = [
    path("courses/", api.CourseListApi.as_view(), name="api-courses"),
    path("courses/<int:pk>/", api.CourseDetailApi.as_view(), name="api-course"),
    path("courses/<int:pk>/publish/", api.CoursePublishApi.as_view(), name="api-course-publish"),
    path("courses/<int:pk>/lessons/", api.CourseLessonsApi.as_view(), name="api-course-lessons"),
    path("courses/<int:pk>/sessions/", api.CourseSessionsApi.as_view(), name="api-course-sessions"),
    path("lessons/<int:pk>/", api.LessonDetailApi.as_view(), name="api-lesson"),
    path("paths/", api.PathListApi.as_view(), name="api-paths"),
    path("paths/<int:pk>/assign/", api.PathAssignApi.as_view(), name="api-path-assign"),
    path("enrolments/", api.EnrolmentListApi.as_view(), name="api-enrolments"),
    path(
        "enrolments/<int:pk>/withdraw/",
        api.EnrolmentWithdrawApi.as_view(),
        name="api-enrolment-withdraw",
    ),
    path(
        "enrolments/<int:pk>/lessons/",
        api.EnrolmentLessonsApi.as_view(),
        name="api-enrolment-lessons",
    ),
    path(
        "enrolments/<int:pk>/lessons/<int:lesson_id>/done/",
        api.EnrolmentLessonDoneApi.as_view(),
        name="api-enrolment-lesson-done",
    ),
    path(
        "sessions/<int:pk>/register/", api.SessionRegisterApi.as_view(), name="api-session-register"
    ),
    path(
        "sessions/<int:pk>/registrations/",
        api.SessionRegistrationsApi.as_view(),
        name="api-session-registrations",
    ),
    path(
        "registrations/<int:pk>/cancel/",
        api.RegistrationCancelApi.as_view(),
        name="api-registration-cancel",
    ),
    path(
        "registrations/<int:pk>/attendance/",
        api.RegistrationAttendanceApi.as_view(),
        name="api-registration-attendance",
    ),
]
