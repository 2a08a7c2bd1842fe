from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .forms import FirstPasswordResetForm

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Setting a password by e-mail: how imported people (who get no password) first sign
    # in, and how anyone recovers a forgotten one. Django's views; our templates.
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(form_class=FirstPasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
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
    path("", include("lms.kpi_urls")),
    path("", include("lms.report_urls")),
    path("", include("lms.import_urls")),
]
