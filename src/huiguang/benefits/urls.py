"""The benefits pages, in the areas of views/."""

from django.urls import path

from .views import consent, offers, partners, redeem, stats

app_name = "benefits"

urlpatterns = [
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
