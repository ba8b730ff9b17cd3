"""The ledger's pages, in the areas of views/ (the paths are the same as before the split)."""

from django.urls import path

from .views import certificates, corrections, history, hours, records, seals, wards

app_name = "ledger"

records_urls = [
    path(".well-known/huiguang-signing-key", records.public_key, name="public_key"),
    path("console/records/pending/", records.pending, name="pending"),
    path("console/records/", records.records, name="records"),
    path("console/star-policy/", records.star_policy, name="star_policy"),
]

hours_urls = [
    path("me/hours/", hours.my_hours, name="my_hours"),
    path("me/hours/export.xlsx", hours.my_hours_export, name="my_hours_export"),
    path("console/volunteers/<int:pk>/hours/", hours.volunteer_hours, name="volunteer_hours"),
    path(
        "console/volunteers/<int:pk>/hours/export.xlsx",
        hours.volunteer_hours_export,
        name="volunteer_hours_export",
    ),
    path("console/records/export/", hours.organization_export, name="records_export"),
    path("me/wards/<int:pk>/", wards.ward, name="ward"),
]

corrections_urls = [
    path("me/hours/records/<int:pk>/dispute/", corrections.dispute_create, name="dispute_create"),
    path("me/hours/activities/<int:pk>/rate/", corrections.activity_rate, name="activity_rate"),
    path("console/makeup/", corrections.makeup_list, name="makeup_list"),
    path("console/makeup/new/", corrections.makeup_create, name="makeup_create"),
    path("console/makeup/<int:pk>/decide/", corrections.makeup_decide, name="makeup_decide"),
    path("console/disputes/", corrections.dispute_list, name="disputes"),
    path("console/disputes/<int:pk>/", corrections.dispute_answer, name="dispute_answer"),
]

certificates_urls = [
    path("me/certificates/", certificates.my_certificates, name="my_certificates"),
    path("certificates/<int:pk>/pdf/", certificates.certificate_pdf, name="certificate_pdf"),
    path("console/certificates/", certificates.certificate_queue, name="certificate_queue"),
    path("console/certificates/<int:pk>/", certificates.certificate_detail, name="certificate_detail"),
    path("console/certificates/<int:pk>/issue/", certificates.certificate_issue, name="certificate_issue"),
    path("console/certificates/<int:pk>/refuse/", certificates.certificate_refuse, name="certificate_refuse"),
    path("console/certificates/<int:pk>/revoke/", certificates.certificate_revoke, name="certificate_revoke"),
    path("verify/", certificates.verify_lookup, name="verify_lookup"),
    path("verify/<str:number>/", certificates.verify, name="verify"),
]

seals_urls = [
    path("ledger/seals/", seals.seals, name="seals"),
]

urlpatterns = records_urls + hours_urls + corrections_urls + certificates_urls + seals_urls

# history import
urlpatterns += [
    path("console/history/", history.history_imports, name="history"),
    path("console/history/<int:pk>/", history.history_detail, name="history_detail"),
    path("console/history/<int:pk>/progress/", history.history_progress, name="history_progress"),
    path("console/history/<int:pk>/apply/", history.history_apply, name="history_apply"),
    path("console/history/templates.xlsx", history.history_workbook, name="history_workbook"),
    path("console/history/templates/<str:kind>/", history.history_template, name="history_template"),
]
