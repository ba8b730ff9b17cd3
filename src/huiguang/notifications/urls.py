from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("me/notifications/", views.center, name="center"),
    path("me/notifications/settings/", views.preferences, name="preferences"),
    path("me/notifications/read/", views.mark_all_read, name="mark_all_read"),
    path("me/notifications/<int:pk>/", views.open_notification, name="open"),
]
