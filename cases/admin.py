from django.contrib import admin

from .models import (
    CaseEvent,
    DestinationCategory,
    EmployerNature,
    Graduate,
    Industry,
    JobCategory,
    Region,
)


@admin.register(DestinationCategory)
class DestinationCategoryAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "destination_class",
        "flexible",
        "required_fields",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["destination_class", "flexible", "valid_from"]
    search_fields = ["code", "name"]


@admin.register(EmployerNature, Industry, JobCategory)
class CodeTableAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "full_name", "level"]
    list_filter = ["level"]
    search_fields = ["code", "name", "full_name"]
    raw_id_fields = ["parent"]


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ["at", "actor", "kind", "field", "before", "after", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Graduate)
class GraduateAdmin(admin.ModelAdmin):
    """Read-only here: graduates change through the roster import and the workflow."""

    list_display = ["student_no", "name", "university", "college", "cohort", "status"]
    list_filter = ["cohort", "status", "education_level"]
    list_select_related = ["university", "college"]
    search_fields = ["student_no", "name"]
    inlines = [CaseEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
