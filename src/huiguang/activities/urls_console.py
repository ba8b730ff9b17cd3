"""The organizers' console (activities app namespace "activities")."""

from django.urls import path

from .views import console_activities as activities
from .views import console_series as series
from .views import console_shifts as shifts

urlpatterns = [
    path("console/activities/", activities.console_list, name="console_list"),
    path("console/activities/new/", activities.console_create, name="console_create"),
    path("console/activities/review/", activities.review_queue, name="review_queue"),
    path("console/activities/<int:pk>/", activities.console_detail, name="console_detail"),
    path("console/activities/<int:pk>/edit/", activities.console_edit, name="console_edit"),
    path("console/activities/<int:pk>/submit/", activities.console_submit, name="console_submit"),
    path("console/activities/<int:pk>/review/", activities.console_review, name="console_review"),
    path("console/activities/<int:pk>/cancel/", activities.console_cancel, name="console_cancel"),
    path("console/activities/<int:pk>/finish/", activities.console_finish, name="console_finish"),
    path("console/activities/<int:pk>/outcome/", activities.console_outcome, name="console_outcome"),
    path("console/activities/<int:pk>/archive/", activities.console_archive, name="console_archive"),
    path("console/activities/<int:pk>/copy/", activities.console_copy, name="console_copy"),
    path("console/activities/<int:pk>/photos/", activities.photo_add, name="photo_add"),
    path("console/activities/photos/<int:pk>/delete/", activities.photo_delete, name="photo_delete"),
    path("console/activities/<int:pk>/shifts/new/", shifts.shift_create, name="shift_create"),
    path("console/activities/<int:pk>/shifts/grid/", shifts.shift_grid, name="shift_grid"),
    path("console/activities/shifts/<int:pk>/edit/", shifts.shift_edit, name="shift_edit"),
    path("console/activities/shifts/<int:pk>/delete/", shifts.shift_delete, name="shift_delete"),
    path("console/activities/shifts/<int:pk>/roster/", shifts.roster, name="roster"),
    path("console/activities/shifts/<int:pk>/roster.xlsx", shifts.roster_export, name="roster_export"),
    path("console/activities/<int:pk>/series/new/", series.series_create, name="series_create"),
    path("console/activities/series/<int:pk>/", series.series_detail, name="series_detail"),
    path("console/activities/series/<int:pk>/edit/", series.series_edit, name="series_edit"),
]
