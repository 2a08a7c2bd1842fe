from django.urls import path

from . import views_calibration, views_plans

urlpatterns = [
    path("plans/", views_plans.plan_list, name="plan-list"),
    path("plans/new/", views_plans.plan_create, name="plan-create"),
    path("plans/mine/", views_plans.plan_mine, name="plan-mine"),
    path("plans/<int:pk>/", views_plans.plan_results, name="plan-results"),
    path("plans/<int:pk>/edit/", views_plans.plan_edit, name="plan-edit"),
    path(
        "plans/calibration/second-graders/",
        views_calibration.second_graders_sample,
        name="plan-calibration-sample",
    ),
]
