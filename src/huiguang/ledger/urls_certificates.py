from django.urls import path

from . import views_certificates as views

urlpatterns = [
    path("me/certificates/", views.my_certificates, name="my_certificates"),
    path("certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("console/certificates/", views.certificate_queue, name="certificate_queue"),
    path("console/certificates/<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path("console/certificates/<int:pk>/issue/", views.certificate_issue, name="certificate_issue"),
    path("console/certificates/<int:pk>/refuse/", views.certificate_refuse, name="certificate_refuse"),
    path("console/certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<str:number>/", views.verify, name="verify"),
]
