"""Finding activities (public), a volunteer's shifts and activities, calendars and sharing."""

from django.urls import path

from .views import public as views

urlpatterns = [
    path("activities/", views.activity_list, name="list"),
    path("activities/<int:pk>/", views.activity_detail, name="detail"),
    path("activities/<int:pk>.ics", views.activity_ics, name="ics"),
    path("activities/<int:pk>/qr.svg", views.activity_share_qr, name="share_qr"),
    path("me/shifts/", views.can_take, name="can_take"),
    path("me/activities/", views.my_activities, name="my"),
    path("me/calendar/regenerate/", views.calendar_regenerate, name="calendar_regenerate"),
    path("calendar/<slug:token>.ics", views.ical_feed, name="ical_feed"),
]
