"""The benefits pages, in the areas of views/."""

from django.urls import path

from .views import consent, loans, offers, partners, points, redeem, stats

app_name = "benefits"

stores_urls = [
    # the city's partner register (console)
    path("console/partners/", partners.partner_list, name="partner_list"),
    path("console/partners/new/", partners.partner_create, name="partner_create"),
    path("console/partners/<int:pk>/", partners.partner_detail, name="partner_detail"),
    path("console/partners/<int:pk>/edit/", partners.partner_edit, name="partner_edit"),
    path("console/partners/<int:pk>/staff/", partners.staff_add, name="staff_add"),
    path(
        "console/partners/<int:pk>/staff/<int:staff_pk>/active/", partners.staff_active, name="staff_active"
    ),
    path("console/partners/<int:pk>/offers/new/", partners.offer_create, name="offer_create"),
    path("console/offers/<int:pk>/edit/", partners.offer_edit, name="offer_edit"),
    path("console/offers/statistics/", stats.city_stats, name="city_stats"),
    path("console/offers/statistics.xlsx", stats.city_stats_export, name="city_stats_export"),
    # the volunteer's offers, codes and the stores' map
    path("me/offers/", offers.offer_list, name="offers"),
    path("me/offers/<int:pk>/claim/", offers.offer_claim, name="offer_claim"),
    path("me/codes/", offers.my_codes, name="my_codes"),
    path("me/codes/<int:pk>/", offers.my_code, name="my_code"),
    path("me/codes/<int:pk>/cancel/", offers.my_code_cancel, name="my_code_cancel"),
    path("me/stores/", offers.stores, name="stores"),
    # who can see my data (consent ledger)
    path("me/data-access/", consent.my_data, name="my_data"),
    path(
        "me/data-access/consents/<int:pk>/withdraw/", consent.consent_withdraw_view, name="consent_withdraw"
    ),
    # the partner's own pages
    path("partner/", redeem.partner_home, name="partner_home"),
    path("partner/<int:pk>/redeem/", redeem.redeem, name="redeem"),
    path("partner/<int:pk>/statistics/", stats.partner_stats, name="partner_stats"),
    path("partner/<int:pk>/statistics.xlsx", stats.partner_stats_export, name="partner_stats_export"),
    path("c/<str:code>/", redeem.code_link, name="code_link"),
]

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

urlpatterns = stores_urls + loans_urls + points_urls
