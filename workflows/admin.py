from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from .models import DeadlineNotice, TaskSLA


@admin.register(TaskSLA)
class TaskSLAAdmin(admin.ModelAdmin):
    """Each task kind's SLA: every registered kind has its row, at the kind's default
    until set here."""

    list_display = ["kind_name", "kind", "hours"]
    fields = ["kind", "hours"]
    readonly_fields = ["kind"]

    @admin.display(description=_("task kind"), ordering="kind")
    def kind_name(self, obj):
        return obj.get_kind_display()

    def has_add_permission(self, request):
        return False


@admin.register(DeadlineNotice)
class DeadlineNoticeAdmin(ReadOnlyAdmin):
    """The record of the registration-deadline sweep's notices, read-only."""

    list_display = ["cohort", "kind", "days_before", "deadline", "sent_at", "recipients"]
