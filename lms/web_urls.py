from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.language_switch, name="language-switch"),
    path("me/", views.my_profile, name="my-profile"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("heatmap/", views.heatmap, name="heatmap"),
    path("matrix/", views.matrix, name="matrix"),
    path("mentorships/", views.mentorships, name="mentorships"),
    path("mentorships/<int:pk>/end/", views.mentorship_end, name="mentorship-end"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications-read-all"),
]
