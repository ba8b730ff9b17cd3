from django.urls import path

from . import views

app_name = "attendance"
urlpatterns = [
    path("console/attendance/shifts/<int:pk>/", views.roster, name="roster"),
    path("console/attendance/shifts/<int:pk>/qr/", views.qr_screen, name="qr"),
    path("console/attendance/shifts/<int:pk>/qr.json", views.qr_state, name="qr_state"),
    path("console/attendance/shifts/<int:pk>/scan/", views.ecard_scan, name="ecard_scan"),
    # "code/" before "<token>/": a token never reads "code" (it holds a dot).
    path("checkin/code/", views.code_checkin, name="code"),
    path("checkin/<str:token>/", views.scan, name="scan"),
]
