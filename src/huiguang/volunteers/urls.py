from django.urls import path

from .views import console, guardians, imports, profile

app_name = "volunteers"
urlpatterns = [
    path("register/", profile.register, name="register"),
    path("me/", profile.me, name="me"),
    path("me/ecard/", profile.ecard, name="ecard"),
    path("me/id-number/", profile.reveal_own_id, name="reveal_own_id"),
    path("me/wards/<int:pk>/consent/", profile.guardian_consent, name="guardian_consent"),
    path("me/wards/<int:pk>/standing-consent/", guardians.standing_consent, name="ward_standing_consent"),
    path("console/volunteers/", console.console_list, name="console_list"),
    path("console/volunteers/<int:pk>/", console.console_detail, name="console_detail"),
    path("console/volunteers/<int:pk>/id-number/", console.console_reveal_id, name="console_reveal_id"),
    path("console/import/", imports.upload, name="import_upload"),
    path("console/import/template.<str:fmt>", imports.template, name="import_template"),
    path("console/import/<int:pk>/", imports.preview, name="import_preview"),
    path("console/import/<int:pk>/confirm/", imports.confirm, name="import_confirm"),
    path("console/import/<int:pk>/report.<str:fmt>", imports.report, name="import_report"),
]
