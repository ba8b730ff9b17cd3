from django.urls import path

from . import views_records as views

urlpatterns = [
    path(".well-known/huiguang-signing-key", views.public_key, name="public_key"),
    path("console/records/pending/", views.pending, name="pending"),
    path("console/records/", views.records, name="records"),
    path("console/star-policy/", views.star_policy, name="star_policy"),
]
