from django.contrib import admin

from .models import College, Membership, Province, University, VerifierOrganisation


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class CollegeInline(admin.TabularInline):
    model = College
    extra = 0


@admin.register(University)
class UniversityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province", "audit_levels"]
    list_filter = ["province", "audit_levels"]
    search_fields = ["code", "name"]
    inlines = [CollegeInline]


@admin.register(College)
class CollegeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "university"]
    list_select_related = ["university"]
    search_fields = ["code", "name", "university__name"]
    autocomplete_fields = ["university"]


@admin.register(VerifierOrganisation)
class VerifierOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "province"]
    list_filter = ["kind", "province"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "province", "university", "college", "verifier_organisation"]
    list_filter = ["role"]
    list_select_related = ["user", "province", "university", "college", "verifier_organisation"]
    search_fields = ["user__username", "university__name", "college__name"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["university", "college"]
