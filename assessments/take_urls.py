from django.urls import path

from . import views_take as views

urlpatterns = [
    path("quizzes/", views.my_quizzes, name="my-quizzes"),
]
