from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("lms.api_urls")),
    path("", include("lms.web_urls")),
    path("", include("courses.urls")),
    path("", include("assessments.urls")),
    path("", include("certification.urls")),
    path("", include("certification.verify_urls")),
]
