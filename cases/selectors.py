"""Reads of cases, always through the scope gate."""

from django.db.models import Q, QuerySet
from django.http import Http404

from roles import permissions
from roles.org_scope import scope_for_user

from .models import (
    CaseEvent,
    DestinationCategory,
    Graduate,
    RegistrationVersion,
)

# What a graduate's full record reads besides the row: its college, its codes' rows and
# its registration in effect with theirs (the sync state, the national file).
RECORD_RELATIONS = (
    "college",
    "origin_region",
    "targeted_region",
    "ethnicity",
    "political_status",
    "current_registration__category",
    "current_registration__employer_nature",
    "current_registration__employer_industry",
    "current_registration__employer_region",
    "current_registration__job_category",
)


def cases_for_user(user) -> QuerySet[Graduate]:
    """Every case the user may read: their organisational scope plus per-object grants."""
    scope = scope_for_user(user)
    if scope.national:
        return Graduate.objects.all()
    granted = permissions.granted_ids(user_id=user.pk, model=Graduate, codename="view_graduate")
    return Graduate.objects.filter(scope.read_q() | Q(pk__in=granted))


def case_for_user(user, pk) -> Graduate:
    """The case if the user may read it; otherwise 404, so that ids leak nothing."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    graduate = (
        cases_for_user(user)
        .select_related(
            "university",
            "college",
            "province",
            "origin_region",
            "ethnicity",
            "political_status",
            "targeted_region",
            "current_registration__category",
        )
        .filter(pk=pk)
        .first()
    )
    if graduate is None:
        raise Http404
    return graduate


def case_history(graduate: Graduate) -> QuerySet[CaseEvent]:
    return graduate.events.select_related("actor").order_by("at", "id")


def first_level_auditor_id(graduate: Graduate) -> int | None:
    """Who passed the current registration version at the first (college) audit level, if
    anyone did."""
    version = graduate.current_registration
    if version is None:
        return None
    return (
        CaseEvent.objects.filter(
            graduate=graduate, kind=CaseEvent.Kind.PASSED_LEVEL, after=f"v{version.number}"
        )
        .order_by("-at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )


def case_versions(graduate: Graduate) -> list[RegistrationVersion]:
    """All versions, newest first, with their code-table rows."""
    return list(
        graduate.registrations.select_related(
            "category",
            "employer_nature",
            "employer_industry",
            "employer_region",
            "job_category",
            "submitted_by",
            "decided_by",
        ).order_by("-number")
    )


def categories_for_cohort(cohort: int) -> QuerySet[DestinationCategory]:
    return DestinationCategory.objects.filter(valid_from__lte=cohort).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=cohort)
    )


def case_list(user, *, filters: dict) -> QuerySet[Graduate]:
    qs = cases_for_user(user).select_related("college", "current_registration__category")
    if filters.get("cohort"):
        qs = qs.filter(cohort=filters["cohort"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("college"):
        qs = qs.filter(college_id=filters["college"])
    if filters.get("q"):
        term = filters["q"]
        qs = qs.filter(Q(student_no=term) | Q(name__startswith=term))
    return qs.order_by("college_id", "student_no")
