"""Sign-up endpoints (views/enroll.py): a volunteer's sign-up and cancellation, an organizer's
decisions and team sign-up."""

from django.urls import path

from .views import enroll as views

urlpatterns = [
    path("activities/shifts/<int:shift_id>/enroll/", views.enroll, name="enroll"),
    path("activities/enrollments/<int:pk>/cancel/", views.enrollment_cancel, name="enrollment_cancel"),
    path("activities/enrollments/<int:pk>/guardian/", views.guardian_decide, name="guardian_decide"),
    path("console/activities/shifts/<int:shift_id>/team-signup/", views.team_signup, name="team_signup"),
    path(
        "console/activities/shifts/<int:shift_id>/decide/", views.enrollment_decide, name="enrollment_decide"
    ),
]
