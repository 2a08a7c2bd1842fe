from django.urls import path

from . import views_verify

# Public, outside the "certification" namespace.
urlpatterns = [path("verify/<str:code>/", views_verify.verify, name="verify")]
