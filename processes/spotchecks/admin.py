from django.contrib import admin

from .models import Campaign, SpotCheck


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "province", "cohort", "status", "deadline", "seed", "created_at"]
    list_filter = ["status", "province"]
    # The status too: closing revokes the inspectors' grants, which only the campaign's
    # page (``workflows.services.campaign_close``) does.
    readonly_fields = ["status", "seed", "population_size", "population_digest"]

    def has_add_permission(self, request):
        return False  # a campaign draws its sample: create it on its page

    def has_delete_permission(self, request, obj=None):
        return False  # its checks, grants and processes go with it: close it on its page


@admin.register(SpotCheck)
class SpotCheckAdmin(admin.ModelAdmin):
    list_display = ["campaign", "graduate", "university", "category_code", "outcome", "resolution"]
    list_filter = ["outcome", "resolution"]
    raw_id_fields = ["graduate", "registration", "corrected_version", "evidence"]
    list_select_related = ["campaign", "graduate", "university"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
