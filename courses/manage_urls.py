from django.urls import path

from . import views_manage as views

urlpatterns = [
    path("learning/progress/", views.progress, name="progress"),
    path("manage/courses/", views.progress, name="manage-courses"),  # placeholder
]
