from django.urls import path

from . import rubric_api as api

urlpatterns = [
    path("rubrics/", api.RubricListApi.as_view(), name="api-rubrics"),
    path("rubrics/<int:pk>/", api.RubricDetailApi.as_view(), name="api-rubric"),
    path("rubrics/<int:pk>/draft/", api.RubricDraftApi.as_view(), name="api-rubric-draft"),
    path("rubrics/<int:pk>/publish/", api.RubricPublishApi.as_view(), name="api-rubric-publish"),
    path("rubrics/<int:pk>/criteria/", api.RubricCriteriaApi.as_view(), name="api-rubric-criteria"),
    path("criteria/<int:pk>/", api.CriterionDetailApi.as_view(), name="api-criterion"),
    path(
        "authoring/scenarios/",
        api.AuthorScenarioListApi.as_view(),
        name="api-author-scenarios",
    ),
    path(
        "authoring/scenarios/<int:pk>/",
        api.AuthorScenarioDetailApi.as_view(),
        name="api-author-scenario",
    ),
    path(
        "authoring/scenarios/<int:pk>/publish/",
        api.AuthorScenarioPublishApi.as_view(),
        name="api-author-scenario-publish",
    ),
    path(
        "authoring/scenarios/<int:pk>/archive/",
        api.AuthorScenarioArchiveApi.as_view(),
        name="api-author-scenario-archive",
    ),
    path(
        "authoring/scenarios/<int:pk>/turns/",
        api.AuthorScenarioTurnsApi.as_view(),
        name="api-author-scenario-turns",
    ),
    path(
        "authoring/turns/<int:pk>/",
        api.AuthorTurnDetailApi.as_view(),
        name="api-author-turn",
    ),
]
