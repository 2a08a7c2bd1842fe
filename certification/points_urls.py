from django.urls import path

from . import views_ladder, views_points

urlpatterns = [
    path("points/", views_points.points_me, name="points-me"),
    path("points/how/", views_points.points_how, name="points-how"),
    path("points/leaderboard/", views_points.leaderboard, name="leaderboard"),
    path("points/rules/", views_points.point_rules, name="point-rules"),
    path("points/honours/", views_points.honours, name="honours"),
    path("points/honours/award/", views_points.honour_award, name="honour-award"),
    path("points/honours/types/", views_points.honour_types, name="honour-types"),
    path("points/honours/types/<int:pk>/", views_points.honour_type_edit, name="honour-type-edit"),
    path("points/panel/<int:person_id>/", views_points.person_panel, name="person-panel"),
    path("points/<int:person_id>/", views_points.points_statement, name="points-statement"),
    path("points/<int:person_id>/correct/", views_points.points_correct, name="points-correct"),
    path("ladder/me/", views_ladder.ladder_me, name="ladder-me"),
    path("ladder/levels/", views_ladder.ladder_levels, name="ladder-levels"),
    path("ladder/levels/new/", views_ladder.ladder_level_create, name="ladder-level-create"),
    path("ladder/levels/<int:pk>/", views_ladder.ladder_level_edit, name="ladder-level-edit"),
    path("ladder/board/", views_ladder.promotion_board, name="promotion-board"),
    path("ladder/board/decide/", views_ladder.promotion_decide, name="promotion-decide"),
]
