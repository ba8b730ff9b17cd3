"""The organizers' console (activities app namespace "activities")."""

from django.urls import path

from .views import console as views

urlpatterns = [
    path("console/activities/", views.console_list, name="console_list"),
    path("console/activities/new/", views.console_create, name="console_create"),
    path("console/activities/review/", views.review_queue, name="review_queue"),
    path("console/activities/<int:pk>/", views.console_detail, name="console_detail"),
    path("console/activities/<int:pk>/edit/", views.console_edit, name="console_edit"),
    path("console/activities/<int:pk>/submit/", views.console_submit, name="console_submit"),
    path("console/activities/<int:pk>/review/", views.console_review, name="console_review"),
    path("console/activities/<int:pk>/cancel/", views.console_cancel, name="console_cancel"),
    path("console/activities/<int:pk>/finish/", views.console_finish, name="console_finish"),
    path("console/activities/<int:pk>/outcome/", views.console_outcome, name="console_outcome"),
    path("console/activities/<int:pk>/archive/", views.console_archive, name="console_archive"),
    path("console/activities/<int:pk>/copy/", views.console_copy, name="console_copy"),
    path("console/activities/<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("console/activities/photos/<int:pk>/delete/", views.photo_delete, name="photo_delete"),
    path("console/activities/<int:pk>/shifts/new/", views.shift_create, name="shift_create"),
    path("console/activities/<int:pk>/shifts/grid/", views.shift_grid, name="shift_grid"),
    path("console/activities/shifts/<int:pk>/edit/", views.shift_edit, name="shift_edit"),
    path("console/activities/shifts/<int:pk>/delete/", views.shift_delete, name="shift_delete"),
    path("console/activities/shifts/<int:pk>/roster/", views.roster, name="roster"),
    path("console/activities/shifts/<int:pk>/roster.xlsx", views.roster_export, name="roster_export"),
    path("console/activities/<int:pk>/series/new/", views.series_create, name="series_create"),
    path("console/activities/series/<int:pk>/", views.series_detail, name="series_detail"),
    path("console/activities/series/<int:pk>/edit/", views.series_edit, name="series_edit"),
]
