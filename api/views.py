"""The REST API, version 1. Views are thin: they check the caller and the input, then call
the same services and selectors as the pages (one scope gate; outside scope is 404)."""

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors as case_selectors
from cases.models import Graduate
from cases.pages import case_read
from core.masking import mask_id_number, mask_mobile
from roles.models import Role, University
from roles.org_scope import scope_for_user
from sync import inbound
from sync.models import EventResult, SyncedCase
from sync.state import digest, groups_summary, states_for
from workflows import selectors

from . import serializers as s
from .authentication import ClientKeyAuthentication, IsMachineClient, IsNationalNode
from .pagination import DigestPagination

REVIEWER_ROLES = (Role.COLLEGE_REVIEWER, Role.UNIVERSITY_REVIEWER, Role.TARGETED_REVIEWER)


def _query(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class MachineClientView(APIView):
    authentication_classes = [ClientKeyAuthentication]
    permission_classes = [IsMachineClient, IsNationalNode]


# --- Sync (machine clients of provincial systems) --------------------------------------------------


class SyncEventsView(MachineClientView):
    @extend_schema(
        operation_id="sync_events",
        summary="Apply a batch of events from a provincial system",
        description=(
            "Events are applied in the order given, each on its own: a repeated event id is "
            "answered `duplicate` and not applied again; an event older than the version the "
            "case has is answered `stale`; an event that cannot be applied is answered "
            "`invalid` with the reason, and never stops the others. A batch naming a "
            "university of another province is refused whole (403)."
        ),
        request=s.EventBatchSerializer,
        responses={200: s.EventOutcomesSerializer},
        tags=["sync"],
    )
    def post(self, request):
        batch = s.RawBatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        raw_events = batch.validated_data["events"]
        province = request.auth.province
        codes = {
            event["case"]["university"]
            for event in raw_events
            if isinstance(event, dict)
            and isinstance(event.get("case"), dict)
            and isinstance(event["case"].get("university"), str)
        }
        foreign = inbound.foreign_universities(province=province, codes=codes)
        if foreign:
            request._request.api_summary = f"refused: universities {', '.join(foreign)}"
            raise PermissionDenied(
                _("Universities of another province may not be written: %(codes)s.")
                % {"codes": ", ".join(foreign)}
            )
        events = []
        for raw in raw_events:
            serializer = s.EventSerializer(data=raw)
            if serializer.is_valid():
                events.append(serializer.validated_data)
            else:
                raw_id = raw.get("id") if isinstance(raw, dict) else None
                events.append(
                    {
                        "id": raw_id if isinstance(raw_id, str) else "",
                        "error": _flat(serializer.errors),
                    }
                )
        try:
            outcomes = inbound.events_receive(province=province, events=events)
        except inbound.ForeignUniversities as exc:  # pragma: no cover: checked above
            raise PermissionDenied(str(exc)) from exc
        counts = {r: sum(o.result == r for o in outcomes) for r in EventResult.values}
        request._request.api_summary = f"events={len(outcomes)} " + " ".join(
            f"{k}={v}" for k, v in counts.items()
        )
        return Response({"results": [o.as_dict() for o in outcomes]})


def _flat(errors, prefix="") -> str:
    parts = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            parts.append(_flat(value, f"{prefix}{key}."))
    elif isinstance(errors, list):
        parts.extend(_flat(e, prefix) for e in errors)
    else:
        parts.append(f"{prefix.rstrip('.')}: {errors}")
    return "; ".join(p for p in parts if p)[:1000]


class ReconciliationView(MachineClientView):
    @extend_schema(
        operation_id="sync_reconciliation",
        summary="Counts and checksums per university and cohort of the client's province",
        parameters=[s.ReconciliationQuerySerializer],
        responses={200: s.ReconciliationSerializer},
        tags=["sync"],
    )
    def get(self, request):
        query = _query(s.ReconciliationQuerySerializer, request)
        province = request.auth.province
        universities = University.objects.filter(province=province)
        if "university" in query:
            university = University.objects.filter(code=query["university"]).first()
            if university is None:
                raise Http404
            if university.province_id != province.pk:
                raise PermissionDenied(_("This university belongs to another province."))
            universities = universities.filter(pk=university.pk)
        groups = groups_summary(
            university_ids=universities.values_list("pk", flat=True), cohort=query.get("cohort")
        )
        return Response({"province": province.code, "groups": groups})


class ReconciliationCasesView(generics.GenericAPIView):
    authentication_classes = [ClientKeyAuthentication]
    permission_classes = [IsMachineClient, IsNationalNode]
    pagination_class = DigestPagination
    serializer_class = s.CaseDigestSerializer

    @extend_schema(
        operation_id="sync_reconciliation_cases",
        summary="The digest of every case of one university cohort, by 学号",
        responses={200: s.CaseDigestSerializer(many=True)},  # a page of digests
        tags=["sync"],
    )
    def get(self, request, university: str, cohort: int):
        found = University.objects.filter(code=university).first()
        if found is None:
            raise Http404
        if found.province_id != request.auth.province_id:
            raise PermissionDenied(_("This university belongs to another province."))
        graduates = Graduate.objects.filter(university=found, cohort=cohort).order_by("student_no")
        page = self.paginate_queryset(graduates.only("pk", "student_no"))
        states = states_for(page)
        versions = dict(
            SyncedCase.objects.filter(graduate__in=[g.pk for g in page]).values_list(
                "graduate_id", "version"
            )
        )
        rows = [
            {
                "student_no": g.student_no,
                "version": versions.get(g.pk),
                "digest": digest(states[g.pk]),
            }
            for g in page
        ]
        return self.get_paginated_response(rows)


# --- A user's inbox and cases (the pages' scope) --------------------------------------------------


def _inbox_filters(request) -> selectors.InboxFilters:
    query = _query(s.InboxQuerySerializer, request)
    return selectors.InboxFilters(
        kind=query.get("kind", ""),
        college=query.get("college"),
        status=query.get("status", ""),
        sort=query.get("sort", "due"),
        overdue=query.get("overdue", False),
    )


class MyTasksView(generics.ListAPIView):
    serializer_class = s.TaskSerializer

    @extend_schema(operation_id="tasks_mine", parameters=[s.InboxQuerySerializer], tags=["tasks"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.my_tasks(self.request.user, _inbox_filters(self.request)).select_related(
            "graduate"
        )


class QueueView(generics.ListAPIView):
    serializer_class = s.TaskSerializer

    @extend_schema(
        operation_id="tasks_queue",
        summary="Tasks the user's reviewer roles may claim",
        parameters=[s.InboxQuerySerializer],
        tags=["tasks"],
    )
    def get(self, request, *args, **kwargs):
        if not scope_for_user(request.user).has_role(*REVIEWER_ROLES):
            raise PermissionDenied(_("The queue belongs to reviewers."))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.queue_for_user(
            self.request.user, _inbox_filters(self.request)
        ).select_related("graduate")


class TaskDetailView(APIView):
    @extend_schema(operation_id="task_read", responses={200: s.TaskSerializer}, tags=["tasks"])
    def get(self, request, task_id: int):
        return Response(s.TaskSerializer(selectors.task_for_user(request.user, task_id)).data)


class CaseListView(generics.ListAPIView):
    serializer_class = s.CaseSummarySerializer

    @extend_schema(operation_id="cases_list", parameters=[s.CaseQuerySerializer], tags=["cases"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = _query(s.CaseQuerySerializer, self.request)
        return case_selectors.case_list(self.request.user, filters=query).select_related(
            "university"
        )


class CaseDetailView(APIView):
    @extend_schema(
        operation_id="case_read", responses={200: s.CaseDetailSerializer}, tags=["cases"]
    )
    def get(self, request, case_id: int):
        graduate, own = case_read(request, case_id, "api_case_read")
        graduate.tasks = list(selectors.case_tasks(graduate.pk).select_related("graduate"))
        data = s.CaseDetailSerializer(graduate).data
        if not own:
            data["id_number"] = mask_id_number(graduate.id_number)
            data["mobile"] = mask_mobile(graduate.mobile)
        return Response(data)


class Health(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(
        operation_id="node",
        summary="This node's role",
        responses={200: {"type": "object", "properties": {"role": {"type": "string"}}}},
        tags=["node"],
    )
    def get(self, request):
        return Response({"role": settings.NODE_ROLE}, status=status.HTTP_200_OK)
