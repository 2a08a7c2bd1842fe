from django.urls import path

from . import views_import

app_name = "people_import"

urlpatterns = [
    path("people/import/", views_import.import_page, name="page"),
    path("people/import/template.<str:fmt>", views_import.import_template, name="template"),
]
