"""The benefits app's pages (loans and school points)."""

from django.urls import path

from .views import loans, points

app_name = "benefits"

loans_urls = [
    path("me/loans/", loans.my_loans, name="my_loans"),
    path("me/loans/products/<int:pk>/", loans.loan_request, name="loan_request"),
    path("me/loans/referrals/<int:pk>/", loans.my_referral, name="my_referral"),
    path("partner/loans/", loans.bank_referrals, name="bank_referrals"),
    path("partner/loans/verify/", loans.bank_verify, name="bank_verify"),
    path("partner/loans/<int:pk>/", loans.bank_referral, name="bank_referral"),
    path("partner/loans/<int:pk>/decide/", loans.bank_decide, name="bank_decide"),
    path("console/loans/products/", loans.loan_products, name="loan_products"),
    path("console/loans/products/new/", loans.loan_product_edit, name="loan_product_create"),
    path("console/loans/products/<int:pk>/", loans.loan_product_view, name="loan_product"),
    path("console/loans/products/<int:pk>/edit/", loans.loan_product_edit, name="loan_product_edit"),
    path("console/loans/statistics/", loans.loan_statistics, name="loan_statistics"),
    path("console/loans/statistics.xlsx", loans.loan_statistics_export, name="loan_statistics_export"),
]

points_urls = [
    path("me/points/", points.my_points, name="my_points"),
    path("me/points/apply/", points.points_apply, name="points_apply"),
    path("me/points/<int:pk>/", points.my_points_application, name="my_points_application"),
    path("me/points/<int:pk>/certificate.pdf", points.points_certificate, name="points_certificate"),
    path("points/verify/", points.points_verify, name="points_verify"),
    path("partner/points/", points.school_applications, name="school_applications"),
    path("partner/points/<int:pk>/", points.school_application, name="school_application"),
    path("partner/points/<int:pk>/decide/", points.school_decide, name="school_decide"),
    path("console/points/policies/", points.points_policies, name="points_policies"),
    path("console/points/policies/new/", points.points_policy_edit, name="points_policy_create"),
    path("console/points/policies/<int:pk>/", points.points_policy_edit, name="points_policy_edit"),
    path("console/points/statistics/", points.points_statistics, name="points_statistics"),
    path("console/points/statistics.xlsx", points.points_statistics_export, name="points_statistics_export"),
]

urlpatterns = loans_urls + points_urls
