from django.urls import path

from . import views_manage as views

urlpatterns = [
    path("manage/banks/", views.banks, name="manage-banks"),
]
