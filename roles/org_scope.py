"""Organisational scope: which organisations a user may see or act on.

Scope comes from memberships alone and is expressed over the three indexed
columns every scoped row carries (``province_id``, ``university_id``,
``college_id``). Per-object grants (a graduate's own case, an inspector's
sample) come from guardian, see ``permissions.py``; the two are combined by the
selectors of the apps above this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from .models import ROLE_LEVEL, Membership, Role

# Roles whose organisational scope lets them read cases, and the column it filters.
READ_LEVEL = {
    Role.COLLEGE_REVIEWER: "college",
    Role.UNIVERSITY_REVIEWER: "university",
    Role.TARGETED_REVIEWER: "university",
    Role.UNIVERSITY_SUPERVISOR: "university",
    Role.PROVINCIAL_MONITOR: "province",
    Role.NATIONAL_ADMIN: "nation",
}
# Roles that may change what they read (claim, decide, import, reassign).
ACTING_ROLES = frozenset(
    {
        Role.COLLEGE_REVIEWER,
        Role.UNIVERSITY_REVIEWER,
        Role.TARGETED_REVIEWER,
        Role.UNIVERSITY_SUPERVISOR,
    }
)
STAFF_ROLES = frozenset(READ_LEVEL)
# Who reads a university's own records (its statistics, its filings): its staff above the
# colleges, besides its province's monitors and the nation.
UNIVERSITY_READERS = (
    Role.UNIVERSITY_SUPERVISOR,
    Role.UNIVERSITY_REVIEWER,
    Role.TARGETED_REVIEWER,
)
# Who oversees organisations rather than cases: a university's supervisors, a province's
# monitors, the nation (supervision, filings and reports, their tasks).
OVERSEERS = (Role.UNIVERSITY_SUPERVISOR, Role.PROVINCIAL_MONITOR, Role.NATIONAL_ADMIN)


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    # role -> ids of the organisations at that role's level
    orgs: dict[str, frozenset[int]] = field(default_factory=dict)
    # the membership ids' parents, for pages that need names
    memberships: tuple[Membership, ...] = ()
    # Per-object rights the apps above compute once per user (an inspector's open
    # campaigns, for instance), kept with the scope for the rest of the request.
    cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(self.orgs)

    def has_role(self, *roles: str) -> bool:
        return any(role in self.orgs for role in roles)

    def ids(self, role: str) -> frozenset[int]:
        return self.orgs.get(role, frozenset())

    def first(self, role: str) -> int | None:
        """The organisation a home page opens at for ``role``: the lowest id (None: none)."""
        return min(self.ids(role), default=None)

    @property
    def national(self) -> bool:
        return Role.NATIONAL_ADMIN in self.orgs

    @property
    def is_staff_reader(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    @property
    def primary_role(self) -> str | None:
        """The role that decides the home page: the most acting one first."""
        for role in Role.values:
            if role in self.orgs:
                return role
        return None

    def read_q(self, prefix: str = "") -> Q:
        """Rows (cases, tasks) inside the user's organisational read scope."""
        if self.national:
            return Q()
        q = Q(pk__in=[])
        for role, level in READ_LEVEL.items():
            ids = self.ids(role)
            if ids and level != "nation":
                q |= Q(**{f"{prefix}{level}_id__in": sorted(ids)})
        return q

    def act_q(self, prefix: str = "") -> Q:
        """Rows the user may act on (claim, decide, reassign) through their organisation."""
        q = Q(pk__in=[])
        for role in ACTING_ROLES:
            ids = self.ids(role)
            if ids:
                q |= Q(**{f"{prefix}{READ_LEVEL[role]}_id__in": sorted(ids)})
        return q

    def can_read_org(self, *, province_id=None, university_id=None, college_id=None) -> bool:
        if self.national:
            return True
        values = {"province": province_id, "university": university_id, "college": college_id}
        return any(
            values[level] in self.ids(role)
            for role, level in READ_LEVEL.items()
            if level != "nation"
        )

    def reads_university(self, *, province_id: int, university_id: int | None) -> bool:
        """The user may read a university's own records (``university_id``), or a province's
        (``university_id`` None): as its staff, its province's monitor or the nation."""
        if self.national or province_id in self.ids(Role.PROVINCIAL_MONITOR):
            return True
        return university_id is not None and any(
            university_id in self.ids(role) for role in UNIVERSITY_READERS
        )

    def supervises(self, university_id: int) -> bool:
        return university_id in self.ids(Role.UNIVERSITY_SUPERVISOR)


EMPTY_SCOPE = Scope(user_id=None)


def scope_for_user(user) -> Scope:
    """The user's scope, computed once per user object (one query)."""
    if user is None or not user.is_authenticated:
        return EMPTY_SCOPE
    cached = getattr(user, "_scope_cache", None)
    if cached is not None:
        return cached
    memberships = tuple(
        Membership.objects.filter(user_id=user.pk).select_related(
            "province", "university", "college", "verifier_organisation"
        )
    )
    orgs: dict[str, set[int]] = {}
    for m in memberships:
        level = ROLE_LEVEL[m.role]
        org_id = {
            "college": m.college_id,
            "university": m.university_id,
            "province": m.province_id,
            "verifier": m.verifier_organisation_id,
            "nation": 0,
        }[level]
        orgs.setdefault(m.role, set()).add(org_id)
    scope = Scope(
        user_id=user.pk,
        orgs={role: frozenset(ids) for role, ids in orgs.items()},
        memberships=memberships,
    )
    user._scope_cache = scope
    return scope
