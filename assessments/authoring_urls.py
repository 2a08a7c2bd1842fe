from django.urls import path

from . import views_authoring as views

urlpatterns = [
    # Trainers, HR and admin: rubrics
    path("manage/roleplay/rubrics/", views.rubric_list, name="author-rubrics"),
    path("manage/roleplay/rubrics/new/", views.rubric_create, name="author-rubric-create"),
    path("manage/roleplay/rubrics/<int:pk>/", views.rubric_detail, name="author-rubric"),
    path("manage/roleplay/rubrics/<int:pk>/edit/", views.rubric_edit, name="author-rubric-edit"),
    path(
        "manage/roleplay/rubrics/<int:pk>/draft/",
        views.rubric_new_draft,
        name="author-rubric-draft",
    ),
    path(
        "manage/roleplay/rubrics/<int:pk>/publish/",
        views.rubric_publish,
        name="author-rubric-publish",
    ),
    path(
        "manage/roleplay/rubrics/<int:pk>/criteria/new/",
        views.criterion_create,
        name="author-criterion-create",
    ),
    path(
        "manage/roleplay/criteria/<int:pk>/edit/",
        views.criterion_edit,
        name="author-criterion-edit",
    ),
    path(
        "manage/roleplay/criteria/<int:pk>/delete/",
        views.criterion_delete,
        name="author-criterion-delete",
    ),
    # Scenarios and their scripts
    path("manage/roleplay/scenarios/", views.scenario_list, name="author-scenarios"),
    path("manage/roleplay/scenarios/new/", views.scenario_create, name="author-scenario-create"),
    path("manage/roleplay/scenarios/<int:pk>/", views.scenario_detail, name="author-scenario"),
    path(
        "manage/roleplay/scenarios/<int:pk>/edit/",
        views.scenario_edit,
        name="author-scenario-edit",
    ),
    path(
        "manage/roleplay/scenarios/<int:pk>/publish/",
        views.scenario_publish,
        name="author-scenario-publish",
    ),
    path(
        "manage/roleplay/scenarios/<int:pk>/archive/",
        views.scenario_archive,
        name="author-scenario-archive",
    ),
    path("manage/roleplay/scenarios/<int:pk>/try/", views.scenario_try, name="author-scenario-try"),
    path(
        "manage/roleplay/scenarios/<int:pk>/turns/new/",
        views.turn_create,
        name="author-turn-create",
    ),
    path("manage/roleplay/turns/<int:pk>/edit/", views.turn_edit, name="author-turn-edit"),
    path("manage/roleplay/turns/<int:pk>/delete/", views.turn_delete, name="author-turn-delete"),
]
