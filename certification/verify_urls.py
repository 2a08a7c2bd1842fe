from django.urls import path

from . import views_verify

# Public, outside the "certification" namespace. The JSON form is the same address with
# ?format=json (see views_verify).
urlpatterns = [path("verify/<str:code>/", views_verify.verify, name="verify")]
