from django.contrib import admin

from .models import Filing, FilingPeriod, FilingVersion, ProvincialReport, StatisticsJob


class ReadOnly(admin.ModelAdmin):
    """Filings, reports and jobs are written by their processes, never by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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


@admin.register(StatisticsJob)
class StatisticsJobAdmin(ReadOnly):
    list_display = ["pk", "status", "done", "total", "corrected", "created_at", "finished_at"]


@admin.register(FilingPeriod)
class FilingPeriodAdmin(admin.ModelAdmin):
    list_display = ["province", "cohort", "due_on", "set_by", "set_at"]
    list_filter = ["cohort"]
