from django.urls import path

from . import import_views, views

app_name = "volunteers"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("me/", views.me, name="me"),
    path("me/ecard/", views.ecard, name="ecard"),
    path("me/id-number/", views.reveal_own_id, name="reveal_own_id"),
    path("me/wards/<int:pk>/consent/", views.guardian_consent, name="guardian_consent"),
    path("console/volunteers/", views.console_list, name="console_list"),
    path("console/volunteers/<int:pk>/", views.console_detail, name="console_detail"),
    path("console/volunteers/<int:pk>/id-number/", views.console_reveal_id, name="console_reveal_id"),
    path("console/import/", import_views.upload, name="import_upload"),
    path("console/import/template.<str:fmt>", import_views.template, name="import_template"),
    path("console/import/<int:pk>/", import_views.preview, name="import_preview"),
    path("console/import/<int:pk>/confirm/", import_views.confirm, name="import_confirm"),
    path("console/import/<int:pk>/report.<str:fmt>", import_views.report, name="import_report"),
]
