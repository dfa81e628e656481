from django.contrib import admin

from .models import ApiCall, ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "province", "key_id", "is_active", "last_used_at"]
    readonly_fields = ["key_id", "last_used_at"]


@admin.register(ApiCall)
class ApiCallAdmin(admin.ModelAdmin):
    list_display = ["at", "client", "user", "method", "path", "status", "duration_ms", "summary"]
    list_filter = ["status", "method", "client"]
    readonly_fields = [f.name for f in ApiCall._meta.fields]
