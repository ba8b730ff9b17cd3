from django.urls import path

from .views import console, mine

app_name = "training"
urlpatterns = [
    path("me/qualifications/", mine.my, name="my"),
    path("console/training/courses/", console.course_list, name="course_list"),
    path("console/training/courses/new/", console.course_create_view, name="course_create"),
    path("console/training/courses/<int:pk>/edit/", console.course_edit, name="course_edit"),
    path("console/training/qualification-types/", console.type_list, name="type_list"),
    path("console/training/qualifications/", console.qualification_list, name="qualification_list"),
    path("console/training/qualifications.xlsx", console.qualification_export, name="qualification_export"),
    path(
        "console/training/qualifications/new/", console.qualification_record_view, name="qualification_record"
    ),
    path(
        "console/training/qualifications/<int:pk>/revoke/",
        console.qualification_revoke_view,
        name="qualification_revoke",
    ),
    path("console/training/policy/", console.policy, name="policy"),
]
