"""Django admin: the ledger is read-only here (a confirmed record is never changed by hand; a
correction is a dispute's reversal and corrected row)."""

from django.contrib import admin

from .models import ChainHead, LedgerSeal, MonthlyRollup, Seal, ServiceRecord, StarPolicy, VolunteerHours


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "volunteer",
        "organization",
        "activity_name",
        "service_date",
        "minutes",
        "kind",
        "source",
        "is_credit",
        "status",
        "chain_index",
    )
    list_filter = ("status", "kind", "source", "is_credit")
    search_fields = ("volunteer__volunteer_number", "volunteer__real_name", "activity_name")
    list_select_related = ("volunteer", "organization")
    date_hierarchy = "service_date"
    raw_id_fields = ("volunteer", "organization", "activity", "shift", "enrollment", "reverses", "dispute")


@admin.register(ChainHead)
class ChainHeadAdmin(ReadOnlyAdmin):
    list_display = ("volunteer", "length", "head_hash", "updated_at")
    list_select_related = ("volunteer",)


@admin.register(LedgerSeal)
class LedgerSealAdmin(ReadOnlyAdmin):
    list_display = ("day", "records", "chains", "heads_digest", "created_at")


@admin.register(Seal)
class SealAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "sealed_at", "records", "added", "digest", "previous")


@admin.register(StarPolicy)
class StarPolicyAdmin(ReadOnlyAdmin):
    list_display = ("version", "thresholds_hours", "effective_from", "created_by")


@admin.register(VolunteerHours)
class VolunteerHoursAdmin(ReadOnlyAdmin):
    list_display = ("volunteer", "total_minutes", "credit_minutes", "star", "policy_version")
    list_select_related = ("volunteer",)


@admin.register(MonthlyRollup)
class MonthlyRollupAdmin(ReadOnlyAdmin):
    list_display = ("volunteer", "organization", "month", "minutes", "credit_minutes", "records")
    list_select_related = ("volunteer", "organization")
