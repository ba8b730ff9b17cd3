"""Django admin for the network: a read-mostly view for superusers. Day-to-day changes go through
the console, whose services check scopes and write the audit log."""

from django.contrib import admin

from .models import Grant, Membership, Organization, Region, Site


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "population")
    list_filter = ("level",)
    search_fields = ("code", "name")
    readonly_fields = ("path",)
    raw_id_fields = ("parent",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "region", "tier", "status")
    list_filter = ("status", "kind", "tier")
    search_fields = ("code", "name")
    readonly_fields = ("path", "applicant", "created_at")
    raw_id_fields = ("parent", "region")
    list_select_related = ("region",)


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "organization", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "address")
    raw_id_fields = ("region", "organization")
    list_select_related = ("region", "organization")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("volunteer", "organization", "role", "status", "applied_at")
    list_filter = ("status", "role")
    raw_id_fields = ("volunteer", "organization", "decided_by")
    list_select_related = ("volunteer", "organization")


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "region", "organization", "granted_at")
    list_filter = ("role",)
    raw_id_fields = ("user", "region", "organization", "granted_by")
    list_select_related = ("user", "region", "organization")
