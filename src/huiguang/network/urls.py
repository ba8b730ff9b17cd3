from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("orgs/", views.directory, name="directory"),
    path("orgs/<str:code>/", views.org_public, name="org_public"),
    path("console/regions/", views.region_list, name="region_list"),
    path("console/orgs/", views.org_list, name="org_list"),
    path("console/sites/", views.site_list, name="site_list"),
    path("console/memberships/", views.membership_list, name="membership_list"),
]
