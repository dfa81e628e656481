from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import StatisticsJob


@admin.register(StatisticsJob)
class StatisticsJobAdmin(ReadOnlyAdmin):
    list_display = ["pk", "status", "done", "total", "corrected", "created_at", "finished_at"]
