"""The gates of organisations: the university or province a page is about, if the user may
read it, else 404 (so that ids leak nothing)."""

from django.http import Http404

from core.http import int_or_404

from .models import College, Province, Role, University
from .org_scope import scope_for_user


def university_for_user(user, university_id) -> University:
    """A university whose statistics and filings the user may read: its staff (not a
    college's), its province's monitors, the nation. Anyone else: 404."""
    university = (
        University.objects.select_related("province").filter(pk=int_or_404(university_id)).first()
    )
    if university is None or not scope_for_user(user).reads_university(
        province_id=university.province_id, university_id=university.pk
    ):
        raise Http404
    return university


def province_for_user(user, province_id) -> Province:
    """A province the user may read: its monitors and the nation; 404 for anyone else."""
    province = Province.objects.filter(pk=int_or_404(province_id)).first()
    scope = scope_for_user(user)
    if province is None or not (
        scope.national or province.pk in scope.ids(Role.PROVINCIAL_MONITOR)
    ):
        raise Http404
    return province


def colleges_in_scope(scope):
    """The colleges of the universities the user reviews or supervises, and their own."""
    university_ids = scope.ids(Role.UNIVERSITY_REVIEWER) | scope.ids(Role.UNIVERSITY_SUPERVISOR)
    college_ids = scope.ids(Role.COLLEGE_REVIEWER)
    return College.objects.filter(university_id__in=university_ids) | College.objects.filter(
        pk__in=college_ids
    )


def supervised_university(request) -> University:
    """The university a supervisor acts for: the first one, or ``?university=`` of theirs."""
    scope = scope_for_user(request.user)
    ids = sorted(scope.ids(Role.UNIVERSITY_SUPERVISOR))
    wanted = request.GET.get("university") or request.POST.get("university")
    if wanted and wanted.isdigit() and int(wanted) in ids:
        ids = [int(wanted)]
    return next(
        m.university
        for m in scope.memberships
        if m.university_id == ids[0] and m.role == Role.UNIVERSITY_SUPERVISOR
    )
