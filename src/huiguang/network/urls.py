from django.urls import path

from .views import console_memberships, console_orgs, console_regions, console_sites, grants, public

app_name = "network"
urlpatterns = [
    # Public
    path("orgs/", public.directory, name="directory"),
    path("orgs/<str:code>/", public.org_public, name="org_public"),
    path("orgs/<str:code>/join/", public.org_join, name="org_join"),
    # A volunteer's own
    path("me/memberships/", public.my_memberships, name="my_memberships"),
    path("me/memberships/<int:pk>/leave/", public.my_membership_leave, name="my_membership_leave"),
    path("me/organizations/apply/", public.org_apply, name="org_apply"),
    # Console
    path("console/regions/", console_regions.region_list, name="region_list"),
    path("console/regions/<str:code>/", console_regions.region_detail, name="region_detail"),
    path("console/regions/<str:code>/edit/", console_regions.region_edit, name="region_edit"),
    path("console/orgs/", console_orgs.org_list, name="org_list"),
    path("console/orgs/new/", console_orgs.org_create, name="org_create"),
    path("console/orgs/<int:pk>/", console_orgs.org_detail, name="org_detail"),
    path("console/orgs/<int:pk>/edit/", console_orgs.org_edit, name="org_edit"),
    path("console/orgs/<int:pk>/decide/", console_orgs.org_decide, name="org_decide"),
    path("console/orgs/<int:pk>/status/", console_orgs.org_set_status, name="org_set_status"),
    path("console/sites/", console_sites.site_list, name="site_list"),
    path("console/sites/new/", console_sites.site_create, name="site_create"),
    path("console/sites/<int:pk>/edit/", console_sites.site_edit, name="site_edit"),
    path("console/memberships/", console_memberships.membership_list, name="membership_list"),
    path("console/memberships/decide/", console_memberships.membership_decide, name="membership_decide"),
    path("console/memberships/<int:pk>/role/", console_memberships.membership_role, name="membership_role"),
    # The roles console (city admins), at its old address under /accounts/.
    path("accounts/console/roles/", grants.grant_list, name="grant_list"),
    path("accounts/console/roles/<int:pk>/revoke/", grants.grant_revoke, name="grant_revoke"),
]
