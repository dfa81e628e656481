from django.contrib import admin

from .models import DeadlineNotice, TaskSLA


@admin.register(TaskSLA)
class TaskSLAAdmin(admin.ModelAdmin):
    list_display = ["kind", "hours"]


@admin.register(DeadlineNotice)
class DeadlineNoticeAdmin(admin.ModelAdmin):
    """The record of the registration-deadline sweep's notices, read-only."""

    list_display = ["cohort", "kind", "days_before", "deadline", "sent_at", "recipients"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
