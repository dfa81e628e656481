from django.contrib import admin

from core.admin import ReadOnlyAdmin as ReadOnly

from .models import Filing, FilingPeriod, FilingVersion, ProvincialReport


@admin.register(Filing)
class FilingAdmin(ReadOnly):
    list_display = ["university", "cohort", "status", "current_version", "filed_version"]
    list_filter = ["status", "cohort", "province"]
    list_select_related = ["university", "current_version", "filed_version"]


@admin.register(FilingVersion)
class FilingVersionAdmin(ReadOnly):
    list_display = ["filing", "number", "status", "total", "submitted_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["filing__university"]


@admin.register(ProvincialReport)
class ProvincialReportAdmin(ReadOnly):
    list_display = ["province", "cohort", "status", "current_version", "accepted_version"]
    list_filter = ["status", "cohort"]


@admin.register(FilingPeriod)
class FilingPeriodAdmin(admin.ModelAdmin):
    list_display = ["province", "cohort", "due_on", "set_by", "set_at"]
    list_filter = ["cohort"]
