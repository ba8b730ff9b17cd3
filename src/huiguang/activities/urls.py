from django.urls import include, path

app_name = "activities"
urlpatterns = [
    path("", include("huiguang.activities.urls_public")),
    path("", include("huiguang.activities.urls_enroll")),
    path("", include("huiguang.activities.urls_console")),
    path("", include("huiguang.activities.urls_training")),
]
