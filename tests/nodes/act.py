"""Actions and reads run inside one node, as a separate process with that node's settings:
``python -m tests.nodes.act '<json list of steps>'`` prints a JSON list of results.

Everything writes through the real services (roster import, registration, audit, change
requests), exactly as the node's own pages would.
"""

import json
import sys

import django


def setup_organisations():
    from roles.models import Province
    from tests.factories import ProvinceFactory, UniversityFactory

    beijing = ProvinceFactory(code="110000", name="北京市")
    shanghai = ProvinceFactory(code="310000", name="上海市")
    UniversityFactory(code="19101", name="北京测试大学", province=beijing)
    UniversityFactory(code="19301", name="上海测试大学", province=shanghai)
    return Province.objects.count()


def _staff(role, university):
    from django.contrib.auth import get_user_model

    from roles.models import Membership
    from tests.factories import member

    existing = Membership.objects.filter(role=role, university=university).first()
    return (
        get_user_model().objects.get(pk=existing.user_id)
        if existing
        else member(role, university=university)
    )


def open_cohort(university, cohort, count, first_no):
    from roles.models import Role, University
    from tests.factories import open_cohort as factory_open

    uni = University.objects.get(code=university)
    result = factory_open(
        uni,
        count=count,
        cohort=cohort,
        actor=_staff(Role.UNIVERSITY_SUPERVISOR, uni),
        seed=cohort,
        first_no=first_no,
    )
    return result.created


def _graduate(university, cohort, student_no):
    from cases.models import Graduate

    return Graduate.objects.select_related("university").get(
        university__code=university, cohort=cohort, student_no=student_no
    )


def register(university, cohort, student_no, outcome="approve", **overrides):
    """Submit the graduate's registration and have the university decide it."""
    from roles.models import Role
    from tests.workflows.helpers import decide, employment_values, submit

    graduate = _graduate(university, cohort, student_no)
    reviewer = _staff(Role.UNIVERSITY_REVIEWER, graduate.university)
    submit(graduate, **{k: v for k, v in overrides.items() if k in employment_values()})
    if outcome == "approve":
        decide(graduate, reviewer, approve=True)
    elif outcome == "return":
        decide(graduate, reviewer, approve=False, reason="请补充单位地址")
    return outcome


def change(university, cohort, student_no, employer_name, approve=True):
    """The graduate requests a change; the university approves (or leaves it pending)."""
    from roles.models import Role
    from tests.changes.helpers import decide_change, request_change

    graduate = _graduate(university, cohort, student_no)
    request_change(graduate, "换了单位", employer_name=employer_name)
    if approve:
        decide_change(graduate, _staff(Role.UNIVERSITY_REVIEWER, graduate.university))
    return approve


def summary(university, cohort):
    """Count, statuses and checksum of one university cohort, as the API computes them."""
    from roles.models import University
    from sync.state import group_digests, groups_summary

    uni = University.objects.get(code=university)
    groups = groups_summary(university_ids=[uni.pk], cohort=cohort)
    return {
        "group": groups[0] if groups else None,
        "digests": group_digests(university_id=uni.pk, cohort=cohort),
    }


def outbox(cohort):
    from sync.models import OutboxEvent
    from sync.services import wire

    events = OutboxEvent.objects.filter(cohort=cohort).order_by("id")
    return [
        {**wire(e), "status": e.status, "attempts": e.attempts, "result": e.result} for e in events
    ]


def received(cohort):
    """On the national node: the events applied or found stale, and the synced history."""
    from cases.models import CaseEvent, Graduate
    from sync.models import ReceivedEvent

    rows = ReceivedEvent.objects.filter(case__cohort=cohort)
    return {
        "events": [[str(r.event_id), r.result, r.version] for r in rows],
        "synced_history": CaseEvent.objects.filter(
            graduate__cohort=cohort, kind=CaseEvent.Kind.SYNCED, note__contains=" · v"
        ).count(),
        "sources": sorted(
            set(Graduate.objects.filter(cohort=cohort).values_list("source_node", flat=True))
        ),
    }


def tamper(university, cohort, student_no):
    """On the national node: lose one case's data and garble another's, as a restore from
    an old backup or a manual edit would."""
    from cases.models import Graduate
    from sync.models import SyncedCase

    graduates = Graduate.objects.filter(university__code=university, cohort=cohort)
    changed = graduates.filter(student_no=student_no).update(name="错名")
    lost = graduates.exclude(student_no=student_no).order_by("student_no").first()
    SyncedCase.objects.filter(graduate=lost).delete()
    user = lost.user
    Graduate.objects.filter(pk=lost.pk).update(current_registration=None)
    lost.registrations.all().delete()
    Graduate.objects.filter(pk=lost.pk).delete()
    user.delete()
    return [changed, lost.student_no]


def relay():
    from sync import services

    return services.outbox_relay()


def reconcile():
    from sync import services

    run = services.reconcile()
    return {"outcome": run.outcome, "resent": run.resent, "differences": run.differences}


def api_client(province):
    from api.models import ApiClient
    from roles.models import Province

    client = ApiClient.objects.create(province=Province.objects.get(code=province), name=province)
    return {"key_id": client.key_id, "key": client.key}


ACTIONS = {
    "setup": setup_organisations,
    "open_cohort": open_cohort,
    "register": register,
    "change": change,
    "summary": summary,
    "outbox": outbox,
    "received": received,
    "relay": relay,
    "tamper": tamper,
    "reconcile": reconcile,
    "api_client": api_client,
}


def main(steps: list) -> list:
    django.setup()
    results = []
    for step in steps:
        name, kwargs = step[0], step[1] if len(step) > 1 else {}
        results.append(ACTIONS[name](**kwargs))
    return results


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1])), ensure_ascii=False, default=str))
