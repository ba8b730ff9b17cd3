"""Django admin for activities: categories are kept here (by superusers); the rest is a read-mostly
view. Day-to-day changes go through the console, whose services check scopes, guard the shift
counters and write the audit log — so counters and statuses are read-only here."""

from django.contrib import admin

from .models import Activity, ActivityPhoto, Category, Enrollment, Series, Shift


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "sort")
    search_fields = ("code", "name")
    ordering = ("sort", "name")


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 0
    fields = ("name", "starts_at", "ends_at", "capacity", "waitlist_size", "taken", "waitlisted")
    readonly_fields = ("taken", "waitlisted")
    show_change_link = True


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("title", "organization", "category", "starts_at", "status", "series")
    list_filter = ("status", "category", "visibility", "signup_mode")
    search_fields = ("title", "address", "organization__name")
    date_hierarchy = "starts_at"
    raw_id_fields = ("organization", "region", "site", "series", "copied_from", "created_by", "reviewed_by")
    readonly_fields = ("status", "status_reason", "share_token", "created_at", "updated_at", "reviewed_at")
    list_select_related = ("organization", "category", "series")
    filter_horizontal = ("required_skills",)
    inlines = [ShiftInline]


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("name", "activity", "starts_at", "capacity", "taken", "waitlist_size", "waitlisted")
    search_fields = ("name", "activity__title")
    raw_id_fields = ("activity",)
    readonly_fields = ("taken", "waitlisted")
    list_select_related = ("activity",)


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    """Read-only: a sign-up changes through services/enrollments.py, which keeps the counters true."""

    list_display = ("volunteer", "shift", "status", "created_at", "decided_by")
    list_filter = ("status",)
    search_fields = ("volunteer__real_name", "volunteer__volunteer_number", "shift__activity__title")
    raw_id_fields = ("shift", "volunteer", "decided_by", "signed_up_by")
    list_select_related = ("volunteer", "shift", "shift__activity")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ("title", "organization", "rule", "ordinal", "starts_on", "ends_on", "generated_until")
    list_filter = ("rule",)
    search_fields = ("title",)
    raw_id_fields = ("organization", "template", "created_by")
    readonly_fields = ("generated_until", "created_at")


@admin.register(ActivityPhoto)
class ActivityPhotoAdmin(admin.ModelAdmin):
    list_display = ("activity", "kind", "caption", "width", "height", "uploaded_at")
    list_filter = ("kind",)
    raw_id_fields = ("activity", "uploaded_by")
    readonly_fields = ("width", "height", "uploaded_at")
