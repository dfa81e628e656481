"""Reads of spot checks: who may see a campaign, its progress and its report."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cases.models import DestinationCategory
from roles.models import Membership, Role, University
from roles.org_scope import Scope, scope_for_user

from .models import Campaign, CampaignInspector, Outcome, Resolution, SpotCheck


def inspector_campaign_ids(scope: Scope) -> frozenset[int]:
    """The open campaigns the user inspects (one query, kept with the user's scope)."""
    if not scope.has_role(Role.INSPECTOR):
        return frozenset()
    if "inspector_campaigns" not in scope.cache:
        scope.cache["inspector_campaigns"] = frozenset(
            CampaignInspector.objects.filter(
                user_id=scope.user_id,
                campaign__status=Campaign.Status.OPEN,
                campaign__province_id__in=sorted(scope.ids(Role.INSPECTOR)),
            ).values_list("campaign_id", flat=True)
        )
    return scope.cache["inspector_campaigns"]


def campaign_members(campaign_ids) -> dict[int, set[int]]:
    """The inspectors of each campaign, by campaign id: who is told about its queue."""
    members: dict[int, set[int]] = {}
    for campaign_id, user_id in CampaignInspector.objects.filter(
        campaign_id__in=list(campaign_ids)
    ).values_list("campaign_id", "user_id"):
        members.setdefault(campaign_id, set()).add(user_id)
    return members


def campaigns_for_user(user) -> QuerySet[Campaign]:
    """Campaigns the user may open: a monitor's province, an inspector's own while it is
    open (closing it ends their access to the sample), the nation all."""
    scope = scope_for_user(user)
    if scope.national:
        return Campaign.objects.all()
    q = Q(province_id__in=sorted(scope.ids(Role.PROVINCIAL_MONITOR)))
    if scope.has_role(Role.INSPECTOR):
        q |= Q(
            pk__in=CampaignInspector.objects.filter(user_id=user.pk).values("campaign_id"),
            province_id__in=sorted(scope.ids(Role.INSPECTOR)),
            status=Campaign.Status.OPEN,
        )
    return Campaign.objects.filter(q)


def campaign_for_user(user, pk) -> tuple[Campaign, bool]:
    """The campaign and whether the user may act on it (its province's monitors); 404 for
    anyone who may not see it."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    campaign = (
        campaigns_for_user(user).select_related("province", "created_by").filter(pk=pk).first()
    )
    if campaign is None:
        raise Http404
    scope = scope_for_user(user)
    return campaign, campaign.province_id in scope.ids(Role.PROVINCIAL_MONITOR)


def province_inspectors(province_id: int) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(role=Role.INSPECTOR, province_id=province_id)
        .select_related("user")
        .order_by("user__username")
    )


@dataclass
class Tally:
    """Checks of one group: how many were drawn and what was found."""

    label: str = ""
    key: object = None
    sampled: int = 0
    consistent: int = 0
    inconsistent: int = 0
    unreachable: int = 0
    not_checked: int = 0
    pending: int = 0
    corrected: int = 0
    upheld: int = 0

    @property
    def checked(self) -> int:
        return self.consistent + self.inconsistent + self.unreachable

    @property
    def discrepancy_rate(self) -> float | None:
        """不一致 among the cases checked (无法联系 counts as checked, not as consistent)."""
        return self.inconsistent / self.checked if self.checked else None

    def add(self, row: dict) -> None:
        self.sampled += row["n"]
        for name in ("consistent", "inconsistent", "unreachable", "not_checked", "pending"):
            setattr(self, name, getattr(self, name) + row[name])
        self.corrected += row["corrected"]
        self.upheld += row["upheld"]


_COUNTS = {
    "n": Count("pk"),
    "consistent": Count("pk", filter=Q(outcome=Outcome.CONSISTENT)),
    "inconsistent": Count("pk", filter=Q(outcome=Outcome.INCONSISTENT)),
    "unreachable": Count("pk", filter=Q(outcome=Outcome.UNREACHABLE)),
    "not_checked": Count("pk", filter=Q(outcome=Outcome.NOT_CHECKED)),
    "pending": Count("pk", filter=Q(outcome=Outcome.PENDING)),
    "corrected": Count("pk", filter=Q(resolution=Resolution.CORRECTED)),
    "upheld": Count("pk", filter=Q(resolution=Resolution.UPHELD)),
}


@dataclass
class CampaignReport:
    total: Tally
    by_university: list[Tally] = field(default_factory=list)
    by_category: list[Tally] = field(default_factory=list)


def campaign_report(campaign: Campaign) -> CampaignReport:
    """Discrepancy rates by university and by destination category (as drawn): two grouped
    queries over the campaign's checks, plus the names."""
    total = Tally(label="")
    universities: dict[int, Tally] = {}
    for row in campaign.checks.values("university_id").annotate(**_COUNTS).order_by():
        universities[row["university_id"]] = tally = Tally(key=row["university_id"])
        tally.add(row)
        total.add(row)
    for university in University.objects.filter(pk__in=list(universities)):
        universities[university.pk].label = str(university)
    categories: dict[str, Tally] = {}
    for row in campaign.checks.values("category_code").annotate(**_COUNTS).order_by():
        categories[row["category_code"]] = tally = Tally(key=row["category_code"])
        tally.add(row)
    names = dict(
        DestinationCategory.objects.filter(code__in=list(categories))
        .order_by("code", "-valid_from")
        .values_list("code", "name")
    )
    for code, tally in categories.items():
        tally.label = f"{code} {names.get(code, '')}".strip()
    return CampaignReport(
        total=total,
        by_university=sorted(universities.values(), key=lambda t: t.label),
        by_category=sorted(categories.values(), key=lambda t: t.key),
    )


def campaign_checks(campaign: Campaign) -> QuerySet[SpotCheck]:
    return campaign.checks.select_related(
        "graduate", "university", "checked_by", "evidence"
    ).order_by("university__code", "graduate__student_no")


def check_of_case(*, campaign_id: int, graduate_id: int) -> SpotCheck:
    return SpotCheck.objects.select_related("campaign", "registration__category", "evidence").get(
        campaign_id=campaign_id, graduate_id=graduate_id
    )
