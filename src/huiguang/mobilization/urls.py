from django.urls import path  # noqa: F401

from .views import campaigns, drives  # noqa: F401

app_name = "mobilization"

# Recruitment drives (招募): the console pages, then the public page and QR of each unit.
drive_urls: list = []

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
