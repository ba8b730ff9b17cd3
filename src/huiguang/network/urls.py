from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    # Public
    path("orgs/", views.directory, name="directory"),
    path("orgs/<str:code>/", views.org_public, name="org_public"),
    path("orgs/<str:code>/join/", views.org_join, name="org_join"),
    # A volunteer's own
    path("me/memberships/", views.my_memberships, name="my_memberships"),
    path("me/memberships/<int:pk>/leave/", views.my_membership_leave, name="my_membership_leave"),
    path("me/organizations/apply/", views.org_apply, name="org_apply"),
    # Console
    path("console/regions/", views.region_list, name="region_list"),
    path("console/regions/<str:code>/", views.region_detail, name="region_detail"),
    path("console/regions/<str:code>/edit/", views.region_edit, name="region_edit"),
    path("console/orgs/", views.org_list, name="org_list"),
    path("console/orgs/new/", views.org_create, name="org_create"),
    path("console/orgs/<int:pk>/", views.org_detail, name="org_detail"),
    path("console/orgs/<int:pk>/edit/", views.org_edit, name="org_edit"),
    path("console/orgs/<int:pk>/decide/", views.org_decide, name="org_decide"),
    path("console/orgs/<int:pk>/status/", views.org_set_status, name="org_set_status"),
    path("console/sites/", views.site_list, name="site_list"),
    path("console/sites/new/", views.site_create, name="site_create"),
    path("console/sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("console/memberships/", views.membership_list, name="membership_list"),
    path("console/memberships/decide/", views.membership_decide, name="membership_decide"),
    path("console/memberships/<int:pk>/role/", views.membership_role, name="membership_role"),
]
