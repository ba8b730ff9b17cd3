from django.contrib import admin

from .models import Consent, Partner, PartnerAccess, PartnerStaff


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "status", "region")
    list_filter = ("kind", "status")


@admin.register(PartnerStaff)
class PartnerStaffAdmin(admin.ModelAdmin):
    list_display = ("user", "partner", "role", "active")


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("volunteer", "partner", "purpose", "granted_at", "expires_at", "withdrawn_at")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PartnerAccess)
class PartnerAccessAdmin(admin.ModelAdmin):
    list_display = ("partner", "volunteer", "user", "at", "what")

    def has_change_permission(self, request, obj=None):
        return False
