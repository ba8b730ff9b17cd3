"""The Django admin's view of honors: read-only (honors are recorded through the console, the
import or the API, which check the fields and the evidence and write the audit log)."""

from django.contrib import admin

from .models import Honor


@admin.register(Honor)
class HonorAdmin(admin.ModelAdmin):
    list_display = ("title", "level", "volunteer", "organization", "project", "issuer", "awarded_on")
    list_filter = ("level",)
    search_fields = ("title", "issuer", "project__name", "organization__name")
    list_select_related = ("volunteer", "organization", "project")
    raw_id_fields = ("volunteer", "organization", "project", "award")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
