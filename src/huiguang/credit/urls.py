"""The credit app's pages."""

from django.urls import path

from .views import console, honors, me, public

app_name = "credit"

urlpatterns = [
    path("me/credit/", me.me, name="me"),
    path("me/credit/review/", me.review_create, name="review_create"),
    path("me/credit/record.xlsx", me.my_record_export, name="my_record_export"),
    path("credit/policy/", public.policy, name="policy"),
    path("credit/policy/v<int:version>/", public.policy, name="policy_version"),
    path("console/credit/reviews/", console.reviews, name="reviews"),
    path("console/credit/reviews/<int:pk>/", console.review_detail, name="review_detail"),
    path("console/credit/policy/", console.policy_edit, name="policy_edit"),
    path("console/credit/distribution/", console.distribution, name="distribution"),
    path("console/credit/recompute/", console.recompute_all, name="recompute_all"),
    path("console/credit/volunteers/<int:pk>/", console.volunteer_credit, name="volunteer_credit"),
    path(
        "console/credit/volunteers/<int:pk>/record.xlsx",
        console.volunteer_record_export,
        name="volunteer_record_export",
    ),
    path("console/credit/honors/", honors.honor_list, name="honors"),
    path("console/credit/honors/new/", honors.honor_new, name="honor_new"),
    path("console/credit/honors/import/", honors.honor_import, name="honor_import"),
    path("console/credit/honors/awards/", honors.honor_awards, name="honor_awards"),
    path("console/credit/honors/template.xlsx", honors.honor_template, name="honor_template"),
    path("console/credit/honors/<int:pk>/evidence/", honors.honor_evidence, name="honor_evidence"),
]
