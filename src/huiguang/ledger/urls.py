from django.urls import include, path

app_name = "ledger"
urlpatterns = [
    path("", include("huiguang.ledger.urls_records")),
    path("", include("huiguang.ledger.urls_hours")),
    path("", include("huiguang.ledger.urls_certificates")),
]
