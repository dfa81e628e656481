from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import DeliveryAttempt, Notification, NotificationSettings


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = [
        "channel",
        "result",
        "address",
        "detail",
        "worker",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind_name", "text", "created_at", "read_at", "settled_at"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    search_fields = ["user__username", "dedupe_key"]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_name(self, obj):
        return obj.get_kind_display()

    inlines = [DeliveryAttemptInline]


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(admin.ModelAdmin):
    """The delivery log: every attempt on every external channel, read-only."""

    list_display = ["notification", "channel", "result", "address", "worker", "started_at"]
    list_filter = ["channel", "result"]
    raw_id_fields = ["notification"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "mobile", "updated_at"]
    raw_id_fields = ["user"]
    search_fields = ["user__username"]
