from django.urls import path

from . import views_hours as views

urlpatterns: list = [
    path("me/hours/", views.my_hours, name="my_hours"),
    path("me/hours/export.xlsx", views.my_hours_export, name="my_hours_export"),
    path("me/hours/records/<int:pk>/dispute/", views.dispute_create, name="dispute_create"),
    path("me/hours/activities/<int:pk>/rate/", views.activity_rate, name="activity_rate"),
    path("console/volunteers/<int:pk>/hours/", views.volunteer_hours, name="volunteer_hours"),
    path(
        "console/volunteers/<int:pk>/hours/export.xlsx",
        views.volunteer_hours_export,
        name="volunteer_hours_export",
    ),
    path("console/makeup/", views.makeup_list, name="makeup_list"),
    path("console/makeup/new/", views.makeup_create, name="makeup_create"),
    path("console/makeup/<int:pk>/decide/", views.makeup_decide, name="makeup_decide"),
    path("console/disputes/", views.dispute_list, name="disputes"),
    path("console/disputes/<int:pk>/", views.dispute_answer, name="dispute_answer"),
    path("console/records/export/", views.organization_export, name="records_export"),
]
