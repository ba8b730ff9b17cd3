"""Training sessions on the activity side (views/training.py)."""

from django.urls import path

from .views import training as views

urlpatterns = [
    path("training/courses/", views.courses, name="courses"),
    path("training/courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("console/activities/<int:pk>/results/", views.session_results, name="session_results"),
]
