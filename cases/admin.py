from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.masking import mask_id_number, mask_mobile

from . import services
from .models import (
    CaseEvent,
    CodeEdition,
    Cohort,
    DestinationCategory,
    EmployerNature,
    Ethnicity,
    Graduate,
    Industry,
    JobCategory,
    PoliticalStatus,
    Region,
)


@admin.register(DestinationCategory)
class DestinationCategoryAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "destination_class",
        "flexible",
        "required_fields",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["destination_class", "flexible", "valid_from"]
    search_fields = ["code", "name"]


@admin.register(EmployerNature, Industry, JobCategory, Ethnicity, PoliticalStatus)
class CodeTableAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "valid_from", "valid_to"]
    list_filter = [("valid_to", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "full_name", "level", "valid_from", "valid_to"]
    list_filter = ["level", ("valid_to", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name", "full_name"]
    raw_id_fields = ["parent"]


@admin.register(CodeEdition)
class CodeEditionAdmin(admin.ModelAdmin):
    list_display = ["table", "edition", "source", "loaded_at"]


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ["at", "actor", "kind", "field", "before", "after", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    """A university's cohort: its change deadline (31 August, or ``REGISTRATION_DEADLINE``,
    unless set here). The leave-time window is set on the university's own page (离校确认),
    which also opens the graduates' tasks, so it is read-only here."""

    list_display = ["university", "year", "changes_close_on", "leave_opens_on", "leave_closes_on"]
    list_filter = ["year"]
    list_select_related = ["university"]
    search_fields = ["university__code", "university__name"]
    raw_id_fields = ["university"]
    readonly_fields = ["leave_opens_on", "leave_closes_on"]


@admin.register(Graduate)
class GraduateAdmin(admin.ModelAdmin):
    """Read-only here: graduates change through the roster import and the workflow. The ID
    and mobile numbers are shown masked, and every opened record is logged like a page's."""

    list_display = ["student_no", "name", "university", "college", "cohort", "status"]
    list_filter = ["cohort", "status", "education_level"]
    list_select_related = ["university", "college"]
    search_fields = ["student_no", "name"]
    exclude = ["id_number", "mobile"]
    readonly_fields = ["masked_id_number", "masked_mobile"]
    inlines = [CaseEventInline]

    @admin.display(description=_("ID number"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description=_("mobile number"))
    def masked_mobile(self, obj):
        return mask_mobile(obj.mobile)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if str(object_id).isdigit():
            services.case_access_record(
                graduate_ids=[int(object_id)],
                user=request.user,
                action="admin_view",
                ip=request.META.get("REMOTE_ADDR"),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
