"""Seeds a realistic nation into an empty (migrated) PostgreSQL database, with COPY.

34 provinces, about 3,000 universities whose sizes follow a skewed (log-normal)
distribution, and ``scale`` graduates in a realistic state mix. Every graduate gets
the rows the application itself writes for that state: user, membership, guardian
grant, graduate, registration versions, viewflow processes and tasks with their
``previous`` links, task-scope rows, case events, notifications, and for those who
confirmed, the leave-time process, archive/hukou details, confirmation and consent.

Audit tasks also carry the ``owner_permission`` columns a stock viewflow application
would set (``.Permission(..., obj=university)``) and reviewers hold the matching
guardian rows, so that stock viewflow's own queue can be measured on the same data.
"""

import datetime
import json
import math
import random
import secrets
import string
import time
from typing import NamedTuple

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm
from viewflow.workflow.fields import get_flow_ref, get_task_ref

from cases.models import (
    DestinationCategory,
    EmployerNature,
    Graduate,
    Industry,
    JobCategory,
    Region,
)
from core.bulk import copy_rows
from portal.demo.identifiers import make_id_number, valid_credit_code
from processes.leave.flow import LeaveConfirmationFlow
from processes.registration.flow import RegistrationFlow
from roles.models import University
from verification import numbers
from workflows.registry import registry

# State mix of a cohort in early summer.
STATES = [
    ("unregistered", 0.25),
    ("awaiting", 0.20),
    ("claimed", 0.08),
    ("returned", 0.05),
    ("approved", 0.27),
    ("confirmed", 0.15),
]
# Destination categories and their share.
CATEGORY_MIX = [
    ("10", 0.22),
    ("11", 0.15),
    ("12", 0.08),
    ("271", 0.01),
    ("46", 0.01),
    ("502", 0.01),
    ("503", 0.01),
    ("512", 0.02),
    ("519", 0.01),
    ("75", 0.02),
    ("76", 0.04),
    ("801", 0.20),
    ("802", 0.01),
    ("85", 0.05),
    ("70", 0.12),
    ("71", 0.03),
    ("72", 0.01),
]
PROVINCE_CODES = [
    "110000",
    "120000",
    "130000",
    "140000",
    "150000",
    "210000",
    "220000",
    "230000",
    "310000",
    "320000",
    "330000",
    "340000",
    "350000",
    "360000",
    "370000",
    "410000",
    "420000",
    "430000",
    "440000",
    "450000",
    "460000",
    "500000",
    "510000",
    "520000",
    "530000",
    "540000",
    "610000",
    "620000",
    "630000",
    "640000",
    "650000",
    "710000",
    "810000",
    "820000",
]
COLLEGES_PER_UNIVERSITY = 8
COHORT = 2026
REVIEWER_PASSWORD = "bench-password-2026"


class Copier:
    """COPY rows into a table (``core.bulk.copy_rows``), counting them per table."""

    def __init__(self):
        self.counts: dict[str, int] = {}

    def __call__(self, table: str, columns: list[str], rows) -> None:
        self.counts[table] = self.counts.get(table, 0) + copy_rows(table, columns, rows)


def university_sizes(total: int, count: int, rng: random.Random) -> list[int]:
    """Skewed sizes summing to ``total``; the largest has at least 2% of the graduates
    (20,000 at a million), the smallest at least one."""
    raw = sorted((rng.lognormvariate(0, 1.1) for _ in range(count)), reverse=True)
    scale = total / sum(raw)
    sizes = [max(1, int(r * scale)) for r in raw]
    largest = max(sizes[0], math.ceil(total * 0.02))
    sizes[0] = largest
    rest = total - largest
    others = sum(sizes[1:])
    sizes[1:] = [max(1, int(s * rest / others)) for s in sizes[1:]]
    # What rounding left over (or added) goes one graduate at a time to the universities
    # after the largest, in order of size, so that the order stays and nobody gets a lump.
    left, i = total - sum(sizes), 0
    while left and count > 1:
        index = 1 + i % (count - 1)
        if left > 0:
            sizes[index], left = sizes[index] + 1, left - 1
        elif sizes[index] > 1:
            sizes[index], left = sizes[index] - 1, left + 1
        i += 1
    return sizes if count > 1 else [total]


def _pick(rng, mix):
    r, acc = rng.random(), 0.0
    for value, share in mix:
        acc += share
        if r < acc:
            return value
    return mix[-1][0]


class _Case(NamedTuple):
    """One graduate as the rows of their processes refer to them."""

    graduate_id: int
    user_id: int
    university: University
    college: int


def _task(
    process_id,
    task_id,
    flow_task,
    task_type,
    status,
    created,
    *,
    done=None,
    owner=None,
    permission=(None, None, None),
):
    """A viewflow_task row as ``_copy_all`` writes it: never reassigned, started when ``done``
    (neither while open), with ``permission``'s three owner-permission columns."""
    return (
        task_id,
        flow_task,
        task_type,
        status,
        created,
        None,
        done,
        done,
        owner,
        process_id,
        *permission,
    )


class Nation:
    def __init__(self, *, scale: int, seed: int = 2026, universities: int | None = None):
        self.scale = scale
        self.rng = random.Random(seed)
        # The nation's ~3,000 universities from 100,000 graduates up (about 33 graduates
        # each on average there): a larger scale means larger universities, not more of
        # them, so that 100k and 1M compare the same nation. Fewer below, for smoke runs.
        self.universities = universities or min(3000, max(30, scale // 33))
        self.copy = Copier()
        self.now = timezone.now()

    # --- ids -------------------------------------------------------------------------------

    def _next_ids(self, table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
            return cursor.fetchone()[0]

    def seed(self, progress: bool = True) -> dict:
        started = time.perf_counter()
        self._organisations()
        self._reference()
        self._reviewers()
        sizes = university_sizes(self.scale, self.universities, self.rng)
        bar = tqdm(total=self.scale, unit="graduates", disable=not progress, mininterval=1)
        self.ids = {
            table: self._next_ids(table)
            for table in (
                "auth_user",
                "roles_membership",
                "cases_graduate",
                "cases_registrationversion",
                "cases_caseevent",
                "cases_graduateuserobjectpermission",
                "viewflow_process",
                "viewflow_task",
                "viewflow_task_previous",
                "notifications_notification",
                "cases_transferdetails",
                "verification_confirmation",
                "verification_verificationconsent",
            )
        }
        batch: list[tuple] = []
        for university, size in zip(self.university_rows, sizes, strict=True):
            for i in range(size):
                batch.append((university, i))
                if len(batch) >= 20000:
                    self._graduates(batch)
                    bar.update(len(batch))
                    batch = []
        if batch:
            self._graduates(batch)
            bar.update(len(batch))
        bar.close()
        self._finish()
        self._tallies()
        self.verify()
        return {
            "seconds": time.perf_counter() - started,
            "rows": dict(self.copy.counts),
            "sizes": sizes,
        }

    # --- organisations and people ----------------------------------------------------------------

    def _organisations(self):
        from roles.models import College, Province

        names = dict(Region.objects.filter(level=1).values_list("code", "name"))
        provinces = [Province(code=code, name=names[code]) for code in PROVINCE_CODES]
        Province.objects.bulk_create(provinces, ignore_conflicts=True)
        provinces = list(Province.objects.filter(code__in=PROVINCE_CODES).order_by("code"))
        universities = []
        for n in range(self.universities):
            province = provinces[n % len(provinces)] if n else provinces[0]
            universities.append(
                University(code=f"{10001 + n:05d}", name=f"高校{n + 1:04d}", province=province)
            )
        University.objects.bulk_create(universities, batch_size=2000)
        self.university_rows = list(University.objects.order_by("code"))
        College.objects.bulk_create(
            [
                College(university=u, code=f"{c:02d}", name=f"学院{c:02d}")
                for u in self.university_rows
                for c in range(1, COLLEGES_PER_UNIVERSITY + 1)
            ],
            batch_size=5000,
        )
        self.colleges = {}
        for college in College.objects.values("id", "university_id").order_by("id"):
            self.colleges.setdefault(college["university_id"], []).append(college["id"])

    def _reference(self):
        self.categories = {c.code: c for c in DestinationCategory.objects.all()}
        self.natures = list(EmployerNature.objects.values_list("id", flat=True))
        self.industries = list(Industry.objects.values_list("id", flat=True))
        self.jobs = list(JobCategory.objects.values_list("id", flat=True))
        self.cities = list(Region.objects.filter(level=2).values_list("id", flat=True))
        self.graduate_ct = ContentType.objects.get_for_model(Graduate).pk
        self.university_ct = ContentType.objects.get_for_model(University).pk
        self.view_perm = Permission.objects.get(
            content_type_id=self.graduate_ct, codename="view_graduate"
        ).pk
        self.graduate_password = make_password(
            "bench-graduate-2026"
        )  # one hash for all: seeding, not security
        flow, leave = RegistrationFlow, LeaveConfirmationFlow
        self.ref = {
            "flow": get_flow_ref(flow),
            "leave": get_flow_ref(leave),
            **{
                name: get_task_ref(getattr(flow, name))
                for name in (
                    "start",
                    "register",
                    "check_targeted",
                    "route_to_audit",
                    "university_audit",
                    "college_audit",
                    "check_college_audit",
                    "check_university_audit",
                    "correct",
                    "registration_approved",
                )
            },
            **{
                f"leave_{name}": get_task_ref(getattr(leave, name))
                for name in (
                    "start",
                    "confirm_leave",
                    "route_details",
                    "audit_transfer",
                    "leave_confirmed",
                )
            },
        }
        self.sla = {
            kind: datetime.timedelta(hours=kind.sla_hours) for kind in registry.kinds.values()
        }

    def _reviewers(self):
        """Two university reviewers and a supervisor per university (one audit level); the
        reviewers also hold the guardian rows stock viewflow's queue filters on."""
        from django.contrib.auth import get_user_model
        from guardian.models import UserObjectPermission

        from roles.models import Membership

        user_model = get_user_model()
        password = make_password(REVIEWER_PASSWORD)
        perm, _ = Permission.objects.get_or_create(
            content_type_id=self.university_ct,
            codename="audit_registrations",
            defaults={"name": "Can audit the university's registrations"},
        )
        self.audit_perm = "roles.audit_registrations"
        users, memberships = [], []
        for university in self.university_rows:
            for role, n in (("university_reviewer", 2), ("university_supervisor", 1)):
                for k in range(n):
                    short = {"university_reviewer": "rev", "university_supervisor": "sup"}[role]
                    users.append(
                        user_model(
                            username=f"{short}-{university.code}-{k}",
                            password=password,
                            first_name=f"{short}{k}",
                        )
                    )
                    memberships.append((len(users) - 1, role, university, None))
        user_model.objects.bulk_create(users, batch_size=5000)
        Membership.objects.bulk_create(
            [
                Membership(
                    user=users[i], role=role, university=u, province_id=u.province_id, college_id=c
                )
                for i, role, u, c in memberships
            ],
            batch_size=5000,
        )
        UserObjectPermission.objects.bulk_create(
            [
                UserObjectPermission(
                    user=users[i],
                    permission=perm,
                    content_type_id=self.university_ct,
                    object_pk=str(u.pk),
                )
                for i, role, u, c in memberships
                if role == "university_reviewer"
            ],
            batch_size=5000,
        )
        self.reviewer_of = {}
        for i, role, u, _c in memberships:
            if role == "university_reviewer":
                self.reviewer_of.setdefault(u.pk, users[i].pk)

    # --- graduates ---------------------------------------------------------------------------------

    def _take(self, table: str, n: int = 1) -> int:
        first = self.ids[table]
        self.ids[table] += n
        return first

    def _graduates(self, batch):
        rng, now, ref = self.rng, self.now, self.ref
        rows = {
            k: []
            for k in (
                "user",
                "membership",
                "perm",
                "graduate",
                "version",
                "event",
                "process",
                "task",
                "previous",
                "scope",
                "notification",
                "transfer",
                "confirmation",
                "consent",
            )
        }
        for university, i in batch:
            state = _pick(rng, STATES)
            colleges = self.colleges[university.pk]
            college = colleges[i % len(colleges)]
            user_id, graduate_id = self._take("auth_user"), self._take("cases_graduate")
            case = _Case(graduate_id, user_id, university, college)
            student_no = f"{COHORT}{i + 1:06d}"
            male = rng.random() < 0.5
            name = rng.choice("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗") + rng.choice(
                "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超"
            )
            opened = now - datetime.timedelta(
                days=rng.randint(20, 90), seconds=rng.randint(0, 86400)
            )
            rows["user"].append(
                (
                    user_id,
                    self.graduate_password if state != "unregistered" else "!",
                    None,
                    False,
                    f"{university.code}-{student_no}",
                    name,
                    "",
                    "",
                    False,
                    True,
                    opened,
                )
            )
            rows["membership"].append(
                (
                    self._take("roles_membership"),
                    user_id,
                    "graduate",
                    university.province_id,
                    university.pk,
                    None,
                    None,
                    opened,
                )
            )
            rows["perm"].append(
                (
                    self._take("cases_graduateuserobjectpermission"),
                    self.view_perm,
                    user_id,
                    graduate_id,
                )
            )
            id_number = make_id_number(
                region="110102",
                birth=datetime.date(COHORT - 22, 1 + i % 12, 1 + i % 28),
                seq=i,
                male=male,
            )
            events = [(graduate_id, opened, None, "created", "status", None, "unregistered", "")]
            notifications = []
            process_id = self._take("viewflow_process")
            start_id = self._take("viewflow_task")
            register_id = self._take("viewflow_task")
            tasks = [
                _task(process_id, start_id, ref["start"], "START", "DONE", opened, done=opened),
                _task(
                    process_id,
                    register_id,
                    ref["register"],
                    "HUMAN",
                    "ASSIGNED" if state == "unregistered" else "DONE",
                    opened,
                    owner=user_id,
                ),
            ]
            previous = [(register_id, start_id)]
            scope = [
                self._scope(
                    case,
                    process_id,
                    register_id,
                    "register",
                    "graduate",
                    user_id,
                    "assigned",
                    "",
                    opened,
                )
            ]
            notifications.append(
                (
                    user_id,
                    "task_assigned",
                    {
                        "task": "登记毕业去向",
                        "graduate": name,
                        "due": (opened + self.sla["register"]).date().isoformat(),
                        "deadline": (opened + self.sla["register"]).date().isoformat(),
                    },
                    f"/tasks/{register_id}/",
                    f"task_assigned:{register_id}",
                    opened,
                )
            )
            version_id, category_code, status, current_registration = None, "", "unregistered", None
            confirmed_at = None
            if state != "unregistered":
                submitted = opened + datetime.timedelta(days=rng.randint(1, 12))
                category_code = _pick(rng, CATEGORY_MIX)
                version_id = self._take("cases_registrationversion")
                version = self._version(
                    version_id, graduate_id, category_code, submitted, user_id, state, university
                )
                rows["version"].append(version)
                current_registration = version_id
                status = {
                    "awaiting": "pending_audit",
                    "claimed": "pending_audit",
                    "returned": "returned",
                }.get(state, "approved")
                events.append(
                    (
                        graduate_id,
                        submitted,
                        user_id,
                        "submitted",
                        "status",
                        "unregistered",
                        "pending_audit",
                        "v1",
                    )
                )
                for field, value in self._version_fields(version):
                    events.append(
                        (graduate_id, submitted, user_id, "field_changed", field, None, value, "")
                    )
                tasks[1] = (*tasks[1][:6], submitted, submitted, *tasks[1][8:])
                scope[0][8], scope[0][12] = "done", submitted
                check_id, route_id, audit_id = (self._take("viewflow_task") for _ in range(3))
                tasks += [
                    _task(
                        process_id,
                        check_id,
                        ref["check_targeted"],
                        "EXCLUSIVE_GATEWAY",
                        "DONE",
                        submitted,
                        done=submitted,
                    ),
                    _task(
                        process_id,
                        route_id,
                        ref["route_to_audit"],
                        "EXCLUSIVE_GATEWAY",
                        "DONE",
                        submitted,
                        done=submitted,
                    ),
                ]
                previous += [(check_id, register_id), (route_id, check_id), (audit_id, route_id)]
                reviewer = self.reviewer_of[university.pk]
                decided = submitted + datetime.timedelta(
                    days=rng.randint(0, 3), hours=rng.randint(1, 20)
                )
                audit_status = {"awaiting": "NEW", "claimed": "ASSIGNED"}.get(state, "DONE")
                audit_owner = None if state == "awaiting" else reviewer
                audit_finished = decided if audit_status == "DONE" else None
                tasks.append(
                    _task(
                        process_id,
                        audit_id,
                        ref["university_audit"],
                        "HUMAN",
                        audit_status,
                        submitted,
                        done=audit_finished,
                        owner=audit_owner,
                        permission=(self.audit_perm, self.university_ct, str(university.pk)),
                    )
                )
                scope.append(
                    self._scope(
                        case,
                        process_id,
                        audit_id,
                        "university_audit",
                        "university_reviewer",
                        audit_owner,
                        {"NEW": "open", "ASSIGNED": "assigned", "DONE": "done"}[audit_status],
                        category_code,
                        submitted,
                        audit_finished,
                    )
                )
                if state in ("returned", "approved", "confirmed"):
                    gate_id = self._take("viewflow_task")
                    tasks.append(
                        _task(
                            process_id,
                            gate_id,
                            ref["check_university_audit"],
                            "EXCLUSIVE_GATEWAY",
                            "DONE",
                            decided,
                            done=decided,
                        )
                    )
                    previous.append((gate_id, audit_id))
                    if state == "returned":
                        correct_id = self._take("viewflow_task")
                        tasks.append(
                            _task(
                                process_id,
                                correct_id,
                                ref["correct"],
                                "HUMAN",
                                "ASSIGNED",
                                decided,
                                owner=user_id,
                            )
                        )
                        previous.append((correct_id, gate_id))
                        scope.append(
                            self._scope(
                                case,
                                process_id,
                                correct_id,
                                "correct",
                                "graduate",
                                user_id,
                                "assigned",
                                category_code,
                                decided,
                            )
                        )
                    else:
                        end_id = self._take("viewflow_task")
                        tasks.append(
                            _task(
                                process_id,
                                end_id,
                                ref["registration_approved"],
                                "END",
                                "DONE",
                                decided,
                                done=decided,
                            )
                        )
                        previous.append((end_id, gate_id))
                    outcome = "returned" if state == "returned" else "approved"
                    reason = "请核对签约信息" if state == "returned" else ""
                    events.append(
                        (
                            graduate_id,
                            decided,
                            reviewer,
                            outcome,
                            "status",
                            "pending_audit",
                            outcome,
                            reason,
                        )
                    )
                    notifications.append(
                        (
                            user_id,
                            f"registration_{outcome}",
                            {"reason": reason, "version": 1},
                            "/",
                            f"registration:{version_id}:{outcome}",
                            decided,
                        )
                    )
                if state == "confirmed":
                    confirmed_at = decided + datetime.timedelta(days=rng.randint(1, 10))
                    self._leave(
                        rows,
                        case,
                        category_code,
                        version_id,
                        reviewer,
                        decided,
                        confirmed_at,
                        events,
                    )
            process_finished = decided if state in ("approved", "confirmed") else None
            rows["process"].append(
                (
                    process_id,
                    ref["flow"],
                    "DONE" if process_finished else "NEW",
                    opened,
                    process_finished,
                    "{}",
                    self.graduate_ct,
                    graduate_id,
                )
            )
            rows["task"] += tasks
            rows["previous"] += previous
            rows["scope"] += scope
            rows["graduate"].append(
                (
                    graduate_id,
                    university.pk,
                    college,
                    university.province_id,
                    COHORT,
                    student_no,
                    name,
                    "M" if male else "F",
                    id_number,
                    "bachelor",
                    "080901",
                    "软件工程",
                    None,
                    None,
                    None,
                    "non_targeted",
                    False,
                    "",
                    "",
                    None,
                    "",
                    f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
                    user_id,
                    status,
                    confirmed_at,
                    "",
                    current_registration,
                    opened,
                    opened,
                )
            )
            rows["event"] += events
            rows["notification"] += notifications
        self._write(rows)

    def _scope(
        self, case, process_id, task_id, kind, role, owner, status, category, created, finished=None
    ):
        """A task-scope row of ``case`` as ``_copy_all`` reads it, due after its kind's SLA (a
        list: a first submission closes the register task's afterwards)."""
        graduate_id, _user_id, university, college = case
        due = created + self.sla[kind]
        return [
            task_id,
            process_id,
            kind,
            graduate_id,
            university,
            college,
            role,
            owner,
            status,
            category,
            created,
            due,
            finished,
        ]

    def _version(self, version_id, graduate_id, code, submitted, user_id, state, university):
        rng = self.rng
        category = self.categories[code]
        employer = "employer_name" in category.required_fields
        status = {"awaiting": "pending", "claimed": "pending", "returned": "returned"}.get(
            state, "approved"
        )
        decided = submitted if status != "pending" else None
        return (
            version_id,
            graduate_id,
            1,
            category.pk,
            f"企业{rng.randint(1, 99999):05d}有限公司" if employer else "",
            valid_credit_code(rng) if employer else "",
            rng.choice(self.natures) if employer else None,
            rng.choice(self.industries) if employer else None,
            rng.choice(self.cities) if employer else None,
            rng.choice(self.jobs) if employer else None,
            "",
            submitted.date() if employer else None,
            "某大学研究生院" if code in ("801", "802") else "",
            "University of Somewhere" if code == "85" else "",
            "",
            "self",
            status,
            True,
            submitted,
            user_id,
            decided,
            self.reviewer_of[university.pk] if decided else None,
            "请核对签约信息" if status == "returned" else "",
        )

    VERSION_COLUMNS = [
        "id",
        "graduate_id",
        "number",
        "category_id",
        "employer_name",
        "employer_credit_code",
        "employer_nature_id",
        "employer_industry_id",
        "employer_region_id",
        "job_category_id",
        "employer_address",
        "signed_on",
        "study_institution",
        "foreign_institution",
        "remarks",
        "source",
        "status",
        "is_current",
        "submitted_at",
        "submitted_by_id",
        "decided_at",
        "decided_by_id",
        "decision_reason",
    ]

    def _version_fields(self, version):
        """The field-change events a first submission writes (one per filled field)."""
        values = dict(zip(self.VERSION_COLUMNS, version, strict=True))
        for field in (
            "category_id",
            "employer_name",
            "employer_credit_code",
            "employer_nature_id",
            "employer_industry_id",
            "employer_region_id",
            "job_category_id",
            "signed_on",
            "study_institution",
            "foreign_institution",
        ):
            value = values[field]
            if value not in (None, ""):
                yield field.removesuffix("_id"), str(value)

    def _leave(
        self, rows, case, category_code, version_id, reviewer, decided, confirmed_at, events
    ):
        """A leave-time confirmation done: details submitted and approved, then confirmed."""
        graduate_id, user_id, university, _college = case
        ref = self.ref
        opened = decided + datetime.timedelta(hours=1)
        submitted = opened + datetime.timedelta(hours=3)
        approved = submitted + datetime.timedelta(hours=20)
        process_id = self._take("viewflow_process")
        ids = [self._take("viewflow_task") for _ in range(7)]
        start, confirm1, route1, audit, confirm2, route2, end = ids
        rows["process"].append(
            (
                process_id,
                ref["leave"],
                "DONE",
                opened,
                confirmed_at,
                "{}",
                self.graduate_ct,
                graduate_id,
            )
        )
        rows["task"] += [
            _task(process_id, start, ref["leave_start"], "START", "DONE", opened, done=opened),
            _task(
                process_id,
                confirm1,
                ref["leave_confirm_leave"],
                "HUMAN",
                "DONE",
                opened,
                done=submitted,
                owner=user_id,
            ),
            _task(
                process_id,
                route1,
                ref["leave_route_details"],
                "EXCLUSIVE_GATEWAY",
                "DONE",
                submitted,
                done=submitted,
            ),
            _task(
                process_id,
                audit,
                ref["leave_audit_transfer"],
                "HUMAN",
                "DONE",
                submitted,
                done=approved,
                owner=reviewer,
            ),
            _task(
                process_id,
                confirm2,
                ref["leave_confirm_leave"],
                "HUMAN",
                "DONE",
                approved,
                done=confirmed_at,
                owner=user_id,
            ),
            _task(
                process_id,
                route2,
                ref["leave_route_details"],
                "EXCLUSIVE_GATEWAY",
                "DONE",
                confirmed_at,
                done=confirmed_at,
            ),
            _task(
                process_id,
                end,
                ref["leave_leave_confirmed"],
                "END",
                "DONE",
                confirmed_at,
                done=confirmed_at,
            ),
        ]
        rows["previous"] += [
            (confirm1, start),
            (route1, confirm1),
            (audit, route1),
            (confirm2, audit),
            (route2, confirm2),
            (end, route2),
        ]
        for task_id, kind, role, owner, created, finished in (
            (confirm1, "confirm_leave", "graduate", user_id, opened, submitted),
            (audit, "audit_transfer", "university_reviewer", reviewer, submitted, approved),
            (confirm2, "confirm_leave", "graduate", user_id, approved, confirmed_at),
        ):
            rows["scope"].append(
                self._scope(
                    case,
                    process_id,
                    task_id,
                    kind,
                    role,
                    owner,
                    "done",
                    category_code,
                    created,
                    finished,
                )
            )
        transfer_id = self._take("cases_transferdetails")
        rows["transfer"].append(
            (
                transfer_id,
                graduate_id,
                1,
                "employer",
                "单位人事部",
                "北京市海淀区中关村大街1号",
                "100080",
                "人事处",
                "010-62751234",
                "confidential_mail",
                False,
                "",
                "",
                "approved",
                True,
                submitted,
                user_id,
                approved,
                reviewer,
                "",
            )
        )
        transfer_no = f"{COHORT % 100:02d}{university.code}" + "".join(
            self.rng.choice(string.ascii_uppercase) for _ in range(11)
        )
        rows["confirmation"].append(
            (
                self._take("verification_confirmation"),
                graduate_id,
                version_id,
                transfer_id,
                confirmed_at,
                transfer_no,
                numbers.new_verification_no(),
                secrets.token_hex(16),
                "valid",
                True,
                None,
                "",
            )
        )
        rows["consent"].append(
            (self._take("verification_verificationconsent"), graduate_id, True, confirmed_at)
        )
        events += [
            (graduate_id, opened, None, "confirmation_opened", "", None, None, ""),
            (graduate_id, submitted, user_id, "transfer_submitted", "", None, None, "v1"),
            (graduate_id, approved, reviewer, "transfer_approved", "", None, None, ""),
            (graduate_id, confirmed_at, user_id, "confirmed", "", None, None, transfer_no),
            (graduate_id, confirmed_at, user_id, "consent_granted", "", None, None, ""),
        ]

    # --- writing -------------------------------------------------------------------------------------

    def _write(self, rows):
        """One transaction per batch. Foreign keys are not checked row by row while copying:
        the generator writes consistent rows, and ``verify`` proves it afterwards."""
        with transaction.atomic():
            with connection.cursor() as cursor:
                # The rows are consistent by construction: skip the per-row foreign-key
                # triggers while copying (superuser only; this session and transaction only).
                cursor.execute("SET LOCAL session_replication_role = replica")
            self._copy_all(rows)

    def _copy_all(self, rows):
        copy = self.copy
        copy(
            "auth_user",
            [
                "id",
                "password",
                "last_login",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
            ],
            rows["user"],
        )
        copy(
            "roles_membership",
            [
                "id",
                "user_id",
                "role",
                "province_id",
                "university_id",
                "college_id",
                "verifier_organisation_id",
                "created_at",
            ],
            rows["membership"],
        )
        copy(
            "cases_graduate",
            [
                "id",
                "university_id",
                "college_id",
                "province_id",
                "cohort",
                "student_no",
                "name",
                "gender",
                "id_number",
                "education_level",
                "major_code",
                "major_name",
                "origin_region_id",
                "enrolled_on",
                "graduation_date",
                "training_mode",
                "is_incomplete",
                "targeted_employer_name",
                "targeted_credit_code",
                "targeted_region_id",
                "agreement_no",
                "mobile",
                "user_id",
                "status",
                "confirmed_at",
                "targeted_compliance",
                "current_registration_id",
                "created_at",
                "updated_at",
            ],
            rows["graduate"],
        )
        copy("cases_registrationversion", self.VERSION_COLUMNS, rows["version"])
        copy(
            "cases_graduateuserobjectpermission",
            ["id", "permission_id", "user_id", "content_object_id"],
            rows["perm"],
        )
        copy(
            "cases_caseevent",
            ["id", "graduate_id", "at", "actor_id", "kind", "field", "before", "after", "note"],
            (
                (
                    self._take("cases_caseevent"),
                    g,
                    at,
                    actor,
                    kind,
                    field,
                    None if before is None else json.dumps(before, ensure_ascii=False),
                    None if after is None else json.dumps(after, ensure_ascii=False),
                    note,
                )
                for g, at, actor, kind, field, before, after, note in rows["event"]
            ),
        )
        copy(
            "viewflow_process",
            [
                "id",
                "flow_class",
                "status",
                "created",
                "finished",
                "data",
                "artifact_content_type_id",
                "artifact_object_id",
            ],
            rows["process"],
        )
        copy(
            "viewflow_task",
            [
                "id",
                "flow_task",
                "flow_task_type",
                "status",
                "created",
                "assigned",
                "started",
                "finished",
                "owner_id",
                "process_id",
                "owner_permission",
                "owner_permission_content_type_id",
                "owner_permission_obj_pk",
                "token",
                "data",
            ],
            ((*row, "start", "{}") for row in rows["task"]),
        )
        copy(
            "viewflow_task_previous",
            ["id", "from_task_id", "to_task_id"],
            ((self._take("viewflow_task_previous"), a, b) for a, b in rows["previous"]),
        )
        copy(
            "workflows_taskscope",
            [
                "task_id",
                "process_id",
                "kind",
                "graduate_id",
                "province_id",
                "university_id",
                "college_id",
                "cohort",
                "candidate_role",
                "assignee_id",
                "status",
                "major_name",
                "category_code",
                "created_at",
                "due_at",
                "finished_at",
            ],
            (
                (
                    t,
                    p,
                    k,
                    g,
                    u.province_id,
                    u.pk,
                    c,
                    COHORT,
                    role,
                    a,
                    s,
                    "软件工程",
                    cat,
                    created,
                    due,
                    fin,
                )
                for t, p, k, g, u, c, role, a, s, cat, created, due, fin in rows["scope"]
            ),
        )
        copy(
            "notifications_notification",
            [
                "id",
                "user_id",
                "kind",
                "context",
                "url",
                "dedupe_key",
                "channels",
                "created_at",
                "settled_at",
            ],
            (
                (
                    self._take("notifications_notification"),
                    u,
                    k,
                    json.dumps(ctx, ensure_ascii=False),
                    url,
                    key,
                    "[]",
                    at,
                    at,
                )
                for u, k, ctx, url, key, at in rows["notification"]
            ),
        )
        copy(
            "cases_transferdetails",
            [
                "id",
                "graduate_id",
                "number",
                "archive_destination",
                "archive_unit",
                "archive_address",
                "archive_postcode",
                "archive_contact",
                "archive_phone",
                "archive_method",
                "hukou_migrate",
                "hukou_type",
                "hukou_address",
                "status",
                "is_current",
                "submitted_at",
                "submitted_by_id",
                "decided_at",
                "decided_by_id",
                "decision_reason",
            ],
            rows["transfer"],
        )
        copy(
            "verification_confirmation",
            [
                "id",
                "graduate_id",
                "registration_id",
                "transfer_id",
                "confirmed_at",
                "transfer_no",
                "verification_no",
                "qr_token",
                "status",
                "is_current",
                "superseded_at",
                "superseded_reason",
            ],
            rows["confirmation"],
        )
        copy(
            "verification_verificationconsent",
            ["id", "graduate_id", "granted", "changed_at"],
            rows["consent"],
        )

    # Every foreign key the copied tables hold, checked once after seeding.
    REFERENCES = [
        ("auth_user", "id", "roles_membership", "user_id"),
        ("auth_user", "id", "cases_graduate", "user_id"),
        ("cases_graduate", "id", "cases_registrationversion", "graduate_id"),
        ("cases_registrationversion", "id", "cases_graduate", "current_registration_id"),
        ("cases_graduate", "id", "cases_caseevent", "graduate_id"),
        ("cases_graduate", "id", "cases_graduateuserobjectpermission", "content_object_id"),
        ("viewflow_process", "id", "viewflow_task", "process_id"),
        ("viewflow_task", "id", "viewflow_task_previous", "from_task_id"),
        ("viewflow_task", "id", "viewflow_task_previous", "to_task_id"),
        ("viewflow_task", "id", "workflows_taskscope", "task_id"),
        ("cases_graduate", "id", "workflows_taskscope", "graduate_id"),
        ("auth_user", "id", "notifications_notification", "user_id"),
        ("cases_transferdetails", "id", "verification_confirmation", "transfer_id"),
        ("cases_registrationversion", "id", "verification_confirmation", "registration_id"),
    ]

    def verify(self) -> None:
        """No row refers to a missing one (the checks COPY skipped)."""
        with connection.cursor() as cursor:
            for parent, key, child, column in self.REFERENCES:
                cursor.execute(
                    f"SELECT count(*) FROM {child} c WHERE c.{column} IS NOT NULL "
                    f"AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{key} = c.{column})"
                )
                orphans = cursor.fetchone()[0]
                if orphans:
                    raise AssertionError(f"{orphans} rows of {child}.{column} refer to no {parent}")

    def _tallies(self):
        """The statistics' tally rows, counted by the application's own full recomputation."""
        from cases.models import CaseTally
        from cases.tallies import COARSE_GRAINS, coarse_tallies_rebuild, tallies_rebuild

        for university in self.university_rows:
            tallies_rebuild(university_id=university.pk)
        coarse_tallies_rebuild()
        with connection.cursor() as cursor:
            for model in (CaseTally, *COARSE_GRAINS):
                table = model._meta.db_table
                self.copy.counts[table] = model.objects.count()
                cursor.execute(f"ANALYZE {table}")

    def _finish(self):
        """Move the id sequences past the copied rows, and bring the database to the state
        autovacuum keeps a running one in: planner statistics fresh and the visibility map
        set (index-only scans for the counts). Autovacuum may be off on the server, as on
        the CI machine, or not have caught up yet."""
        with connection.cursor() as cursor:
            for table in self.ids:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
            cursor.execute("VACUUM (ANALYZE)")
