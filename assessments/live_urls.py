from django.urls import path

from . import views_live as views

urlpatterns = [
    path("live/", views.live_page, name="live"),
    path("live/times/<int:pk>/book/", views.slot_book, name="live-book"),
    path("live/bookings/<int:pk>/cancel/", views.booking_cancel, name="live-cancel"),
    path("live/calendar/", views.calendar_page, name="live-calendar"),
    path("live/calendar/publish/", views.slot_publish, name="live-publish"),
    path("live/times/<int:pk>/withdraw/", views.slot_withdraw, name="live-withdraw"),
    path("live/bookings/<int:pk>/record/", views.booking_record, name="live-record"),
    path("live/bookings/<int:pk>/no-show/", views.booking_no_show, name="live-no-show"),
]
