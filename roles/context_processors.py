from .models import Role
from .org_scope import scope_for_user


def scope(request):
    """The user's scope for the page header: roles, organisation, menus."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    user_scope = scope_for_user(user)
    first = user_scope.memberships[0] if user_scope.memberships else None
    return {
        "scope": user_scope,
        "role_label": Role(first.role).label if first else "",
        "org_name": first.organisation_name if first else "",
        "is_graduate": user_scope.has_role(Role.GRADUATE),
        "is_reviewer": user_scope.has_role(
            Role.COLLEGE_REVIEWER, Role.UNIVERSITY_REVIEWER, Role.TARGETED_REVIEWER
        ),
        "is_monitor": user_scope.has_role(Role.PROVINCIAL_MONITOR, Role.NATIONAL_ADMIN),
        "is_supervisor": user_scope.has_role(Role.UNIVERSITY_SUPERVISOR),
        "is_verifier": user_scope.has_role(Role.VERIFIER),
        "is_inspector": user_scope.has_role(Role.INSPECTOR),
        "is_national": user_scope.national,
        "has_queue": user_scope.has_role(
            Role.COLLEGE_REVIEWER, Role.UNIVERSITY_REVIEWER, Role.TARGETED_REVIEWER, Role.INSPECTOR
        ),
        "can_see_statistics": user_scope.national
        or user_scope.has_role(
            Role.PROVINCIAL_MONITOR,
            Role.UNIVERSITY_SUPERVISOR,
            Role.UNIVERSITY_REVIEWER,
            Role.TARGETED_REVIEWER,
        ),
        "can_file": user_scope.has_role(
            Role.UNIVERSITY_SUPERVISOR, Role.PROVINCIAL_MONITOR, Role.NATIONAL_ADMIN
        ),
        "can_report": user_scope.has_role(Role.PROVINCIAL_MONITOR, Role.NATIONAL_ADMIN),
        "can_spot_check": user_scope.has_role(
            Role.PROVINCIAL_MONITOR, Role.INSPECTOR, Role.NATIONAL_ADMIN
        ),
        "can_supervise": user_scope.has_role(Role.UNIVERSITY_SUPERVISOR, Role.PROVINCIAL_MONITOR),
    }
