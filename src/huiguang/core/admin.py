from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, read-only: entries are never added, changed or deleted by hand."""

    list_display = ("at", "actor_label", "action", "object_type", "object_label", "outcome", "ip")
    list_filter = ("outcome", "action", "object_type")
    search_fields = ("actor_label", "object_label", "object_id", "action")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
