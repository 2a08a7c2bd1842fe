from django.urls import path

from . import views_manage as views

urlpatterns = [
    # Mentors, team leads and HR
    path("learning/progress/", views.progress, name="progress"),
    path(
        "learning/progress/<int:pk>/withdraw/",
        views.progress_withdraw,
        name="progress-withdraw",
    ),
    path("learning/assign/", views.assign, name="assign"),
    # Trainers (and HR): authoring
    path("manage/courses/", views.course_list, name="manage-courses"),
    path("manage/courses/new/", views.course_create, name="manage-course-create"),
    path("manage/courses/<int:pk>/", views.course_detail, name="manage-course"),
    path("manage/courses/<int:pk>/edit/", views.course_edit, name="manage-course-edit"),
    path("manage/courses/<int:pk>/publish/", views.course_publish, name="manage-course-publish"),
    path("manage/courses/<int:pk>/archive/", views.course_archive, name="manage-course-archive"),
    path(
        "manage/courses/<int:course_pk>/lessons/new/",
        views.lesson_create,
        name="manage-lesson-create",
    ),
    path("manage/lessons/<int:pk>/", views.lesson_edit, name="manage-lesson-edit"),
    path("manage/lessons/<int:pk>/preview/", views.lesson_preview, name="manage-lesson-preview"),
    path("manage/lessons/<int:pk>/delete/", views.lesson_delete, name="manage-lesson-delete"),
    path("manage/lessons/<int:pk>/move/", views.lesson_move, name="manage-lesson-move"),
    path("manage/paths/", views.path_list, name="manage-paths"),
    path("manage/paths/new/", views.path_create, name="manage-path-create"),
    path("manage/paths/<int:pk>/", views.path_edit, name="manage-path-edit"),
    path("manage/paths/<int:pk>/publish/", views.path_publish, name="manage-path-publish"),
    path(
        "manage/courses/<int:course_pk>/sessions/new/",
        views.session_create,
        name="manage-session-create",
    ),
    path("manage/sessions/<int:pk>/", views.session_edit, name="manage-session-edit"),
    path("manage/sessions/<int:pk>/cancel/", views.session_cancel, name="manage-session-cancel"),
    # The session's instructor (or an author)
    path("manage/sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
]
