from django.contrib import admin

from .models import OutboxEvent, ReceivedEvent, ReconciliationRun, SyncedCase


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "event_type",
        "university_code",
        "student_no",
        "cohort",
        "version",
        "status",
        "attempts",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["status", "event_type"]
    search_fields = ["student_no", "university_code"]
    readonly_fields = [f.name for f in OutboxEvent._meta.fields]


@admin.register(SyncedCase)
class SyncedCaseAdmin(admin.ModelAdmin):
    list_display = ["university_code", "student_no", "cohort", "source_province", "version"]
    search_fields = ["student_no", "university_code"]
    readonly_fields = [f.name for f in SyncedCase._meta.fields]


@admin.register(ReceivedEvent)
class ReceivedEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "case", "event_type", "version", "result", "received_at"]
    list_filter = ["result"]


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "outcome", "groups_checked", "resent"]
