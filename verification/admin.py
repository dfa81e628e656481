from django.contrib import admin

from .models import Lookup, VerifierLock


@admin.register(Lookup)
class LookupAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "organisation", "channel", "result", "graduate"]
    list_filter = ["result", "channel"]
    list_select_related = ["user", "organisation", "graduate"]
    raw_id_fields = ["user", "graduate", "confirmation"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(VerifierLock)
class VerifierLockAdmin(admin.ModelAdmin):
    list_display = ["user", "locked_at", "until", "failures"]
    raw_id_fields = ["user"]
