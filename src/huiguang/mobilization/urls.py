from django.urls import path  # noqa: F401

from .views import campaigns, drives  # noqa: F401

app_name = "mobilization"

# Recruitment drives (招募): the console pages, then the public page and QR of each unit.
drive_urls: list = [
    path("console/drives/", drives.drive_list, name="drive_list"),
    path("console/drives/new/", drives.drive_create, name="drive_create"),
    path("console/drives/<int:pk>/", drives.drive_detail, name="drive_detail"),
    path("console/drives/<int:pk>/open/", drives.drive_open, name="drive_open"),
    path("console/drives/<int:pk>/close/", drives.drive_close, name="drive_close"),
    path("console/drives/<int:pk>/units/new/", drives.unit_create, name="drive_unit_create"),
    path("console/drives/<int:pk>/enrolled/", drives.enrolled_import, name="drive_enrolled_import"),
    path("console/drives/<int:pk>/units.xlsx", drives.unit_export, name="drive_unit_export"),
    path("console/drives/<int:pk>/schools/", drives.school_rates, name="drive_school_rates"),
    path("console/drive-units/<int:pk>/edit/", drives.unit_edit, name="drive_unit_edit"),
    path("console/drive-units/<int:pk>/qr/", drives.unit_qr, name="drive_unit_qr"),
    path("d/<slug:slug>/", drives.unit_public, name="drive_unit_page"),
    path("d/<slug:slug>/join/", drives.unit_join, name="drive_unit_join"),
]

# Rapid mobilization campaigns (应急动员): the console pages, then the public registration.
campaign_urls: list = [
    path("console/campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("console/campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("console/campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path(
        "console/campaigns/<int:pk>/status/<str:move>/",
        campaigns.campaign_status,
        name="campaign_status",
    ),
    path("console/campaigns/<int:pk>/recruits/", campaigns.campaign_recruits, name="campaign_recruits"),
    path("console/campaigns/<int:pk>/recruits.xlsx", campaigns.campaign_export, name="campaign_export"),
    path("console/campaigns/<int:pk>/assign/", campaigns.campaign_assign, name="campaign_assign"),
    path("console/campaigns/<int:pk>/messages/", campaigns.campaign_blasts, name="campaign_blasts"),
    path(
        "console/campaigns/<int:pk>/push-course/", campaigns.campaign_push_course, name="campaign_push_course"
    ),
    path("campaigns/<int:pk>/", campaigns.campaign_public, name="campaign_public"),
    path("campaigns/<int:pk>/qr.svg", campaigns.campaign_qr, name="campaign_qr"),
]

urlpatterns = [*drive_urls, *campaign_urls]
