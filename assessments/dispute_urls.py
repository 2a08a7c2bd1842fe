from django.urls import path

from . import views_disputes as views

urlpatterns = [
    path("roleplay/disputes/", views.dispute_list, name="roleplay-disputes"),
    path("roleplay/disputes/<int:pk>/", views.dispute_decide, name="roleplay-dispute"),
    path(
        "roleplay/submissions/<int:pk>/acknowledge/",
        views.submission_acknowledge,
        name="roleplay-acknowledge",
    ),
    path(
        "roleplay/submissions/<int:pk>/criteria/<int:criterion_id>/dispute/",
        views.dispute_raise,
        name="roleplay-dispute-raise",
    ),
]
