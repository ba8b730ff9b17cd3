from django.urls import path  # noqa: F401

from .views import campaigns, drives  # noqa: F401

app_name = "mobilization"

# Recruitment drives (招募): the console pages, then the public page and QR of each unit.
drive_urls: list = []

# Rapid mobilization campaigns (应急动员): the console pages, then the public registration.
campaign_urls: list = []

urlpatterns = [*drive_urls, *campaign_urls]
