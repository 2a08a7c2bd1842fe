from django.urls import path

from . import views_learner as views

urlpatterns = [
    path("learning/", views.my_learning, name="my-learning"),
    path("courses/", views.catalogue, name="catalogue"),
    path("courses/<int:pk>/", views.course_detail, name="course-detail"),
]
