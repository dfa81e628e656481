from django.db.models import QuerySet

from cases.models import Graduate

from .models import Confirmation, Lookup, VerificationConsent


def current_confirmation(graduate: Graduate) -> Confirmation | None:
    return (
        Confirmation.objects.select_related(
            "registration__category", "transfer", "graduate__university"
        )
        .filter(graduate=graduate, is_current=True)
        .first()
    )


def consent_of(graduate: Graduate) -> bool:
    return VerificationConsent.objects.filter(graduate=graduate, granted=True).exists()


def lookups_of(graduate: Graduate) -> QuerySet[Lookup]:
    """Who verified (or tried to verify) the graduate's record, newest first."""
    return Lookup.objects.filter(graduate=graduate).select_related("organisation").order_by("-at")


def transfer_list(*, university_id: int, cohort: int) -> QuerySet[Confirmation]:
    """The archive transfer list (档案转递单): valid confirmations of a cohort."""
    return (
        Confirmation.objects.filter(
            graduate__university_id=university_id,
            graduate__cohort=cohort,
            is_current=True,
            status="valid",
        )
        .select_related("graduate__college", "transfer", "registration")
        .order_by("graduate__college_id", "graduate__student_no")
    )
